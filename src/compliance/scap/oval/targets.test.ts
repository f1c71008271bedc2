/**
 * OVAL on a container image (`image:`, its merged layers): package facts come from the image's own
 * dpkg database (where OpenSCAP's probe needs a running dpkg), file facts from the merged view, and
 * runtime facts are unknown. (`dir:` is covered by evaluate.test.ts, the live host by
 * oscap-agreement.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { ensureBookwormImage } from '../../../../test/support/images.js';
import { openTarget } from '../../targets/open-target.js';
import { createOvalEvaluation } from './evaluate.js';
import { parseOvalDefinitions } from './parse-definitions.js';
import { definition, ovalDocument, resultsOf } from './test-support.js';

const XML = ovalDocument({
  definitions: [
    definition('oval:t:def:base-files', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
    definition('oval:t:def:bookworm', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:2"/></oval-def:criteria>'),
    definition('oval:t:def:no-telnetd', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:3"/></oval-def:criteria>'),
    definition('oval:t:def:passwd-mode', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:4"/></oval-def:criteria>'),
    definition('oval:t:def:no-sysctl-offline', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:5"/></oval-def:criteria>'),
  ].join(''),
  tests: [
    '<linux:dpkginfo_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><linux:object object_ref="oval:t:obj:1"/><linux:state state_ref="oval:t:ste:1"/></linux:dpkginfo_test>',
    '<ind:textfilecontent54_test id="oval:t:tst:2" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:2"/><ind:state state_ref="oval:t:ste:2"/></ind:textfilecontent54_test>',
    '<linux:dpkginfo_test id="oval:t:tst:3" version="1" check="all" check_existence="none_exist"><linux:object object_ref="oval:t:obj:3"/></linux:dpkginfo_test>',
    '<unix:file_test id="oval:t:tst:4" version="1" check="all" check_existence="all_exist"><unix:object object_ref="oval:t:obj:4"/><unix:state state_ref="oval:t:ste:4"/></unix:file_test>',
    '<unix:sysctl_test id="oval:t:tst:5" version="1" check="all" check_existence="all_exist"><unix:object object_ref="oval:t:obj:5"/></unix:sysctl_test>',
  ].join(''),
  objects: [
    '<linux:dpkginfo_object id="oval:t:obj:1" version="1"><linux:name>base-files</linux:name></linux:dpkginfo_object>',
    '<ind:textfilecontent54_object id="oval:t:obj:2" version="1"><ind:filepath>/etc/os-release</ind:filepath><ind:pattern operation="pattern match">^VERSION_CODENAME=(\\w+)$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>',
    '<linux:dpkginfo_object id="oval:t:obj:3" version="1"><linux:name>telnetd</linux:name></linux:dpkginfo_object>',
    '<unix:file_object id="oval:t:obj:4" version="1"><unix:filepath>/etc/passwd</unix:filepath></unix:file_object>',
    '<unix:sysctl_object id="oval:t:obj:5" version="1"><unix:name>kernel.randomize_va_space</unix:name></unix:sysctl_object>',
  ].join(''),
  states: [
    '<linux:dpkginfo_state id="oval:t:ste:1" version="1"><linux:evr datatype="debian_evr_string" operation="greater than or equal">0:12</linux:evr></linux:dpkginfo_state>',
    '<ind:textfilecontent54_state id="oval:t:ste:2" version="1"><ind:subexpression>bookworm</ind:subexpression></ind:textfilecontent54_state>',
    '<unix:file_state id="oval:t:ste:4" version="1"><unix:user_id datatype="int">0</unix:user_id><unix:owrite datatype="boolean">false</unix:owrite></unix:file_state>',
  ].join(''),
});

describe('OVAL on a container image', () => {
  it('evaluates package, file content and permission definitions on image: as on a running Debian 12', async () => {
    const image = await ensureBookwormImage();
    const document = parseOvalDefinitions(XML, 'targets.xml');
    const target = await openTarget(`image:${image.ociReference}`);
    try {
      const outcomes = await createOvalEvaluation(document, target).evaluate([...document.definitions.keys()], new Map());
      expect(resultsOf(outcomes)).toEqual({
        'oval:t:def:base-files': 'true',
        'oval:t:def:bookworm': 'true',
        'oval:t:def:no-telnetd': 'true',
        'oval:t:def:passwd-mode': 'true',
        'oval:t:def:no-sysctl-offline': 'unknown',
      });
    } finally {
      await target.close();
    }
  }, 300_000);
});
