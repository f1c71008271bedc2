/**
 * The local tree walk (through `find`, and in this process) reports exactly what listing folder by folder through the view reports (every
 * entry's lstat facts, the same folders listed whole), over random trees with hostile entries
 * (links looping, links out of the root, a link as the walk's root, names with a line break), and
 * never reports a path outside its root.
 */
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTree, removeTree, type TreeFile } from '../scap/oval/test-support.js';
import { FilesystemTarget } from './filesystem-target.js';
import type { FileInfo } from './target.js';
import type { TreeWalkRoot, WalkedEntry } from './tree-walker.js';

function childOf(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** What the walk must report, computed the slow way: one listing through the view per folder. */
async function listedFolderByFolder(target: FilesystemTarget, roots: readonly TreeWalkRoot[], prune: readonly string[]): Promise<{ entries: Map<string, FileInfo>; listed: Set<string> }> {
  const entries = new Map<string, FileInfo>();
  const listed = new Set<string>();
  for (const { root, maxDepth } of roots) {
    const info = await target.stat(root).catch(() => undefined);
    if (!info) continue;
    entries.set(root, info);
    if (maxDepth === 0) continue;
    const queue: [string, number][] = [[root, 0]];
    while (queue.length > 0) {
      const [folder, depth] = queue.shift() as [string, number];
      const listing = await target.listDirInfo(folder).catch(() => undefined);
      if (!listing) continue;
      let whole = true;
      listing.names.forEach((name, index) => {
        const child = childOf(folder, name);
        const childInfo = listing.infos[index];
        if (!childInfo) {
          whole = false;
          return;
        }
        entries.set(child, childInfo);
        if (childInfo.type === 'directory' && (maxDepth < 0 || depth + 1 < maxDepth) && !prune.includes(child)) queue.push([child, depth + 1]);
      });
      if (whole) listed.add(folder);
    }
  }
  return { entries, listed };
}

async function walked(target: FilesystemTarget, roots: readonly TreeWalkRoot[], prune: readonly string[], maxEntries = 1_000_000): Promise<{ reported: WalkedEntry[]; listed: Set<string> }> {
  const reported: WalkedEntry[] = [];
  const result = await target.walkTrees(roots, prune, (entry) => void reported.push(entry), { maxEntries });
  return { reported, listed: result.listed };
}

/** A `dir:` target walking with `find` or in this process (both must report the same). */
async function openWith(walker: FilesystemTarget['walker'], spec: string): Promise<FilesystemTarget> {
  const target = await FilesystemTarget.openDirectory(spec);
  target.walker = walker;
  return target;
}

const NAMES = ['a', 'b', 'x.conf', 'line\nbreak', ' space'];

/** Random trees under /t: files, folders, and links that loop, climb out of the root, or lead to a folder. */
const treeArbitrary = fc.dictionary(
  fc.tuple(fc.constantFrom('', 'a/', 'a/b/', 'b/', 'a/line\nbreak/'), fc.constantFrom(...NAMES)).map(([folder, name]) => `t/${folder}${name}`),
  fc.oneof(
    fc.constant<TreeFile>({ content: 'x\n' }),
    fc.constant<TreeFile>({ directory: true }),
    fc.constantFrom<TreeFile>({ link: '..' }, { link: '.' }, { link: '/t/a' }, { link: '../../../../../../etc' }, { link: '/etc/passwd' }, { link: 'missing' }),
  ),
  { minKeys: 1, maxKeys: 10 },
);

const rootsArbitrary = fc.array(
  fc.record({ root: fc.constantFrom('/t', '/t/a', '/t/a/b', '/t/b', '/t/a/a', '/t/missing', '/'), maxDepth: fc.constantFrom(-1, 0, 1, 2) }),
  { minLength: 1, maxLength: 3 },
);

describe.each(['find', 'in-process'] as const)('the local tree walk (%s)', (walker) => {
  it('reports what a listing of each folder through the view reports, over random trees with loops, escaping links and odd names', async () => {
    await fc.assert(
      fc.asyncProperty(treeArbitrary, rootsArbitrary, fc.subarray(['/t/a', '/t/b', '/t/a/b']), async (files, roots, prune) => {
        // makeTree cannot write a file below a path it made a link or a file: such trees are skipped.
        const root = await makeTree(files).catch(() => undefined);
        fc.pre(root !== undefined);
        try {
          const target = await openWith(walker, `dir:${root as string}`);
          const { reported, listed } = await walked(target, roots, prune);
          const expected = await listedFolderByFolder(target, roots, prune);
          const byPath = new Map(reported.map((entry) => [entry.path, entry.info]));
          expect(byPath).toEqual(expected.entries);
          expect(listed).toEqual(expected.listed);
          for (const entry of reported) expect(roots.some(({ root: start }) => entry.path === start || entry.path.startsWith(start === '/' ? '/' : `${start}/`)), entry.path).toBe(true);
        } finally {
          await removeTree(root as string);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('walks a root that is a link to a folder as the folder a listing through the view reads, and never follows a link out of the root', async () => {
    const root = await makeTree({ 'usr/lib/x/y.so': 'y', 'lib': { link: 'usr/lib' }, 'usr/lib/up': { link: '../../..' }, 'usr/lib/out': { link: '/../../../../etc' } });
    try {
      const target = await openWith(walker, `dir:${root}`);
      const { reported, listed } = await walked(target, [{ root: '/lib', maxDepth: -1 }], []);
      expect(reported.map((entry) => [entry.path, entry.info.type])).toEqual(
        expect.arrayContaining([
          ['/lib', 'symlink'],
          ['/lib/x', 'directory'],
          ['/lib/x/y.so', 'file'],
          ['/lib/up', 'symlink'],
          ['/lib/out', 'symlink'],
        ]),
      );
      expect(reported).toHaveLength(5);
      expect([...listed].sort()).toEqual(['/lib', '/lib/x']);
    } finally {
      await removeTree(root);
    }
  });

  it('gives up on a root whose link climbs out of the root, reporting only the link', async () => {
    const root = await makeTree({ 'escape': { link: '../../../../../../../../tmp' } });
    try {
      const target = await openWith(walker, `dir:${root}`);
      const { reported, listed } = await walked(target, [{ root: '/escape', maxDepth: -1 }], []);
      expect(reported.map((entry) => entry.path)).toEqual(['/escape']);
      expect(listed.size).toBe(0);
    } finally {
      await removeTree(root);
    }
  });

  it('prunes exactly the folders named, in a root whose own path has glob characters', async () => {
    const base = await makeTree({ 'we[i]rd*?\\': { directory: true } });
    const root = await makeTree({ 't/a/x': 'x', 't/ab/y': 'y', 't/b/z': 'z' }, path.join(base, 'we[i]rd*?\\'));
    try {
      const target = await openWith(walker, `dir:${root}`);
      const { reported, listed } = await walked(target, [{ root: '/', maxDepth: -1 }], ['/t/a', '/t/b']);
      expect(reported.map((entry) => entry.path).sort()).toEqual(['/', '/t', '/t/a', '/t/ab', '/t/ab/y', '/t/b']);
      expect([...listed].sort()).toEqual(['/', '/t', '/t/ab']);
    } finally {
      await removeTree(base);
    }
  });

  it('stops with an error past the bound on entries', async () => {
    const root = await makeTree(Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`t/${index}`, 'x'])));
    try {
      const target = await openWith(walker, `dir:${root}`);
      await expect(walked(target, [{ root: '/t', maxDepth: -1 }], [], 10)).rejects.toThrow(/more than 10 entries/);
    } finally {
      await removeTree(root);
    }
  });

  it('stops when the scan is aborted, between two slices of a large folder', async () => {
    const root = await makeTree({});
    try {
      await mkdir(path.join(root, 't'));
      await Promise.all(Array.from({ length: 5000 }, (_, index) => mkdir(path.join(root, 't', String(index)))));
      const target = await openWith(walker, `dir:${root}`);
      const controller = new AbortController();
      let seen = 0;
      const walk = target.walkTrees([{ root: '/t', maxDepth: -1 }], [], () => void (++seen === 100 && controller.abort(new Error('stopped'))), { maxEntries: 1_000_000, signal: controller.signal });
      await expect(walk).rejects.toThrow('stopped');
      expect(seen).toBeLessThan(5000);
    } finally {
      await removeTree(root);
    }
  });

  // Root reads every folder whatever its mode: only an unprivileged run can prove this.
  it.skipIf(process.getuid?.() === 0)('reports an unreadable folder without counting it as listed, so the caller lists it and sees the failure', async () => {
    const root = await makeTree({ 't/open/x': 'x', 't/closed/y': 'y' });
    try {
      await chmod(path.join(root, 't', 'closed'), 0o000);
      const target = await openWith(walker, `dir:${root}`);
      const { reported, listed } = await walked(target, [{ root: '/t', maxDepth: -1 }], []);
      expect(reported.map((entry) => entry.path)).toContain('/t/closed');
      expect(listed.has('/t/closed')).toBe(false);
      expect(listed.has('/t/open')).toBe(true);
    } finally {
      await chmod(path.join(root, 't', 'closed'), 0o755);
      await removeTree(root);
    }
  });
});

describe('a find that cannot be run', () => {
  it('leaves the target walking in-process, reporting what the in-process walk reports', async () => {
    const root = await makeTree({ 't/a/x': 'x', 't/b': { link: 'a' } });
    const savedPath = process.env.PATH;
    try {
      const expected = await walked(await openWith('in-process', `dir:${root}`), [{ root: '/t', maxDepth: -1 }], []);
      const target = await openWith('find', `dir:${root}`);
      process.env.PATH = root;
      const { reported, listed } = await walked(target, [{ root: '/t', maxDepth: -1 }], []);
      expect(target.walker).toBe('in-process');
      expect(new Map(reported.map((entry) => [entry.path, entry.info]))).toEqual(new Map(expected.reported.map((entry) => [entry.path, entry.info])));
      expect(listed).toEqual(expected.listed);
    } finally {
      process.env.PATH = savedPath;
      await removeTree(root);
    }
  });
});
