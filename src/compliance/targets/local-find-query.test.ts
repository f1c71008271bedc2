/**
 * Tree queries through `find` answer exactly the entries a walk of the same tree reports and the
 * test passes (fast-check over random trees, owners, modes, names with glob characters, and random
 * tests): `find`'s expression may let more through, never fewer. An answer that could be
 * incomplete is no answer.
 */
import { chown, symlink } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTree, removeTree, type TreeFile } from '../scap/oval/test-support.js';
import { FilesystemTarget } from './filesystem-target.js';
import { entryPasses, type EntryTest } from './tree-query.js';
import type { WalkedEntry } from './tree-walker.js';

const NAMES = ['a', 'b', '[x', '*', 'x.c', 'sbin'];
const IDS = [0, 1, 1000, 65534];
const BITS = [0o4000, 0o2000, 0o1000, 0o20, 0o2, 0o100];

const entryArbitrary = fc.record({
  folder: fc.constantFrom('', 'a/', 'a/b/', 'sbin/', '[x/', 'a/*/', 'a/c/', 'a/c/d/'),
  name: fc.constantFrom(...NAMES),
  kind: fc.constantFrom('file', 'file', 'directory', 'link'),
  mode: fc.constantFrom(0o644, 0o755, 0o777, 0o4755, 0o2775, 0o1777, 0o600, 0o666),
  uid: fc.constantFrom(...IDS),
  gid: fc.constantFrom(...IDS),
});

const testArbitrary: fc.Arbitrary<EntryTest> = fc.letrec<{ test: EntryTest }>((tie) => ({
  test: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<EntryTest>({ kind: 'all' }, { kind: 'none' }),
    fc.constantFrom('file', 'directory', 'symlink', 'other').map((type) => ({ kind: 'type', type }) as EntryTest),
    fc.record({ kind: fc.constantFrom('uid', 'gid'), ids: fc.subarray(IDS) }).map((test) => test as EntryTest),
    fc.constantFrom(...BITS).map((bits) => ({ kind: 'mode', bits }) as EntryTest),
    fc.constantFrom('a', '/b', 'x.c', '[x', '*', 'sbin/').map((text) => ({ kind: 'pathContains', text }) as EntryTest),
    fc.constantFrom('/a', '/a/b', '/', '/[x', '/s', '/sbin/').map((text) => ({ kind: 'pathStartsWith', text }) as EntryTest),
    fc.record({ kind: fc.constantFrom('and', 'or'), tests: fc.array(tie('test'), { minLength: 1, maxLength: 3 }) }).map((test) => test as EntryTest),
    tie('test').map((test) => ({ kind: 'not', test }) as EntryTest),
  ),
})).test;

async function treeOf(entries: readonly (typeof entryArbitrary extends fc.Arbitrary<infer T> ? T : never)[]): Promise<string> {
  const files: Record<string, TreeFile> = {};
  for (const entry of entries) {
    const name = `${entry.folder}${entry.name}`;
    if (Object.keys(files).some((other) => other.startsWith(`${name}/`) || name.startsWith(`${other}/`))) continue;
    files[name] = entry.kind === 'link' ? { link: '../a' } : entry.kind === 'directory' ? { directory: true, mode: entry.mode } : { content: 'x', mode: entry.mode };
  }
  const root = await makeTree(files);
  // Owners need root; elsewhere every entry keeps the test's own.
  if (process.getuid?.() === 0) for (const entry of entries) await chown(path.join(root, `${entry.folder}${entry.name}`), entry.uid, entry.gid).catch(() => undefined);
  return root;
}

const sorted = (entries: readonly WalkedEntry[]): WalkedEntry[] => [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

describe('tree queries through find', () => {
  it('answer what the walk reports and the test passes, over random trees, roots and tests (property)', async () => {
    // Roots below / ride along in the whole tree's runs, /l (a link to a) shares a's folder.
    const queryArbitrary = fc.record({ test: testArbitrary, root: fc.constantFrom('/', '/a', '/l', '/a/*', '/a/c', '/l/c', '/sbin'), maxDepth: fc.constantFrom(-1, -1, 1) });
    // A query of the whole tree first, so that the others can ride along in its runs.
    const queriesArbitrary = fc.tuple(testArbitrary, fc.array(queryArbitrary, { minLength: 1, maxLength: 4 })).map(([test, rest]) => [{ test, root: '/', maxDepth: -1 }, ...rest]);
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary, { minLength: 1, maxLength: 12 }), queriesArbitrary, async (entries, queries) => {
        const tree = await treeOf(entries);
        try {
          await symlink('a', path.join(tree, 'l')).catch(() => undefined);
          const target = await FilesystemTarget.openDirectory(`dir:${tree}`);
          target.walker = 'find';
          const answers = target.queryTrees(queries, ['/a/b'], { maxEntries: 10_000 });
          expect(answers).toBeDefined();
          target.walker = 'in-process';
          for (const [index, { test, root, maxDepth }] of queries.entries()) {
            const walked: WalkedEntry[] = [];
            await target.walkTrees([{ root, maxDepth }], ['/a/b'], (entry) => void walked.push(entry), { maxEntries: 10_000 });
            const below = walked.filter((entry) => entry.path !== root);
            const answer = await answers?.[index];
            // No answer only where the root leads nowhere inside the tree (a link out of it: the walk finds nothing either).
            if (answer === undefined) expect(below, JSON.stringify(queries[index])).toEqual([]);
            expect(sorted(answer ?? []).map(({ path, info }) => ({ path, info }))).toEqual(sorted(below.filter((entry) => entryPasses(test, entry.path, entry.info))).map(({ path, info }) => ({ path, info })));
          }
        } finally {
          await removeTree(tree);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('give no answer past the bound on entries, and none without find', async () => {
    const tree = await makeTree({ 'a/one': 'x', 'a/two': 'x', 'b/three': 'x' });
    try {
      const target = await FilesystemTarget.openDirectory(`dir:${tree}`);
      target.walker = 'find';
      const [bounded] = target.queryTrees([{ root: '/', maxDepth: -1, test: { kind: 'all' } }], [], { maxEntries: 2 }) ?? [];
      expect(await bounded).toBeUndefined();
      const [whole] = target.queryTrees([{ root: '/', maxDepth: -1, test: { kind: 'type', type: 'file' } }], [], { maxEntries: 100 }) ?? [];
      expect((await whole)?.map((entry) => entry.path).sort()).toEqual(['/a/one', '/a/two', '/b/three']);
      target.walker = 'in-process';
      expect(target.queryTrees([{ root: '/', maxDepth: -1, test: { kind: 'all' } }], [], { maxEntries: 100 })).toBeUndefined();
    } finally {
      await removeTree(tree);
    }
  });
});
