/**
 * Agreement with OpenSCAP (`oscap oval eval`, Debian's openscap-scanner) on hand-written
 * definitions over a tree in a temporary folder of this host: both evaluate the same document on
 * the same files (OpenSCAP probes the host, so the paths are the tree's host paths and Tollgate
 * evaluates the `local` target), and every definition's result must be the same.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, disagreementsWith, evaluateLocally, makeTree, oscapResults, ovalDocument, removeTree } from './test-support.js';

let root: string;
let work: string;

beforeAll(async () => {
  root = await makeTree({
    'etc/ssh/sshd_config': 'PermitRootLogin no\nMaxAuthTries 4\n#Banner none\nClientAliveInterval 300\nCiphers aes256-ctr,aes128-ctr\n',
    'etc/ssh/sshd_config.d/a.conf': 'PermitRootLogin yes\n',
    'etc/login.defs': 'PASS_MAX_DAYS 99999\nPASS_MIN_DAYS\t1\nUMASK 022\n',
    'etc/cron.d/ok': { content: 'x\n', mode: 0o600 },
    'etc/cron.d/bad': { content: 'x\n', mode: 0o646 },
    'opt/a/b/c/deep.txt': 'deep\n',
    'opt/a/top.txt': 'top\n',
    'etc/link': { link: 'ssh/sshd_config' },
  });
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-oscap-'));
  // A copy of the tree's sshd_config.d deeper down: its path ends as the unanchored pattern below
  // asks, but lies outside the pattern's literal folder, where OpenSCAP does not search.
  const decoy = path.join(root, 'opt/mirror', root, 'etc/ssh/sshd_config.d/b.conf');
  await mkdir(path.dirname(decoy), { recursive: true });
  await writeFile(decoy, 'PermitRootLogin no\n');
});

afterAll(async () => {
  await removeTree(root);
  await rm(work, { recursive: true, force: true });
});

function documentFor(base: string): string {
  let n = 0;
  const defs: string[] = [];
  const tests: string[] = [];
  const objects: string[] = [];
  const states: string[] = [];
  const tfc = (filepath: string, pattern: string, state: string, attributes = 'check="all" check_existence="at_least_one_exists"', behaviors = ''): void => {
    n++;
    defs.push(definition(`oval:x:def:${n}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:x:tst:${n}"/></oval-def:criteria>`));
    tests.push(`<ind:textfilecontent54_test id="oval:x:tst:${n}" version="1" ${attributes} comment="t"><ind:object object_ref="oval:x:obj:${n}"/>${state ? `<ind:state state_ref="oval:x:ste:${n}"/>` : ''}</ind:textfilecontent54_test>`);
    objects.push(`<ind:textfilecontent54_object id="oval:x:obj:${n}" version="1">${behaviors}${filepath}<ind:pattern operation="pattern match">${pattern}</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`);
    if (state) states.push(`<ind:textfilecontent54_state id="oval:x:ste:${n}" version="1">${state}</ind:textfilecontent54_state>`);
  };
  const fileTest = (object: string, state: string, attributes: string): void => {
    n++;
    defs.push(definition(`oval:x:def:${n}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:x:tst:${n}"/></oval-def:criteria>`));
    tests.push(`<unix:file_test id="oval:x:tst:${n}" version="1" ${attributes} comment="t"><unix:object object_ref="oval:x:obj:${n}"/>${state ? `<unix:state state_ref="oval:x:ste:${n}"/>` : ''}</unix:file_test>`);
    objects.push(`<unix:file_object id="oval:x:obj:${n}" version="1">${object}</unix:file_object>`);
    if (state) states.push(`<unix:file_state id="oval:x:ste:${n}" version="1">${state}</unix:file_state>`);
  };
  const sshd = `<ind:filepath>${base}/etc/ssh/sshd_config</ind:filepath>`;
  tfc(sshd, '^\\s*PermitRootLogin\\s+(\\S+)\\s*$', '<ind:subexpression>no</ind:subexpression>');
  tfc(sshd, '^\\s*(?i)permitrootlogin(?-i)\\s+(\\S+)', '<ind:subexpression>yes</ind:subexpression>');
  tfc(sshd, '^\\s*MaxAuthTries\\s+(\\d+)', '<ind:subexpression datatype="int" operation="less than or equal">4</ind:subexpression>');
  tfc(sshd, '^\\s*Banner\\s', '', 'check="all" check_existence="none_exist"');
  tfc(sshd, '^#\\h*Banner', '', 'check="all" check_existence="only_one_exists"');
  tfc(sshd, '^permitrootlogin', '', 'check="all" check_existence="at_least_one_exists"', '<ind:behaviors ignore_case="true"/>');
  tfc(sshd, 'no$', '', 'check="all" check_existence="at_least_one_exists"', '<ind:behaviors multiline="false"/>');
  tfc(sshd, 'no\\nMax', '', 'check="all" check_existence="at_least_one_exists"');
  tfc(`<ind:filepath operation="pattern match">^${base.replaceAll('.', '\\.')}/etc/ssh/sshd_config\\.d/.*\\.conf$</ind:filepath>`, '^PermitRootLogin\\s+(\\S+)', '<ind:subexpression>no</ind:subexpression>');
  // Unanchored patterns are searched from their literal folder, as OpenSCAP searches them: the
  // decoy below opt/ is not found, and /proc (never walked from above) is read from inside.
  tfc(`<ind:filepath operation="pattern match">${base}/etc/ssh/sshd_config\\.d/.*\\.conf$</ind:filepath>`, '^PermitRootLogin\\s+(\\S+)', '<ind:subexpression>yes</ind:subexpression>');
  tfc('<ind:filepath operation="pattern match">/proc/sys/kernel/(osrelease|arch)</ind:filepath>', '.', '');
  tfc(`<ind:path>${base}/etc</ind:path><ind:filename>login.defs</ind:filename>`, '^PASS_MAX_DAYS\\s+(\\d+)', '<ind:subexpression datatype="int" operation="less than or equal">365</ind:subexpression>');
  tfc(`<ind:filepath>${base}/etc/login.defs</ind:filepath>`, '^PASS_MIN_DAYS[ \\t]+(\\d+)', '<ind:subexpression datatype="int" operation="greater than or equal">1</ind:subexpression>');
  tfc(`<ind:filepath>${base}/etc/missing</ind:filepath>`, '.', '', 'check="all" check_existence="any_exist"');
  tfc(`<ind:filepath>${base}/etc/missing</ind:filepath>`, '.', '');
  fileTest(`<unix:path>${base}/etc/cron.d</unix:path><unix:filename operation="pattern match">.*</unix:filename>`, '<unix:owrite datatype="boolean">false</unix:owrite>', 'check="all" check_existence="any_exist"');
  fileTest(`<unix:path>${base}/etc/cron.d</unix:path><unix:filename operation="pattern match">.*</unix:filename>`, '<unix:owrite datatype="boolean">true</unix:owrite>', 'check="only one" check_existence="any_exist"');
  fileTest(`<unix:filepath>${base}/etc/cron.d/ok</unix:filepath>`, '<unix:uread datatype="boolean">true</unix:uread><unix:gread datatype="boolean">false</unix:gread>', 'check="all" check_existence="all_exist"');
  fileTest(`<unix:behaviors recurse_direction="down" max_depth="1"/><unix:path>${base}/opt</unix:path><unix:filename operation="pattern match">\\.txt$</unix:filename>`, '', 'check="all" check_existence="only_one_exists"');
  fileTest(`<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>${base}/opt</unix:path><unix:filename operation="pattern match">\\.txt$</unix:filename>`, '', 'check="all" check_existence="only_one_exists"');
  fileTest(`<unix:path>${base}/etc</unix:path><unix:filename>link</unix:filename>`, '<unix:type>symbolic link</unix:type>', 'check="all" check_existence="all_exist"');
  // Live facts of this host, which both read: a kernel parameter, the mount table, the dpkg database.
  const live = (type: string, family: string, object: string, state: string, attributes = 'check="all" check_existence="at_least_one_exists"'): void => {
    n++;
    defs.push(definition(`oval:x:def:${n}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:x:tst:${n}"/></oval-def:criteria>`));
    tests.push(`<${family}:${type}_test id="oval:x:tst:${n}" version="1" ${attributes} comment="t"><${family}:object object_ref="oval:x:obj:${n}"/>${state ? `<${family}:state state_ref="oval:x:ste:${n}"/>` : ''}</${family}:${type}_test>`);
    objects.push(`<${family}:${type}_object id="oval:x:obj:${n}" version="1">${object}</${family}:${type}_object>`);
    if (state) states.push(`<${family}:${type}_state id="oval:x:ste:${n}" version="1">${state}</${family}:${type}_state>`);
  };
  live('sysctl', 'unix', '<unix:name>kernel.randomize_va_space</unix:name>', '<unix:value datatype="int" operation="greater than">0</unix:value>');
  live('sysctl', 'unix', '<unix:name>kernel.no_such_parameter</unix:name>', '', 'check="all" check_existence="none_exist"');
  live('partition', 'linux', '<linux:mount_point>/</linux:mount_point>', '');
  live('partition', 'linux', '<linux:mount_point operation="pattern match">^/proc$</linux:mount_point>', '<linux:mount_options entity_check="at least one">nosuid</linux:mount_options>');
  live('dpkginfo', 'linux', '<linux:name>dpkg</linux:name>', '<linux:evr datatype="debian_evr_string" operation="greater than">0:1.0</linux:evr>');
  live('dpkginfo', 'linux', '<linux:name>no-such-package-at-all</linux:name>', '', 'check="all" check_existence="none_exist"');
  // (No family_test here: OpenSCAP 1.3.7 crashes when a family_test and a password_test share a document.)
  live('password', 'unix', '<unix:username>root</unix:username>', '<unix:user_id datatype="int">0</unix:user_id>');
  return ovalDocument({ definitions: defs.join(''), tests: tests.join(''), objects: objects.join(''), states: states.join('') });
}

describe('agreement with oscap oval eval', () => {
  it('gives every hand-written definition the result OpenSCAP gives', async () => {
    const xml = documentFor(root);
    const oscap = await oscapResults(xml, work, 'defs');
    const ours = await evaluateLocally(xml);
    const disagreements = disagreementsWith(oscap, ours);
    expect(oscap.size).toBe(ours.size);
    expect(disagreements).toEqual([]);
    // Both kinds of result occur, so agreement is not agreement on a constant.
    expect(new Set(oscap.values())).toEqual(new Set(['true', 'false']));
  }, 60_000);

  it('reads the kernel of this host as OpenSCAP does (uname, in a document of its own: OpenSCAP 1.3.7 crashes when uname or family share one with password)', async () => {
    const machine = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
    const test = (id: string, state: string): [string, string, string, string] => [
      definition(`oval:u:def:${id}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:u:tst:${id}"/></oval-def:criteria>`),
      `<unix:uname_test id="oval:u:tst:${id}" version="1" comment="t" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:u:obj:1"/><unix:state state_ref="oval:u:ste:${id}"/></unix:uname_test>`,
      '',
      `<unix:uname_state id="oval:u:ste:${id}" version="1">${state}</unix:uname_state>`,
    ];
    const parts = [test('1', `<unix:machine_class>${machine}</unix:machine_class><unix:processor_type>${machine}</unix:processor_type>`), test('2', '<unix:processor_type>no-such-cpu</unix:processor_type>'), test('3', '<unix:os_name>Linux</unix:os_name>')];
    const xml = ovalDocument({
      definitions: parts.map((part) => part[0]).join(''),
      tests: parts.map((part) => part[1]).join(''),
      objects: '<unix:uname_object id="oval:u:obj:1" version="1"/>',
      states: parts.map((part) => part[3]).join(''),
    });
    const oscap = await oscapResults(xml, work, 'uname');
    const ours = await evaluateLocally(xml);
    expect(Object.fromEntries([...ours].map(([id, outcome]) => [id, outcome.result]))).toEqual(Object.fromEntries(oscap));
    expect(oscap.get('oval:u:def:1')).toBe('true');
  }, 60_000);
});
