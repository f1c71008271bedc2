/**
 * Walks asked of the target as queries collect what listing folder by folder collects: random
 * trees (owners, modes, folders, links), random file objects recursing with random filters
 * (permission bits, owners equal to a value or to a variable's values with every var_check, types,
 * AND and OR states, include and exclude), folders or names, from a folder or a link to one, and
 * random pattern searches; every outcome and its evidence the same with queries as without.
 */
import { chown } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilesystemTarget } from '../../targets/filesystem-target.js';
import { createOvalEvaluation } from './evaluate.js';
import { parseOvalDefinitions } from './parse-definitions.js';
import { definition, makeTree, ovalDocument, removeTree, withoutTreeWalk, type TreeFile } from './test-support.js';
import { patternQueryTest, recursionQueryKey } from './tree-queries.js';

const IDS = ['0', '1', '1000', '65534'];

const entryArbitrary = fc.record({
  name: fc.constantFrom('t/x', 't/a/x', 't/a/b/y', 't/s/x.conf', 't/a/s', 't/y.conf', 'u/x', 't/a/b/c/z', 'proc/x', 'run/a/x'),
  kind: fc.constantFrom('file', 'file', 'directory', 'link'),
  mode: fc.constantFrom(0o644, 0o755, 0o777, 0o4755, 0o2775, 0o1777, 0o600, 0o666),
  uid: fc.constantFrom(...IDS.map(Number)),
  gid: fc.constantFrom(...IDS.map(Number)),
});

const entityArbitrary = fc.oneof(
  fc.record({ name: fc.constantFrom('suid', 'sgid', 'sticky', 'owrite', 'gwrite', 'uexec'), value: fc.constantFrom('true', 'false', '1', '0'), operation: fc.constantFrom('equals', 'not equal') }).map(
    ({ name, value, operation }) => `<unix:${name} datatype="boolean" operation="${operation}">${value}</unix:${name}>`,
  ),
  fc.record({ name: fc.constantFrom('user_id', 'group_id'), value: fc.constantFrom(...IDS), operation: fc.constantFrom('equals', 'not equal'), datatype: fc.constantFrom('int', 'string') }).map(
    ({ name, value, operation, datatype }) => `<unix:${name} datatype="${datatype}" operation="${operation}">${value}</unix:${name}>`,
  ),
  fc.record({ name: fc.constantFrom('user_id', 'group_id'), check: fc.constantFrom('at least one', 'none satisfy', 'all', 'only one'), variable: fc.constantFrom('oval:q:var:1', 'oval:q:var:2') }).map(
    ({ name, check, variable }) => `<unix:${name} datatype="int" operation="equals" var_check="${check}" var_ref="${variable}"/>`,
  ),
  fc.constantFrom('regular', 'directory', 'symbolic link').map((type) => `<unix:type>${type}</unix:type>`),
  fc.constantFrom('^/t/a', 'x$').map((pattern) => `<unix:filepath operation="pattern match">${pattern}</unix:filepath>`),
);

const stateArbitrary = fc.record({ operator: fc.constantFrom('AND', 'OR', 'ONE'), entities: fc.array(entityArbitrary, { minLength: 0, maxLength: 3 }) });

const objectArbitrary = fc.record({
  start: fc.constantFrom('/', '/t', '/t/a', '/l', '/missing', '/t/x'),
  filename: fc.constantFrom('nil', '.*', '^x', 'x'),
  filters: fc.array(fc.record({ action: fc.constantFrom('include', 'exclude'), state: stateArbitrary }), { minLength: 1, maxLength: 2 }),
});

const patternArbitrary = fc.record({ by: fc.constantFrom('filepath', 'path'), pattern: fc.constantFrom('^/t/(a|s)/', '^\\/(|u)t\\/a', '/x\\.conf$', '^(/t/y|/u/x)', 'a/b') });

type RandomObject = typeof objectArbitrary extends fc.Arbitrary<infer T> ? T : never;
type RandomPattern = typeof patternArbitrary extends fc.Arbitrary<infer T> ? T : never;

function documentOf(objects: readonly RandomObject[], patterns: readonly RandomPattern[]): string {
  const states: string[] = [];
  const objectXml = objects.map((object, index) => {
    const filters = object.filters.map((filter, at) => {
      const id = `oval:q:ste:${index}${at}`;
      states.push(`<unix:file_state id="${id}" version="1" operator="${filter.state.operator}">${filter.state.entities.join('')}</unix:file_state>`);
      return `<oval-def:filter action="${filter.action}">${id}</oval-def:filter>`;
    });
    const filename = object.filename === 'nil' ? '<unix:filename xsi:nil="true"/>' : object.filename === 'x' ? '<unix:filename>x</unix:filename>' : `<unix:filename operation="pattern match">${object.filename}</unix:filename>`;
    return `<unix:file_object id="oval:q:obj:${index}" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><unix:path>${object.start}</unix:path>${filename}${filters.join('')}</unix:file_object>`;
  });
  const patternXml = patterns.map((pattern, index) => {
    const where = pattern.by === 'filepath' ? `<unix:filepath operation="pattern match">${pattern.pattern}</unix:filepath>` : `<unix:path operation="pattern match">${pattern.pattern}</unix:path><unix:filename xsi:nil="true"/>`;
    return `<unix:file_object id="oval:q:obj:p${index}" version="1">${where}</unix:file_object>`;
  });
  const ids = [...objects.map((_, index) => String(index)), ...patterns.map((_, index) => `p${index}`)];
  return ovalDocument({
    definitions: ids.map((id) => definition(`oval:q:def:${id}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:q:tst:${id}"/></oval-def:criteria>`)).join(''),
    tests: ids.map((id) => `<unix:file_test id="oval:q:tst:${id}" version="1" check="all" check_existence="none_exist"><unix:object object_ref="oval:q:obj:${id}"/></unix:file_test>`).join(''),
    objects: [...objectXml, ...patternXml].join(''),
    states: states.join(''),
    variables: '<oval-def:constant_variable id="oval:q:var:1" version="1" datatype="int"><oval-def:value>0</oval-def:value><oval-def:value>1000</oval-def:value></oval-def:constant_variable><oval-def:constant_variable id="oval:q:var:2" version="1" datatype="int"><oval-def:value>1</oval-def:value></oval-def:constant_variable>',
  });
}

async function treeOf(entries: readonly (typeof entryArbitrary extends fc.Arbitrary<infer T> ? T : never)[]): Promise<string> {
  const files: Record<string, TreeFile> = { l: { link: 't' } };
  for (const entry of entries) {
    if (Object.keys(files).some((other) => other.startsWith(`${entry.name}/`) || entry.name.startsWith(`${other}/`))) continue;
    files[entry.name] = entry.kind === 'link' ? { link: '../x' } : entry.kind === 'directory' ? { directory: true, mode: entry.mode } : { content: 'k=1\n', mode: entry.mode };
  }
  const root = await makeTree(files);
  if (process.getuid?.() === 0) for (const entry of entries) await chown(path.join(root, entry.name), entry.uid, entry.gid).catch(() => undefined);
  return root;
}

describe('tree queries', () => {
  it('collect what listing folder by folder collects, over random trees, filters and patterns (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary, { minLength: 1, maxLength: 10 }), fc.array(objectArbitrary, { minLength: 1, maxLength: 4 }), fc.array(patternArbitrary, { maxLength: 2 }), async (entries, objects, patterns) => {
        const root = await treeOf(entries);
        try {
          const document = parseOvalDefinitions(documentOf(objects, patterns), 'random.xml');
          const ids = [...document.definitions.keys()];
          const target = await FilesystemTarget.openDirectory(`dir:${root}`);
          target.walker = 'find';
          const queried = await createOvalEvaluation(document, target).evaluate(ids, new Map());
          const listed = await createOvalEvaluation(document, withoutTreeWalk(target)).evaluate(ids, new Map());
          expect(queried).toEqual(listed);
        } finally {
          await removeTree(root);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('plans a query only for walks it answers whole: a recursion without limit over real folders, with filters that say something', () => {
    const document = parseOvalDefinitions(
      ovalDocument({
        definitions: '',
        tests: '',
        objects:
          '<unix:file_object id="oval:q:obj:1" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><unix:path>/</unix:path><unix:filename xsi:nil="true"/></unix:file_object>' +
          '<unix:file_object id="oval:q:obj:2" version="1"><unix:behaviors recurse="symlinks and directories" recurse_direction="down" max_depth="-1"/><unix:path>/</unix:path><unix:filename xsi:nil="true"/></unix:file_object>' +
          '<unix:file_object id="oval:q:obj:3" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="2"/><unix:path>/</unix:path><unix:filename xsi:nil="true"/></unix:file_object>',
        states: '',
      }),
      'plan.xml',
    );
    const keep = Object.assign(() => true, { entryTest: { kind: 'mode', bits: 2 } as const });
    const object = (id: string) => document.objects.get(id) as NonNullable<ReturnType<typeof document.objects.get>>;
    expect(recursionQueryKey(object('oval:q:obj:1'), ['/'], keep)).toBeDefined();
    expect(recursionQueryKey(object('oval:q:obj:1'), ['/'], Object.assign(() => true, { entryTest: { kind: 'all' } as const }))).toBeUndefined();
    expect(recursionQueryKey(object('oval:q:obj:2'), ['/'], keep)).toBeUndefined();
    expect(recursionQueryKey(object('oval:q:obj:3'), ['/'], keep)).toBeUndefined();
    expect(patternQueryTest('^\\/(|s)bin', 'directory')).toEqual({ kind: 'and', tests: [{ kind: 'type', type: 'directory' }, { kind: 'or', tests: [{ kind: 'pathStartsWith', text: '/bin' }, { kind: 'pathStartsWith', text: '/sbin' }] }] });
    expect(patternQueryTest('.*', 'file')).toBeUndefined();
  });
});
