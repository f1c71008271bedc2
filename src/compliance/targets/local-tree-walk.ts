/**
 * The tree walk (tree-walker.ts) of a target backed by a folder of this machine (`local`, `dir:`):
 * one pass over each root with synchronous `readdir` and `lstat`, in slices that give the event
 * loop back between them. A host of ~650k entries listed folder by folder with a promise per
 * `lstat` spent more time in promises and the thread pool's queue than in the system calls; one
 * pass costs about what `find` does.
 *
 * Never leaves the root: below a root no link is followed (entries are lstat'ed, only real
 * folders are entered); the root itself is resolved inside the view, as a listing through the
 * view resolves it (a `/lib -> usr/lib` root is walked as the folder that listing would read). A
 * folder that cannot be read, or one with an entry that cannot be lstat'ed, is reported but not
 * counted as listed: the caller lists it through the view, which reports the failure as before.
 */
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { infoOf } from '../../image/fs/directory-fs.js';
import { TargetReadError, type FileInfo } from './target.js';
import type { TreeWalkResult, TreeWalkRoot, WalkedEntry } from './tree-walker.js';

/** What the walk needs of the view: an entry's facts and the host folder a listing reads. */
export interface LocalTreeView {
  stat(viewPath: string): Promise<FileInfo | undefined>;
  /** Throws a TargetReadError when the path leads outside the root. */
  hostFolder(viewPath: string): string;
}

/** Entries handled between two turns of the event loop (an abort is noticed within one slice). */
const SLICE_ENTRIES = 2048;

function childOf(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

function readFolder(hostFolder: string): Dirent[] | undefined {
  try {
    return readdirSync(hostFolder, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

/** A host path's lstat facts; undefined when it vanished or cannot be lstat'ed. */
function lstatInfo(hostPath: string): FileInfo | undefined {
  try {
    const stats = lstatSync(hostPath, { throwIfNoEntry: false });
    return stats ? infoOf(stats) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reports a root's own entry; answers the host folder a listing of it reads (links resolved inside
 * the view), or undefined when there is nothing below it to walk. Shared with local-find-walk.ts.
 */
export async function startLocalRoot(view: LocalTreeView, { root, maxDepth }: TreeWalkRoot, visit: (entry: WalkedEntry) => void, count: () => void): Promise<string | undefined> {
  const rootInfo = await view.stat(root).catch(() => undefined);
  if (!rootInfo) return undefined;
  count();
  visit({ path: root, info: rootInfo });
  if (maxDepth === 0 || (rootInfo.type !== 'directory' && rootInfo.type !== 'symlink')) return undefined;
  try {
    return view.hostFolder(root);
  } catch {
    return undefined;
  }
}

export async function walkLocalTrees(
  view: LocalTreeView,
  roots: readonly TreeWalkRoot[],
  prune: readonly string[],
  visit: (entry: WalkedEntry) => void,
  options: { maxEntries: number; signal?: AbortSignal },
): Promise<TreeWalkResult> {
  const pruned = new Set(prune);
  const listed = new Set<string>();
  let entries = 0;
  let slice = 0;
  const count = (root: string): void => {
    if (++entries > options.maxEntries) throw new TargetReadError(root, 'too-large', `more than ${options.maxEntries} entries`);
  };
  for (const walkRoot of roots) {
    const { root, maxDepth } = walkRoot;
    options.signal?.throwIfAborted();
    const hostRoot = await startLocalRoot(view, walkRoot, visit, () => count(root));
    if (hostRoot === undefined) continue;
    // [view path, host path, depth]: depth-first, so only the folders still to read are held.
    const stack: [string, string, number][] = [[root, hostRoot, 0]];
    while (stack.length > 0) {
      const [folder, hostFolder, depth] = stack.pop() as [string, string, number];
      const dirents = readFolder(hostFolder);
      if (!dirents) continue;
      let whole = true;
      for (const dirent of dirents) {
        const path = childOf(folder, dirent.name);
        const hostPath = childOf(hostFolder, dirent.name);
        const info = lstatInfo(hostPath);
        if (!info) {
          whole = false;
          continue;
        }
        count(root);
        visit({ path, info });
        if (info.type === 'directory' && (maxDepth < 0 || depth + 1 < maxDepth) && !pruned.has(path)) stack.push([path, hostPath, depth + 1]);
        if (++slice >= SLICE_ENTRIES) {
          slice = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          options.signal?.throwIfAborted();
        }
      }
      if (whole) listed.add(folder);
    }
  }
  return { listed, entries };
}
