import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depthBelow, parseWalkRecord, treeWalkCommand, unreadableFolders, WalkStreamParser } from './ssh-tree-walk.js';
import type { WalkedEntry } from './tree-walker.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tollgate-walk-cmd-'));
  await mkdir(path.join(root, "it's/deep/er"), { recursive: true });
  await writeFile(path.join(root, "it's/a\nb"), 'xy');
  await writeFile(path.join(root, "it's/deep/er/z"), '');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the command with this host's sh and find, as the remote host would. */
function runWalk(command: string): WalkedEntry[] {
  const entries: WalkedEntry[] = [];
  const parser = new WalkStreamParser((entry, raw) => {
    if (!entry) throw new Error(`unparsed record ${JSON.stringify(raw)}`);
    entries.push(entry);
  });
  const output = execFileSync('/bin/sh', ['-c', command], { env: { LC_ALL: 'C', PATH: process.env.PATH } });
  // Fed in 7-byte pieces: records cut anywhere are put together again.
  for (let at = 0; at < output.length; at += 7) parser.push(output.subarray(at, at + 7));
  expect(parser.leftover).toBe(0);
  return entries;
}

describe('the SSH tree walk command', () => {
  it('reports every entry with its lstat facts, quotes in names and line breaks included, to the depth asked', () => {
    const all = runWalk(treeWalkCommand([{ root, maxDepth: -1 }], []));
    expect(all.map((entry) => entry.path).sort()).toEqual([root, `${root}/it's`, `${root}/it's/a\nb`, `${root}/it's/deep`, `${root}/it's/deep/er`, `${root}/it's/deep/er/z`]);
    const file = all.find((entry) => entry.path.endsWith('a\nb'));
    expect(file?.info).toMatchObject({ type: 'file', size: 2, mode: 0o644 });
    expect(file?.info.mtime).toBeGreaterThan(1_600_000_000);
    const shallow = runWalk(treeWalkCommand([{ root, maxDepth: 2 }], []));
    expect(shallow.map((entry) => depthBelow(root, entry.path)).sort()).toEqual([0, 1, 2, 2]);
  });

  it('reports a pruned folder without entering it, and walks several roots in one command', () => {
    const entries = runWalk(treeWalkCommand([{ root: `${root}/it's/deep`, maxDepth: -1 }, { root, maxDepth: 1 }], [`${root}/it's/deep/er`]));
    expect(entries.map((entry) => entry.path)).toEqual([`${root}/it's/deep`, `${root}/it's/deep/er`, root, `${root}/it's`]);
  });

  it('reads find\'s messages about folders it cannot enter, and refuses messages it does not know', () => {
    expect(unreadableFolders("find: '/root/x': Permission denied\nfind: '/gone': No such file or directory\n")).toEqual(new Set(['/root/x', '/gone']));
    expect(unreadableFolders('find: something else\n')).toBeUndefined();
    expect(parseWalkRecord('d d 755 0 0 4096 1700000000.5 relative')).toBeUndefined();
    expect(parseWalkRecord('p p 644 0 0 0 1700000000.0000000000 /run/fifo')?.info.type).toBe('other');
    expect(parseWalkRecord('l d 777 0 0 1 1700000000.0000000000 /lib')).toMatchObject({ info: { type: 'symlink' }, linksToFolder: true });
    expect(parseWalkRecord('l N 777 0 0 1 1700000000.0000000000 /dangling')).toMatchObject({ info: { type: 'symlink' }, linksToFolder: false });
  });
});
