import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, evaluateOnTree, makeTree, ovalDocument, removeTree, resultsOf } from './test-support.js';

const SSHD = ['# comment', 'PermitRootLogin no', 'MaxAuthTries 4', 'Ciphers aes256-ctr,aes128-ctr', 'maxsessions 10', ''].join('\n');
const DPKG_STATUS = [
  'Package: openssh-server',
  'Status: install ok installed',
  'Architecture: amd64',
  'Version: 1:9.2p1-2+deb12u3',
  '',
  'Package: telnetd',
  'Status: deinstall ok config-files',
  'Architecture: amd64',
  'Version: 0.17-44',
  '',
  'Package: libc6',
  'Status: install ok installed',
  'Architecture: amd64',
  'Version: 2.36-9+deb12u7',
  '',
].join('\n');

let root: string;

beforeAll(async () => {
  root = await makeTree({
    'etc/ssh/sshd_config': SSHD,
    'etc/ssh/sshd_config.d/10-a.conf': 'PermitRootLogin yes\n',
    'etc/ssh/sshd_config.d/20-b.conf': 'X11Forwarding no\n',
    'etc/passwd': { content: 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n', mode: 0o644 },
    'etc/shadow': { content: 'root:$6$salt$SECRETHASHVALUE:19000:0:99999:7:::\nalice:!:19000:1:60:7:::\n', mode: 0o640 },
    'etc/cron.d/job': { content: '* * * * * root true\n', mode: 0o600 },
    'etc/cron.d/bad': { content: '* * * * * root true\n', mode: 0o666 },
    'var/lib/dpkg/status': DPKG_STATUS,
    'opt/a/b/c/deep.txt': 'deep\n',
    'opt/a/top.txt': 'top\n',
    'etc/mtab': { link: '../proc/self/mounts' },
    'etc/os-release': 'ID=debian\nVERSION_ID="12"\n',
    'etc/escape-absolute': { link: '/etc/hostname' },
    'etc/escape-relative': { link: '../../../../../../../../etc/hostname' },
    'loop/a/file.txt': 'x\n',
    'loop/a/back': { link: '..' },
  });
});

afterAll(async () => {
  await removeTree(root);
});

/** One textfilecontent54 test on sshd_config with the given pattern; its result as a definition's. */
function sshdDoc(pattern: string, options: { existence?: string; check?: string; state?: string; behaviors?: string; instance?: string } = {}): string {
  return ovalDocument({
    definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
    tests: `<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="${options.check ?? 'all'}" check_existence="${options.existence ?? 'at_least_one_exists'}" comment="c"><ind:object object_ref="oval:t:obj:1"/>${options.state ? '<ind:state state_ref="oval:t:ste:1"/>' : ''}</ind:textfilecontent54_test>`,
    objects: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1">${options.behaviors ?? ''}<ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">${pattern}</ind:pattern><ind:instance datatype="int" operation="${options.instance ?? 'greater than or equal'}">1</ind:instance></ind:textfilecontent54_object>`,
    states: options.state ? `<ind:textfilecontent54_state id="oval:t:ste:1" version="1">${options.state}</ind:textfilecontent54_state>` : '',
  });
}

function tfc(pattern: string, options: Parameters<typeof sshdDoc>[1] = {}): Promise<{ result: string; messages: string[] }> {
  return single(sshdDoc(pattern, options));
}

async function single(xml: string, externals?: ReadonlyMap<string, readonly string[]>): Promise<{ result: string; messages: string[] }> {
  const outcome = (await evaluateOnTree(root, xml, externals)).get('oval:t:def:1');
  if (!outcome) throw new Error('no outcome');
  return outcome;
}

describe('textfilecontent54', () => {
  it('finds a line with a PCRE pattern (mid-pattern (?i) that RegExp rejects) and compares its subexpression', async () => {
    expect((await tfc('^\\s*(?i)permitrootlogin(?-i)\\s+(\\S+)\\s*$', { state: '<ind:subexpression>no</ind:subexpression>' })).result).toBe('true');
    expect((await tfc('^\\s*PermitRootLogin\\s+(\\S+)\\s*$', { state: '<ind:subexpression>yes</ind:subexpression>' })).result).toBe('false');
  });

  it('is multiline by default (^ at each line) and caseless only with ignore_case', async () => {
    expect((await tfc('^MaxSessions\\s+(\\d+)$')).result).toBe('false');
    expect((await tfc('^MaxSessions\\s+(\\d+)$', { behaviors: '<ind:behaviors ignore_case="true"/>' })).result).toBe('true');
    expect((await tfc('^MaxAuthTries 4$', { behaviors: '<ind:behaviors multiline="false"/>' })).result).toBe('false');
  });

  it('compares an int subexpression with less than or equal', async () => {
    expect((await tfc('^MaxAuthTries\\s+(\\d+)$', { state: '<ind:subexpression datatype="int" operation="less than or equal">4</ind:subexpression>' })).result).toBe('true');
    expect((await tfc('^MaxAuthTries\\s+(\\d+)$', { state: '<ind:subexpression datatype="int" operation="less than or equal">3</ind:subexpression>' })).result).toBe('false');
  });

  it('check_existence none_exist is true without a match and false with one, naming the item it saw', async () => {
    expect((await tfc('^Banner\\s', { existence: 'none_exist' })).result).toBe('true');
    const found = await tfc('^PermitRootLogin\\s', { existence: 'none_exist' });
    expect(found.result).toBe('false');
    expect(found.messages.join('\n')).toContain('PermitRootLogin ');
  });

  it('instance selects which match (equals 2 on a single-match file finds nothing)', async () => {
    expect((await tfc('^\\w+', { instance: 'equals' })).result).toBe('true');
    expect((await single(sshdDoc('^\\w+', { instance: 'equals' }).replace('>1</ind:instance>', '>9</ind:instance>'))).result).toBe('false');
    expect((await single(sshdDoc('^\\w+', { instance: 'equals' }).replace('>1</ind:instance>', '>4</ind:instance>'))).result).toBe('true');
  });

  it('reads files a filepath pattern names under the pattern folder, each match an item', async () => {
    const xml = ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: '<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all" check_existence="all_exist"><ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/></ind:textfilecontent54_test>',
      objects: '<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath operation="pattern match">^/etc/ssh/sshd_config\\.d/.*\\.conf$</ind:filepath><ind:pattern operation="pattern match">^PermitRootLogin\\s+(\\S+)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>',
      states: '<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:subexpression>no</ind:subexpression></ind:textfilecontent54_state>',
    });
    const outcome = await single(xml);
    expect(outcome.result).toBe('false');
    expect(outcome.messages.join('\n')).toContain('/etc/ssh/sshd_config.d/10-a.conf');
  });
});

describe('criteria', () => {
  const tests = [
    '<ind:textfilecontent54_test id="oval:t:tst:yes" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:yes"/></ind:textfilecontent54_test>',
    '<ind:textfilecontent54_test id="oval:t:tst:no" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:no"/></ind:textfilecontent54_test>',
    '<ind:yamlfilecontent_test id="oval:t:tst:ne" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:x"/></ind:yamlfilecontent_test>',
  ].join('');
  const objects = [
    '<ind:textfilecontent54_object id="oval:t:obj:yes" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^MaxAuthTries</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>',
    '<ind:textfilecontent54_object id="oval:t:obj:no" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^Nope</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>',
    '<ind:yamlfilecontent_object id="oval:t:obj:x" version="1"><ind:filepath>/etc/x.yaml</ind:filepath><ind:yamlpath>.a</ind:yamlpath></ind:yamlfilecontent_object>',
  ].join('');
  const y = '<oval-def:criterion test_ref="oval:t:tst:yes"/>';
  const n = '<oval-def:criterion test_ref="oval:t:tst:no"/>';

  it('AND, OR, ONE, XOR, negate and extend_definition combine as OVAL 5.11 says', async () => {
    const defs = [
      definition('oval:t:def:and', `<oval-def:criteria operator="AND">${y}${n}</oval-def:criteria>`),
      definition('oval:t:def:or', `<oval-def:criteria operator="OR">${y}${n}</oval-def:criteria>`),
      definition('oval:t:def:one', `<oval-def:criteria operator="ONE">${y}${n}</oval-def:criteria>`),
      definition('oval:t:def:one2', `<oval-def:criteria operator="ONE">${y}${y}</oval-def:criteria>`),
      definition('oval:t:def:xor', `<oval-def:criteria operator="XOR">${y}${y}${y}</oval-def:criteria>`),
      definition('oval:t:def:neg', `<oval-def:criteria negate="true" operator="AND">${y}${n}</oval-def:criteria>`),
      definition('oval:t:def:negtest', `<oval-def:criteria><oval-def:criterion negate="true" test_ref="oval:t:tst:no"/></oval-def:criteria>`),
      definition('oval:t:def:ext', `<oval-def:criteria><oval-def:extend_definition definition_ref="oval:t:def:or"/><oval-def:extend_definition negate="true" definition_ref="oval:t:def:and"/></oval-def:criteria>`),
      definition('oval:t:def:loop', `<oval-def:criteria><oval-def:extend_definition definition_ref="oval:t:def:loop"/></oval-def:criteria>`),
    ].join('');
    const results = resultsOf(await evaluateOnTree(root, ovalDocument({ definitions: defs, tests, objects })));
    expect(results).toEqual({
      'oval:t:def:and': 'false',
      'oval:t:def:or': 'true',
      'oval:t:def:one': 'true',
      'oval:t:def:one2': 'false',
      'oval:t:def:xor': 'true',
      'oval:t:def:neg': 'true',
      'oval:t:def:negtest': 'true',
      'oval:t:def:ext': 'true',
      'oval:t:def:loop': 'error',
    });
  });

  it('a test type without a collector is "not evaluated" naming the type, and AND keeps it undetermined', async () => {
    const defs = [definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:ne"/></oval-def:criteria>'), definition('oval:t:def:2', `<oval-def:criteria>${y}<oval-def:criterion test_ref="oval:t:tst:ne"/></oval-def:criteria>`)].join('');
    const outcomes = await evaluateOnTree(root, ovalDocument({ definitions: defs, tests, objects }));
    expect(outcomes.get('oval:t:def:1')?.result).toBe('not evaluated');
    expect(outcomes.get('oval:t:def:1')?.messages.join('\n')).toContain('independent:yamlfilecontent_test is not implemented');
    expect(outcomes.get('oval:t:def:2')?.result).toBe('not evaluated');
  });
});

describe('file, behaviors, filters', () => {
  function fileDoc(object: string, state: string, check = 'all', existence = 'at_least_one_exists'): string {
    return ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: `<unix:file_test id="oval:t:tst:1" version="1" check="${check}" check_existence="${existence}"><unix:object object_ref="oval:t:obj:1"/>${state ? '<unix:state state_ref="oval:t:ste:1"/>' : ''}</unix:file_test>`,
      objects: `<unix:file_object id="oval:t:obj:1" version="1">${object}</unix:file_object>`,
      states: state ? `<unix:file_state id="oval:t:ste:1" version="1">${state}</unix:file_state><unix:file_state id="oval:t:ste:ww" version="1"><unix:owrite datatype="boolean">true</unix:owrite></unix:file_state>` : '<unix:file_state id="oval:t:ste:ww" version="1"><unix:owrite datatype="boolean">true</unix:owrite></unix:file_state>',
    });
  }

  it('reads permission bits: no file in /etc/cron.d is world-writable (one is)', async () => {
    const object = '<unix:path>/etc/cron.d</unix:path><unix:filename operation="pattern match">.*</unix:filename>';
    expect((await single(fileDoc(object, '<unix:owrite datatype="boolean">false</unix:owrite>'))).result).toBe('false');
    const filtered = `${object}<oval-def:filter action="exclude">oval:t:ste:ww</oval-def:filter>`;
    expect((await single(fileDoc(filtered, '<unix:owrite datatype="boolean">false</unix:owrite>'))).result).toBe('true');
    const onlyBad = `${object}<oval-def:filter action="include">oval:t:ste:ww</oval-def:filter>`;
    expect((await single(fileDoc(onlyBad, '', 'all', 'only_one_exists'))).result).toBe('true');
  });

  it('recurse_direction down honours max_depth; filename nil names the folders themselves', async () => {
    const deep = (depth: number): string => `<unix:behaviors recurse_direction="down" max_depth="${depth}"/><unix:path>/opt</unix:path><unix:filename operation="pattern match">\\.txt$</unix:filename>`;
    // max_depth 0: the folder itself; 1: and its children (OVAL 5.11 FileBehaviors).
    expect((await single(fileDoc(deep(0), '', 'all', 'none_exist'))).result).toBe('true');
    expect((await single(fileDoc(deep(2), '', 'all', 'only_one_exists'))).result).toBe('true');
    expect((await single(fileDoc(deep(3), '', 'all', 'only_one_exists'))).result).toBe('false');
    expect((await single(fileDoc(deep(-1), '', 'all', 'all_exist'))).result).toBe('true');
    const folders = '<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>/opt/a</unix:path><unix:filename xsi:nil="true"/>';
    expect((await single(fileDoc(folders, '<unix:type>directory</unix:type>'))).result).toBe('true');
  });

  it('a set UNION of two objects, and COMPLEMENT removing one from the other', async () => {
    const xml = (operator: string, existence: string): string =>
      ovalDocument({
        definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
        tests: `<unix:file_test id="oval:t:tst:1" version="1" check="all" check_existence="${existence}"><unix:object object_ref="oval:t:obj:3"/></unix:file_test>`,
        objects:
          '<unix:file_object id="oval:t:obj:1" version="1"><unix:filepath>/etc/cron.d/job</unix:filepath></unix:file_object>' +
          '<unix:file_object id="oval:t:obj:2" version="1"><unix:path>/etc/cron.d</unix:path><unix:filename operation="pattern match">.</unix:filename></unix:file_object>' +
          `<unix:file_object id="oval:t:obj:3" version="1"><oval-def:set set_operator="${operator}"><oval-def:object_reference>oval:t:obj:2</oval-def:object_reference><oval-def:object_reference>oval:t:obj:1</oval-def:object_reference></oval-def:set></unix:file_object>`,
      });
    expect((await single(xml('UNION', 'all_exist'))).result).toBe('true');
    expect((await single(xml('COMPLEMENT', 'only_one_exists'))).result).toBe('true');
    expect((await single(xml('INTERSECTION', 'only_one_exists'))).result).toBe('true');
  });
});

describe('dpkginfo from the dpkg database of an offline tree', () => {
  function pkgDoc(name: string, state: string, existence = 'at_least_one_exists'): string {
    return ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: `<linux:dpkginfo_test id="oval:t:tst:1" version="1" check="all" check_existence="${existence}"><linux:object object_ref="oval:t:obj:1"/>${state ? '<linux:state state_ref="oval:t:ste:1"/>' : ''}</linux:dpkginfo_test>`,
      objects: `<linux:dpkginfo_object id="oval:t:obj:1" version="1"><linux:name>${name}</linux:name></linux:dpkginfo_object>`,
      states: state ? `<linux:dpkginfo_state id="oval:t:ste:1" version="1">${state}</linux:dpkginfo_state>` : '',
    });
  }

  it('an installed package exists, a removed one (config-files) does not', async () => {
    expect((await single(pkgDoc('openssh-server', ''))).result).toBe('true');
    expect((await single(pkgDoc('telnetd', '', 'none_exist'))).result).toBe('true');
  });

  it('compares evr with debian_evr_string ordering (epoch, ~, revision)', async () => {
    expect((await single(pkgDoc('openssh-server', '<linux:evr datatype="debian_evr_string" operation="greater than">1:9.2p1-2</linux:evr>'))).result).toBe('true');
    expect((await single(pkgDoc('openssh-server', '<linux:evr datatype="debian_evr_string" operation="less than">0:9.9</linux:evr>'))).result).toBe('false');
    expect((await single(pkgDoc('libc6', '<linux:version datatype="version" operation="greater than or equal">2.31</linux:version>'))).result).toBe('true');
  });
});

describe('variables', () => {
  function variableDoc(variables: string, state: string, check = 'all'): string {
    return ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: `<ind:variable_test id="oval:t:tst:1" version="1" check="${check}" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:v"/><ind:state state_ref="oval:t:ste:1"/></ind:variable_test>`,
      objects:
        '<ind:variable_object id="oval:t:obj:v" version="1"><ind:var_ref>oval:t:var:1</ind:var_ref></ind:variable_object>' +
        '<ind:textfilecontent54_object id="oval:t:obj:ciphers" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^Ciphers\\s+(\\S+)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>',
      states: `<ind:variable_state id="oval:t:ste:1" version="1">${state}</ind:variable_state>`,
      variables: `${variables}<oval-def:external_variable id="oval:t:var:ext" datatype="int" version="1"/>`,
    });
  }
  const local = (body: string, datatype = 'string'): string => `<oval-def:local_variable id="oval:t:var:1" datatype="${datatype}" version="1" comment="c">${body}</oval-def:local_variable>`;
  const lit = (value: string): string => `<oval-def:literal_component>${value}</oval-def:literal_component>`;

  it.each([
    ['concat', local(`<oval-def:concat>${lit('a')}${lit('b')}</oval-def:concat>`), 'ab'],
    ['substring', local(`<oval-def:substring substring_start="2" substring_length="3">${lit('abcdef')}</oval-def:substring>`), 'bcd'],
    ['regex_capture (PCRE)', local(`<oval-def:regex_capture pattern="(?i)key=(\\h*\\w+)">${lit('KEY=value')}</oval-def:regex_capture>`), 'value'],
    ['escape_regex', local(`<oval-def:escape_regex>${lit('/etc/a.b(c)')}</oval-def:escape_regex>`), '/etc/a\\.b\\(c\\)'],
    ['end', local(`<oval-def:end character="/">${lit('/etc')}</oval-def:end>`), '/etc/'],
    ['begin', local(`<oval-def:begin character="/">${lit('etc')}</oval-def:begin>`), '/etc'],
    ['arithmetic', local(`<oval-def:arithmetic arithmetic_operation="multiply">${lit('6')}${lit('7')}</oval-def:arithmetic>`, 'int'), '42'],
    ['count of split', local(`<oval-def:count><oval-def:split delimiter=",">${lit('a,b,a')}</oval-def:split></oval-def:count>`, 'int'), '3'],
    ['count of unique split', local(`<oval-def:count><oval-def:unique><oval-def:split delimiter=",">${lit('a,b,a')}</oval-def:split></oval-def:unique></oval-def:count>`, 'int'), '2'],
    ['object_component + split', local('<oval-def:split delimiter=","><oval-def:object_component object_ref="oval:t:obj:ciphers" item_field="subexpression"/></oval-def:split>'), 'aes128-ctr'],
    ['time_difference', local(`<oval-def:time_difference format_1="seconds_since_epoch" format_2="seconds_since_epoch">${lit('100')}${lit('160')}</oval-def:time_difference>`, 'int'), '60'],
  ])('%s', async (_name, variables, expected) => {
    const outcome = await single(variableDoc(variables, `<ind:value entity_check="at least one">${expected}</ind:value>`, 'at least one'));
    expect(outcome.messages).toEqual([]);
    expect(outcome.result).toBe('true');
  });

  it('an external variable comes from the caller; without a value the test is unknown', async () => {
    const xml = variableDoc(local('<oval-def:variable_component var_ref="oval:t:var:ext"/>', 'int'), '<ind:value datatype="int" operation="greater than">5</ind:value>');
    expect((await single(xml, new Map([['oval:t:var:ext', ['6']]]))).result).toBe('true');
    expect((await single(xml, new Map([['oval:t:var:ext', ['4']]]))).result).toBe('false');
    const missing = await single(xml);
    expect(missing.result).toBe('unknown');
    expect(missing.messages.join('\n')).toContain('external variable oval:t:var:ext has no value');
  });

  it('a state entity with var_ref and var_check compares against every value', async () => {
    const xml = ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: '<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:1"/><ind:state state_ref="oval:t:ste:1"/></ind:textfilecontent54_test>',
      objects: '<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^MaxAuthTries\\s+(\\d+)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>',
      states: '<ind:textfilecontent54_state id="oval:t:ste:1" version="1"><ind:subexpression datatype="int" operation="less than or equal" var_ref="oval:t:var:c" var_check="all"/></ind:textfilecontent54_state>',
      variables: '<oval-def:constant_variable id="oval:t:var:c" datatype="int" version="1" comment="c"><oval-def:value>4</oval-def:value><oval-def:value>6</oval-def:value></oval-def:constant_variable>',
    });
    expect((await single(xml)).result).toBe('true');
    expect((await single(xml.replace('<oval-def:value>6</oval-def:value>', '<oval-def:value>3</oval-def:value>'))).result).toBe('false');
  });
});

describe('hostile trees', () => {
  it('never reads the scanning host through a link: an absolute link stays in the tree, a climbing one is an error', async () => {
    const doc = (file: string): string =>
      ovalDocument({
        definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
        tests: '<ind:textfilecontent54_test id="oval:t:tst:1" version="1" check="all" check_existence="none_exist"><ind:object object_ref="oval:t:obj:1"/></ind:textfilecontent54_test>',
        objects: `<ind:textfilecontent54_object id="oval:t:obj:1" version="1"><ind:filepath>${file}</ind:filepath><ind:pattern operation="pattern match">.</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
      });
    // The host has an /etc/hostname; the tree has none, so nothing is found through the absolute link.
    expect((await single(doc('/etc/escape-absolute'))).result).toBe('true');
    const climbing = await single(doc('/etc/escape-relative'));
    expect(climbing.result).toBe('error');
    expect(climbing.messages.join('\n')).toContain('outside the scanned root');
  });
});

describe('link loops', () => {
  it('a recursion through a folder link back to its parent ends, finding each file a bounded number of times', async () => {
    const xml = ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: '<unix:file_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:1"/></unix:file_test>',
      objects: '<unix:file_object id="oval:t:obj:1" version="1"><unix:behaviors recurse="symlinks and directories" recurse_direction="down" max_depth="-1"/><unix:path>/loop</unix:path><unix:filename>file.txt</unix:filename></unix:file_object>',
    });
    const outcome = await single(xml);
    expect(outcome.result).toBe('true');
  });
});

describe('accounts, links, offline limits', () => {
  it('shadow items are compared but the hash never reaches a message', async () => {
    const xml = ovalDocument({
      definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
      tests: '<unix:shadow_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:1"/><unix:state state_ref="oval:t:ste:1"/></unix:shadow_test>',
      objects: '<unix:shadow_object id="oval:t:obj:1" version="1"><unix:username operation="pattern match">.*</unix:username></unix:shadow_object>',
      states: '<unix:shadow_state id="oval:t:ste:1" version="1"><unix:chg_req datatype="int" operation="less than or equal">60</unix:chg_req></unix:shadow_state>',
    });
    const outcome = await single(xml);
    expect(outcome.result).toBe('false');
    expect(outcome.messages.join('\n')).not.toContain('SECRETHASH');
    expect(outcome.messages.join('\n')).toContain('password=(hidden)');
  });

  it('symlink resolves inside the tree; sysctl on an offline tree is unknown, saying why', async () => {
    const xml = ovalDocument({
      definitions:
        definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>') +
        definition('oval:t:def:2', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:2"/></oval-def:criteria>'),
      tests:
        '<unix:symlink_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:1"/><unix:state state_ref="oval:t:ste:1"/></unix:symlink_test>' +
        '<unix:sysctl_test id="oval:t:tst:2" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:2"/></unix:sysctl_test>',
      objects: '<unix:symlink_object id="oval:t:obj:1" version="1"><unix:filepath>/etc/mtab</unix:filepath></unix:symlink_object><unix:sysctl_object id="oval:t:obj:2" version="1"><unix:name>kernel.randomize_va_space</unix:name></unix:sysctl_object>',
      states: '<unix:symlink_state id="oval:t:ste:1" version="1"><unix:canonical_path>/proc/self/mounts</unix:canonical_path></unix:symlink_state>',
    });
    const outcomes = await evaluateOnTree(root, xml);
    expect(outcomes.get('oval:t:def:1')?.result).toBe('true');
    expect(outcomes.get('oval:t:def:2')?.result).toBe('unknown');
    expect(outcomes.get('oval:t:def:2')?.messages.join('\n')).toContain('not a running system');
  });

  it('equals against a variable with var_check "at least one" compares ints by value (uid 0 is "+0"), one lookup per item', async () => {
    const doc = (values: string[]): string =>
      ovalDocument({
        definitions: definition('oval:t:def:1', '<oval-def:criteria><oval-def:criterion test_ref="oval:t:tst:1"/></oval-def:criteria>'),
        tests: '<unix:file_test id="oval:t:tst:1" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:t:obj:1"/><unix:state state_ref="oval:t:ste:1"/></unix:file_test>',
        objects: '<unix:file_object id="oval:t:obj:1" version="1"><unix:filepath>/etc/passwd</unix:filepath></unix:file_object>',
        states: '<unix:file_state id="oval:t:ste:1" version="1"><unix:user_id datatype="int" var_ref="oval:t:var:1" var_check="at least one"/></unix:file_state>',
        variables: `<oval-def:constant_variable id="oval:t:var:1" version="1" datatype="int" comment="c">${values.map((value) => `<oval-def:value>${value}</oval-def:value>`).join('')}</oval-def:constant_variable>`,
      });
    const owner = String(process.getuid?.() ?? 0);
    expect((await evaluateOnTree(root, doc(['5', `+${owner}`]))).get('oval:t:def:1')?.result).toBe('true');
    expect((await evaluateOnTree(root, doc(['5', '65534']))).get('oval:t:def:1')?.result).toBe(owner === '5' || owner === '65534' ? 'true' : 'false');
    // A value that is not an int takes the comparing path, which says why it cannot compare.
    const broken = await evaluateOnTree(root, doc([owner, 'x']));
    expect(broken.get('oval:t:def:1')?.result).toBe('true');
  });

  it('runtime facts of a tree never let a rule pass on the half it could see: sysctl and partition unknown, systemd an error', async () => {
    // The content's shape: a configuration half that holds AND a runtime half a tree cannot show.
    const configHolds = '<oval-def:criterion test_ref="oval:t:tst:config"/>';
    const xml = ovalDocument({
      definitions:
        definition('oval:t:def:sysctl', `<oval-def:criteria operator="AND">${configHolds}<oval-def:criterion test_ref="oval:t:tst:sysctl"/></oval-def:criteria>`) +
        definition('oval:t:def:partition', `<oval-def:criteria operator="AND">${configHolds}<oval-def:criterion test_ref="oval:t:tst:partition" negate="true"/></oval-def:criteria>`) +
        definition('oval:t:def:service', `<oval-def:criteria operator="AND">${configHolds}<oval-def:criterion test_ref="oval:t:tst:service"/></oval-def:criteria>`),
      tests:
        '<ind:textfilecontent54_test id="oval:t:tst:config" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:t:obj:config"/></ind:textfilecontent54_test>' +
        '<unix:sysctl_test id="oval:t:tst:sysctl" version="1" check="all" check_existence="all_exist"><unix:object object_ref="oval:t:obj:sysctl"/></unix:sysctl_test>' +
        '<linux:partition_test id="oval:t:tst:partition" version="1" check="all" check_existence="all_exist"><linux:object object_ref="oval:t:obj:partition"/></linux:partition_test>' +
        '<linux:systemdunitproperty_test id="oval:t:tst:service" version="1" check="at least one"><linux:object object_ref="oval:t:obj:service"/></linux:systemdunitproperty_test>',
      objects:
        '<ind:textfilecontent54_object id="oval:t:obj:config" version="1"><ind:filepath>/etc/ssh/sshd_config</ind:filepath><ind:pattern operation="pattern match">^MaxAuthTries 4$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>' +
        '<unix:sysctl_object id="oval:t:obj:sysctl" version="1"><unix:name>fs.protected_hardlinks</unix:name></unix:sysctl_object>' +
        '<linux:partition_object id="oval:t:obj:partition" version="1"><linux:mount_point>/home</linux:mount_point></linux:partition_object>' +
        '<linux:systemdunitproperty_object id="oval:t:obj:service" version="1"><linux:unit>cron.service</linux:unit><linux:property>ActiveState</linux:property></linux:systemdunitproperty_object>',
    });
    const outcomes = await evaluateOnTree(root, xml);
    expect(resultsOf(outcomes)).toEqual({ 'oval:t:def:sysctl': 'unknown', 'oval:t:def:partition': 'unknown', 'oval:t:def:service': 'error' });
    expect(outcomes.get('oval:t:def:service')?.messages.join('\n')).toContain('no systemd to ask');
  });
});
