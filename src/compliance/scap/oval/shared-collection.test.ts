/**
 * Collect once, evaluate many, across objects and batches: many file-style objects over the same
 * folders list each folder once (one walk, whatever the number of objects), a scan's later batches
 * (other values for some external variables) reuse every object that does not depend on those
 * values, and what a shared session collects for an object is what a session of its own collects.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTarget } from '../../targets/open-target.js';
import type { Target } from '../../targets/target.js';
import { canWalkTrees, type TreeWalker } from '../../targets/tree-walker.js';
import { createOvalEvaluation, OvalTargetCache } from './evaluate.js';
import { parseOvalDefinitions } from './parse-definitions.js';
import { textfilecontent54 } from './test-types/textfilecontent54/index.js';
import { definition, makeTree, ovalDocument, removeTree, resultsOf, withoutTreeWalk } from './test-support.js';

/** The target with its folder listings and stats counted by path. */
function counted(target: Target): { target: Target; listings: Map<string, number>; stats: () => number } {
  const listings = new Map<string, number>();
  let stats = 0;
  const wrapped = Object.create(target) as Target;
  const listed = (path: string): void => void listings.set(path, (listings.get(path) ?? 0) + 1);
  Object.defineProperty(wrapped, 'listDir', { value: (path: string) => (listed(path), target.listDir(path)) });
  Object.defineProperty(wrapped, 'listDirInfo', { value: (path: string) => (listed(path), target.listDirInfo?.(path)) });
  Object.defineProperty(wrapped, 'stat', { value: (path: string) => (stats++, target.stat(path)) });
  // A tree walk (local-tree-walk.ts) lists every folder it reports as listed whole.
  if (canWalkTrees(target)) {
    Object.defineProperty(wrapped, 'walkTrees', {
      value: async (...args: Parameters<TreeWalker['walkTrees']>) => {
        const result = await target.walkTrees(...args);
        for (const folder of result?.listed ?? []) listed(folder);
        return result;
      },
    });
  }
  return { target: wrapped, listings, stats: () => stats };
}

const criterion = (id: string, test: string): string => definition(id, `<oval-def:criteria><oval-def:criterion test_ref="${test}"/></oval-def:criteria>`);

describe('one walk for every object over the same folders', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTree({
      'srv/a/one.conf': 'key=1\n',
      'srv/a/two.txt': 'key=2\n',
      'srv/a/b/three.conf': 'key=3\n',
      'srv/a/b/c/four.sh': 'echo key=4\n',
      'srv/d/five.conf': 'other\n',
      'etc/unrelated.conf': 'x\n',
    });
  });
  afterAll(async () => removeTree(root));

  it('lists each folder once for twelve file, textfilecontent54 and filehash58 objects recursing or searching under /srv', async () => {
    const names = ['.*\\.conf$', '.*\\.txt$', '^four\\.sh$', '^t.*'];
    const objects: string[] = [];
    const tests: string[] = [];
    const definitions: string[] = [];
    names.forEach((name, index) => {
      const n = index * 3;
      objects.push(
        `<unix:file_object id="oval:x:obj:${n}" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><unix:path>/srv</unix:path><unix:filename operation="pattern match">${name}</unix:filename></unix:file_object>`,
        `<ind:textfilecontent54_object id="oval:x:obj:${n + 1}" version="1"><ind:behaviors recurse="directories" recurse_direction="down" max_depth="-1"/><ind:path>/srv</ind:path><ind:filename operation="pattern match">${name}</ind:filename><ind:pattern operation="pattern match">^key=(\\d)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`,
        `<ind:filehash58_object id="oval:x:obj:${n + 2}" version="1"><ind:filepath operation="pattern match">^/srv/.*${name.replace(/^\^|^\.\*/, '')}</ind:filepath><ind:hash_type>SHA-256</ind:hash_type></ind:filehash58_object>`,
      );
      for (const [offset, type, family] of [[0, 'file', 'unix'], [1, 'textfilecontent54', 'ind'], [2, 'filehash58', 'ind']] as const) {
        tests.push(`<${family}:${type}_test id="oval:x:tst:${n + offset}" version="1" check="all" check_existence="any_exist"><${family}:object object_ref="oval:x:obj:${n + offset}"/></${family}:${type}_test>`);
        definitions.push(criterion(`oval:x:def:${n + offset}`, `oval:x:tst:${n + offset}`));
      }
    });
    const document = parseOvalDefinitions(ovalDocument({ definitions: definitions.join(''), tests: tests.join(''), objects: objects.join('') }), 'walks.xml');
    const opened = await openTarget(`dir:${root}`);
    try {
      const { target, listings, stats } = counted(opened);
      const cache = new OvalTargetCache(target);
      const outcomes = await createOvalEvaluation(document, target, { cache }).evaluate([...document.definitions.keys()], new Map());
      expect(Object.values(resultsOf(outcomes)).every((result) => result === 'true')).toBe(true);
      for (const folder of ['/srv', '/srv/a', '/srv/a/b', '/srv/a/b/c', '/srv/d']) expect(listings.get(folder), folder).toBe(1);
      expect(listings.has('/etc')).toBe(false);
      expect(cache.files.folderReads).toBe(listings.size);
      // Entries' facts come with their folder's listing: only the starting points are stat'ed alone.
      expect(stats()).toBeLessThanOrEqual(2);
    } finally {
      await opened.close();
    }
  });
});

describe('batches of one scan', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTree({ 'etc/app.conf': 'limit=5\nmode=strict\n' });
  });
  afterAll(async () => removeTree(root));
  afterEach(() => vi.restoreAllMocks());

  const document = (): ReturnType<typeof parseOvalDefinitions> =>
    parseOvalDefinitions(
      ovalDocument({
        definitions: criterion('oval:b:def:1', 'oval:b:tst:1') + criterion('oval:b:def:2', 'oval:b:tst:2'),
        tests:
          '<ind:textfilecontent54_test id="oval:b:tst:1" version="1" check="all" check_existence="all_exist"><ind:object object_ref="oval:b:obj:1"/><ind:state state_ref="oval:b:ste:1"/></ind:textfilecontent54_test>' +
          '<ind:textfilecontent54_test id="oval:b:tst:2" version="1" check="all" check_existence="all_exist"><ind:object object_ref="oval:b:obj:2"/></ind:textfilecontent54_test>',
        objects:
          '<ind:textfilecontent54_object id="oval:b:obj:1" version="1"><ind:filepath>/etc/app.conf</ind:filepath><ind:pattern operation="pattern match">^limit=(\\d+)$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>' +
          '<ind:textfilecontent54_object id="oval:b:obj:2" version="1"><ind:filepath>/etc/app.conf</ind:filepath><ind:pattern operation="pattern match" var_ref="oval:b:var:2"/><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>',
        states: '<ind:textfilecontent54_state id="oval:b:ste:1" version="1"><ind:subexpression datatype="int" operation="less than or equal" var_ref="oval:b:var:1"/></ind:textfilecontent54_state>',
        variables: '<oval-def:external_variable id="oval:b:var:1" version="1" datatype="int" comment="limit"/><oval-def:external_variable id="oval:b:var:2" version="1" datatype="string" comment="pattern"/>',
      }),
      'batches.xml',
    );

  it('collects an object once for every batch when it depends on no external variable, and again when its own external changes', async () => {
    const collect = vi.spyOn(textfilecontent54, 'collect');
    const parsed = document();
    const target = await openTarget(`dir:${root}`);
    try {
      const session = createOvalEvaluation(parsed, target);
      const batch = async (limit: string, pattern: string): Promise<Record<string, string>> =>
        resultsOf(await session.evaluate(['oval:b:def:1', 'oval:b:def:2'], new Map([['oval:b:var:1', [limit]], ['oval:b:var:2', [pattern]]])));
      // Object 1 does not depend on an external (its state does): one collection for three batches.
      expect(await batch('10', '^mode=strict$')).toEqual({ 'oval:b:def:1': 'true', 'oval:b:def:2': 'true' });
      expect(await batch('3', '^mode=strict$')).toEqual({ 'oval:b:def:1': 'false', 'oval:b:def:2': 'true' });
      expect(await batch('3', '^mode=lax$')).toEqual({ 'oval:b:def:1': 'false', 'oval:b:def:2': 'false' });
      const collected = collect.mock.calls.map(([object]) => object.id);
      expect(collected.filter((id) => id === 'oval:b:obj:1')).toHaveLength(1);
      // Object 2's pattern is the external: collected for each value it took.
      expect(collected.filter((id) => id === 'oval:b:obj:2')).toHaveLength(2);
    } finally {
      await target.close();
    }
  });
});

/** A small random tree: files and folders under /t with a few names and contents. */
const treeArbitrary = fc.dictionary(
  fc.tuple(fc.constantFrom('', 'a/', 'a/b/', 'c/', 'a/b/c/'), fc.constantFrom('x.conf', 'y.conf', 'z.txt', 'w', 'x.txt')).map(([folder, name]) => `t/${folder}${name}`),
  fc.constantFrom('k=1\n', 'k=2\nk=3\n', 'none\n', ''),
  { minKeys: 1, maxKeys: 8 },
);

/** A random file-style object over /t: path or filepath, equals or pattern, recursing or not. */
const objectArbitrary = fc.record({
  type: fc.constantFrom('file', 'textfilecontent54'),
  path: fc.constantFrom('/t', '/t/a', '/t/a/b'),
  recurse: fc.constantFrom('none', 'down'),
  maxDepth: fc.constantFrom('-1', '0', '1'),
  filename: fc.constantFrom('.*', '\\.conf$', '^x', '^w$', 'x.conf'),
  byFilepath: fc.boolean(),
});

type RandomObject = typeof objectArbitrary extends fc.Arbitrary<infer T> ? T : never;

function objectXml(id: string, object: RandomObject): string {
  const family = object.type === 'file' ? 'unix' : 'ind';
  const behaviors = `<${family}:behaviors recurse="directories" recurse_direction="${object.recurse}" max_depth="${object.maxDepth}"/>`;
  const where = object.byFilepath
    ? `<${family}:filepath operation="pattern match">^${object.path.replace(/\//g, '\\/')}/.*${object.filename.replace(/^\^|^\.\*/, '')}</${family}:filepath>`
    : `${behaviors}<${family}:path>${object.path}</${family}:path><${family}:filename operation="${object.filename === 'x.conf' ? 'equals' : 'pattern match'}">${object.filename}</${family}:filename>`;
  const content = object.type === 'file' ? '' : '<ind:pattern operation="pattern match">^k=(\\d)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance>';
  return `<${family}:${object.type}_object id="${id}" version="1">${where}${content}</${family}:${object.type}_object>`;
}

/** One definition per object; none_exist fails whenever there are items, so every outcome lists them as evidence. */
function randomDocument(objects: readonly RandomObject[], prefix: string): string {
  return ovalDocument({
    definitions: objects.map((_, index) => criterion(`oval:${prefix}:def:${index}`, `oval:${prefix}:tst:${index}`)).join(''),
    tests: objects
      .map((object, index) => {
        const family = object.type === 'file' ? 'unix' : 'ind';
        return `<${family}:${object.type}_test id="oval:${prefix}:tst:${index}" version="1" check="all" check_existence="none_exist"><${family}:object object_ref="oval:${prefix}:obj:${index}"/></${family}:${object.type}_test>`;
      })
      .join(''),
    objects: objects.map((object, index) => objectXml(`oval:${prefix}:obj:${index}`, object)).join(''),
  });
}

describe('a shared session collects what a session of its own collects', () => {
  it('gives every object the same items (shown as evidence) together as alone, over random trees and objects', async () => {
    await fc.assert(
      fc.asyncProperty(treeArbitrary, fc.array(objectArbitrary, { minLength: 1, maxLength: 6 }), async (files, objects) => {
        const root = await makeTree(files);
        try {
          const xml = randomDocument(objects, 'p');
          const document = parseOvalDefinitions(xml, 'random.xml');
          const ids = [...document.definitions.keys()];
          const together = await (async () => {
            const target = await openTarget(`dir:${root}`);
            try {
              return await createOvalEvaluation(document, target).evaluate(ids, new Map());
            } finally {
              await target.close();
            }
          })();
          for (const id of ids) {
            const target = await openTarget(`dir:${root}`);
            try {
              const alone = (await createOvalEvaluation(document, target).evaluate([id], new Map())).get(id);
              expect(together.get(id)).toEqual(alone);
            } finally {
              await target.close();
            }
          }
        } finally {
          await removeTree(root);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('a tree walk collects what listing folder by folder collects', () => {
  it('gives every object the same items (shown as evidence) with the local tree walk as without it, over random trees and objects', async () => {
    await fc.assert(
      fc.asyncProperty(treeArbitrary, fc.array(objectArbitrary, { minLength: 1, maxLength: 6 }), async (files, objects) => {
        const root = await makeTree(files);
        try {
          const xml = randomDocument(objects, 'w');
          const document = parseOvalDefinitions(xml, 'random.xml');
          const ids = [...document.definitions.keys()];
          const target = await openTarget(`dir:${root}`);
          try {
            expect(canWalkTrees(target)).toBe(true);
            const walked = await createOvalEvaluation(document, target).evaluate(ids, new Map());
            const listed = await createOvalEvaluation(document, withoutTreeWalk(target)).evaluate(ids, new Map());
            expect(walked).toEqual(listed);
          } finally {
            await target.close();
          }
        } finally {
          await removeTree(root);
        }
      }),
      { numRuns: 60 },
    );
  });
});
