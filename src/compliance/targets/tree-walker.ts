/**
 * A target that can walk whole trees in one request: every entry under a set of roots (lstat facts,
 * links not followed), streamed to the caller, instead of one listing and one stat per folder. SSH
 * implements it with one remote `find` for all roots (ssh-tree-walk.ts): over a network each
 * request costs a round trip, and a recursive file object visits thousands of folders. Local and
 * `dir:` targets walk in-process (local-tree-walk.ts); the OVAL cache (cached-files.ts) uses it when present and
 * falls back to per-folder listing otherwise, and for any folder a walk did not list whole.
 */
import type { FileInfo, Target } from './target.js';

export interface TreeWalkRoot {
  /** An absolute path of the target, no trailing slash (except `/`). */
  root: string;
  /** Deepest entry below the root to report (1: the root's own entries); -1: no limit. */
  maxDepth: number;
}

export interface WalkedEntry {
  path: string;
  info: FileInfo;
  /** For a symbolic link: whether it leads to a folder (a dangling link or a loop does not). */
  linksToFolder?: boolean;
}

export interface TreeWalkResult {
  /**
   * The folders whose entries were all reported: every reported folder above the depth limit,
   * except the pruned ones and those the walk could not read (it falls back to a listing, which may
   * use the target's privileged path).
   */
  listed: Set<string>;
  /** Entries reported. */
  entries: number;
}

export interface TreeWalker {
  /** The walk of a root that is a symbolic link walks the folder it leads to (inside the view). */
  readonly followsRootLinks?: boolean;
  /**
   * Walks every root, handing each entry to `visit` as it arrives; folders in `prune` are reported
   * but not entered (below a root, not the root itself). Undefined when the target cannot walk
   * (its `find` lacks what the walk needs): the caller lists folder by folder instead.
   */
  walkTrees(roots: readonly TreeWalkRoot[], prune: readonly string[], visit: (entry: WalkedEntry) => void, options: { maxEntries: number; signal?: AbortSignal }): Promise<TreeWalkResult | undefined>;
}

export function canWalkTrees(target: Target): target is Target & TreeWalker {
  return typeof (target as Partial<TreeWalker>).walkTrees === 'function';
}
