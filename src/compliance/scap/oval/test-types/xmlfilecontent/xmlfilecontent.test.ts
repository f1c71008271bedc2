/**
 * xmlfilecontent: conformance on hand-written definitions over a `dir:` tree, and agreement with
 * OpenSCAP (`oscap oval eval`) on the same definitions over the same files (the tree's host paths,
 * Tollgate on the `local` target), as oscap-agreement.test.ts does for the other types.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, disagreementsWith, evaluateLocally, evaluateOnTree, makeTree, oscapResults, ovalDocument, removeTree, resultsOf } from '../../test-support.js';

const CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- tomcat-like -->
<config>
  <server name="alpha" port="22"><opt>on</opt><opt>off</opt></server>
  <server name="beta" port="2222"><opt>on</opt></server>
  <mixed>hello <b>bold</b> world</mixed>
  <data><![CDATA[a < b]]></data>
  <empty/>
</config>
`;

let root: string;
let work: string;

beforeAll(async () => {
  root = await makeTree({
    'etc/app/config.xml': CONFIG,
    'etc/app/conf.d/10-a.xml': '<c><limit>5</limit></c>',
    'etc/app/conf.d/20-b.xml': '<c><limit>50</limit></c>',
    'etc/app/conf.d/sub/30-c.xml': '<c><limit>500</limit></c>',
    'etc/bad/broken.xml': '<config><open></config>',
    'etc/bad/dtd.xml': '<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x "xx"><!ENTITY y "&x;&x;&x;">]>\n<c>&y;</c>',
    'etc/bad/external.xml': '<?xml version="1.0"?>\n<!DOCTYPE c SYSTEM "file:///etc/passwd">\n<c>x</c>',
  });
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-xmlfc-'));
});

afterAll(async () => {
  await removeTree(root);
  await rm(work, { recursive: true, force: true });
});

interface Case {
  object: string;
  state?: string;
  check?: string;
  existence?: string;
}

function documentOf(cases: Case[]): string {
  const definitions: string[] = [];
  const tests: string[] = [];
  const objects: string[] = [];
  const states: string[] = [];
  cases.forEach((item, index) => {
    const n = index + 1;
    definitions.push(definition(`oval:x:def:${n}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:x:tst:${n}"/></oval-def:criteria>`));
    tests.push(`<ind:xmlfilecontent_test id="oval:x:tst:${n}" version="1" check="${item.check ?? 'all'}" check_existence="${item.existence ?? 'at_least_one_exists'}" comment="t"><ind:object object_ref="oval:x:obj:${n}"/>${item.state ? `<ind:state state_ref="oval:x:ste:${n}"/>` : ''}</ind:xmlfilecontent_test>`);
    objects.push(`<ind:xmlfilecontent_object id="oval:x:obj:${n}" version="1">${item.object}</ind:xmlfilecontent_object>`);
    if (item.state) states.push(`<ind:xmlfilecontent_state id="oval:x:ste:${n}" version="1">${item.state}</ind:xmlfilecontent_state>`);
  });
  return ovalDocument({ definitions: definitions.join(''), tests: tests.join(''), objects: objects.join(''), states: states.join('') });
}

const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The cases both engines read the same way; `base` is where the tree is as the engine sees it. */
function sharedCases(base: string): Case[] {
  const config = (xpath: string): string => `<ind:filepath>${base}/etc/app/config.xml</ind:filepath><ind:xpath>${escape(xpath)}</ind:xpath>`;
  const confD = `<ind:behaviors recurse_direction="down" max_depth="-1"/><ind:path>${base}/etc/app/conf.d</ind:path><ind:filename operation="pattern match">\\.xml$</ind:filename><ind:xpath>/c/limit/text()</ind:xpath>`;
  return [
    // attribute values, each a value_of
    { object: config('/config/server/@port'), state: '<ind:value_of datatype="int" operation="less than">3000</ind:value_of>' },
    { object: config('/config/server/@port'), state: '<ind:value_of>22</ind:value_of>', check: 'all' },
    // one item per file, its values checked by the state entity's entity_check (default all)
    { object: config('/config/server/@port'), state: '<ind:value_of>22</ind:value_of>', check: 'at least one' },
    { object: config('/config/server/@port'), state: '<ind:value_of entity_check="at least one">22</ind:value_of>' },
    { object: config('/config/server/opt/text()'), state: '<ind:value_of entity_check="at least one">off</ind:value_of>' },
    { object: config('/config/server/opt/text()'), state: '<ind:value_of>on</ind:value_of>' },
    // functions: string, number (integral), boolean
    { object: config('count(/config/server)'), state: '<ind:value_of datatype="int">2</ind:value_of>' },
    { object: config('count(/config/none)'), state: '<ind:value_of datatype="int">0</ind:value_of>' },
    { object: config('string(/config/server[1]/@name)'), state: '<ind:value_of>alpha</ind:value_of>' },
    { object: config('concat(/config/server[2]/@name, "-x")'), state: '<ind:value_of>beta-x</ind:value_of>' },
    { object: config('boolean(/config/server[@port="22"])'), state: '<ind:value_of datatype="boolean">true</ind:value_of>' },
    { object: config('/config/server[@port="2222"]/@name'), state: '<ind:value_of operation="pattern match">^b</ind:value_of>' },
    { object: config('/config/mixed/text()'), state: '<ind:value_of operation="pattern match" entity_check="at least one">world$</ind:value_of>' },
    { object: config('/config/data/text()'), state: '<ind:value_of>a &lt; b</ind:value_of>' },
    // nothing selected: no item
    { object: config('/config/nothing'), existence: 'none_exist' },
    { object: config('/config/nothing') },
    { object: config('/config/empty/text()') },
    // elements: an item without values
    { object: config('/config/server'), existence: 'at_least_one_exists' },
    // a missing file
    { object: `<ind:filepath>${base}/etc/app/missing.xml</ind:filepath><ind:xpath>/a</ind:xpath>`, existence: 'none_exist' },
    // recursion over a folder of files, one item per file
    { object: confD, state: '<ind:value_of datatype="int" operation="less than">100</ind:value_of>' },
    { object: confD, state: '<ind:value_of datatype="int" operation="less than">1000</ind:value_of>' },
    { object: `<ind:behaviors recurse_direction="down" max_depth="0"/><ind:path>${base}/etc/app/conf.d</ind:path><ind:filename operation="pattern match">\\.xml$</ind:filename><ind:xpath>/c/limit/text()</ind:xpath>`, state: '<ind:value_of datatype="int" operation="less than">100</ind:value_of>' },
    { object: `<ind:filepath operation="pattern match">^${base.replaceAll('.', '\\.')}/etc/app/conf\\.d/[^/]+\\.xml$</ind:filepath><ind:xpath>/c/limit/text()</ind:xpath>`, state: '<ind:value_of datatype="int">5</ind:value_of>', check: 'only one' },
  ];
}

describe('xmlfilecontent on a dir: tree', () => {
  it('gives each definition the result OVAL 5.11 says', async () => {
    const results = resultsOf(await evaluateOnTree(root, documentOf(sharedCases(''))));
    expect(Object.values(results)).toEqual([
      'true', // ports < 3000
      'false', // not all ports are 22
      'false', // one item, and not all its values are 22
      'true', // at least one of its values is 22
      'true',
      'false',
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
      'true', // none_exist
      'false', // nothing exists
      'false',
      'true',
      'true',
      'false', // 500 is not < 100
      'true',
      'true', // max_depth 0: conf.d itself only
      'true',
    ]);
  });

  it('makes the object an error for a file that is not well-formed, carries a DTD or an external entity, and for an expression XPath refuses', async () => {
    const outcomes = await evaluateOnTree(
      root,
      documentOf([
        { object: '<ind:filepath>/etc/bad/broken.xml</ind:filepath><ind:xpath>/config</ind:xpath>' },
        { object: '<ind:filepath>/etc/bad/dtd.xml</ind:filepath><ind:xpath>/c/text()</ind:xpath>' },
        { object: '<ind:filepath>/etc/bad/external.xml</ind:filepath><ind:xpath>/c/text()</ind:xpath>' },
        { object: '<ind:filepath>/etc/app/config.xml</ind:filepath><ind:xpath>/config/[</ind:xpath>' },
        { object: '<ind:filepath>/etc/app/config.xml</ind:filepath><ind:xpath>/x:config</ind:xpath>' },
      ]),
    );
    const messages = (n: number): string => outcomes.get(`oval:x:def:${n}`)?.messages.join('\n') ?? '';
    expect(resultsOf(outcomes)).toEqual({ 'oval:x:def:1': 'error', 'oval:x:def:2': 'error', 'oval:x:def:3': 'error', 'oval:x:def:4': 'error', 'oval:x:def:5': 'error' });
    expect(messages(1)).toMatch(/\/etc\/bad\/broken\.xml.*not well-formed/);
    expect(messages(2)).toMatch(/DTD/);
    expect(messages(3)).toMatch(/DTD/);
    expect(messages(4)).toMatch(/XPath expression "\/config\/\[" cannot be evaluated/);
    expect(messages(5)).toMatch(/cannot be evaluated/);
  });

  it('reads the value of an expression given by a variable, once per value', async () => {
    const xml = ovalDocument({
      definitions: definition('oval:x:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:x:tst:1"/></oval-def:criteria>'),
      tests: '<ind:xmlfilecontent_test id="oval:x:tst:1" version="1" check="all" check_existence="all_exist"><ind:object object_ref="oval:x:obj:1"/><ind:state state_ref="oval:x:ste:1"/></ind:xmlfilecontent_test>',
      objects: '<ind:xmlfilecontent_object id="oval:x:obj:1" version="1"><ind:filepath>/etc/app/config.xml</ind:filepath><ind:xpath var_ref="oval:x:var:1"/></ind:xmlfilecontent_object>',
      states: '<ind:xmlfilecontent_state id="oval:x:ste:1" version="1"><ind:value_of operation="pattern match">^(alpha|beta)$</ind:value_of></ind:xmlfilecontent_state>',
      variables: '<oval-def:constant_variable id="oval:x:var:1" version="1" datatype="string" comment="c"><oval-def:value>string(/config/server[1]/@name)</oval-def:value><oval-def:value>string(/config/server[2]/@name)</oval-def:value></oval-def:constant_variable>',
    });
    expect(resultsOf(await evaluateOnTree(root, xml))).toEqual({ 'oval:x:def:1': 'true' });
  });
});

describe('agreement with oscap oval eval on xmlfilecontent', () => {
  it('gives every shared definition the result OpenSCAP gives', async () => {
    const xml = documentOf(sharedCases(root));
    const oscap = await oscapResults(xml, work, 'xmlfilecontent');
    const ours = await evaluateLocally(xml);
    expect(oscap.size).toBe(ours.size);
    expect(disagreementsWith(oscap, ours)).toEqual([]);
    expect(new Set(oscap.values())).toEqual(new Set(['true', 'false']));
  }, 60_000);
});
