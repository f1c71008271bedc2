/**
 * Whole trees fetched in one request from a target that can walk them (targets/tree-walker.ts: SSH
 * runs one remote `find`), put into the session's file cache as if each folder had been listed and
 * its entries stat'ed one by one; a folder the walk did not list whole is listed the usual way when
 * asked for. Each tree is walked once per scan: a root inside a tree already walked deep enough is
 * not walked again, and all the roots of one call go in one request.
 */
import { canWalkTrees, type TreeWalkRoot } from '../../targets/tree-walker.js';
import type { FileInfo, Target } from '../../targets/target.js';

/** What the cache offers the prefetch: adopting a folder's listing, and the bound on entries. */
export interface ListingCache {
  readonly target: Target;
  adoptListing(folder: string, names: string[], infos: FileInfo[]): void;
  adoptStat(path: string, info: FileInfo): void;
  /** A path known not to be a folder (a link to a file): asked to list it, the cache answers without a request. */
  adoptNotFolder(path: string): void;
  remainingEntries(): number;
  /** A path's facts (lstat), from the cache when known. */
  stat(path: string): Promise<FileInfo | undefined>;
}

const walked = new WeakMap<ListingCache, { root: string; maxDepth: number; done: Promise<void> }[]>();

function depthBelow(ancestor: string, path: string): number | undefined {
  if (path === ancestor) return 0;
  const prefix = ancestor === '/' ? '/' : `${ancestor}/`;
  if (!path.startsWith(prefix)) return undefined;
  return path.slice(prefix.length).split('/').length;
}

/**
 * Whether a walk of `by` reaches every entry a walk of `root` would. A root that is a link (in
 * `linked`) is covered only by a walk of itself: a walk below it reports the link, not its folder.
 */
function covers(by: TreeWalkRoot, root: TreeWalkRoot, linked: ReadonlySet<string>): boolean {
  if (linked.has(root.root) && by.root !== root.root) return false;
  const below = depthBelow(by.root, root.root);
  if (below === undefined) return false;
  if (by.maxDepth < 0) return true;
  return root.maxDepth >= 0 && below + root.maxDepth <= by.maxDepth;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/**
 * Walks the roots no earlier walk covers, in one request, when the target can; otherwise does
 * nothing (the cache lists folder by folder). Resolves when every given root is in the cache.
 */
export async function prefetchTrees(cache: ListingCache, roots: readonly TreeWalkRoot[], prune: readonly string[], signal?: AbortSignal): Promise<void> {
  const target = cache.target;
  if (!canWalkTrees(target)) return;
  let done = walked.get(cache);
  if (!done) {
    done = [];
    walked.set(cache, done);
  }
  const list = done;
  // A target whose walk follows a root that is a link (the local walk: /lib -> usr/lib) walks such
  // a root on its own; for others a link root is listed folder by folder, as before.
  const linked = new Set<string>();
  if (target.followsRootLinks) {
    const infos = await Promise.all(roots.map((root) => cache.stat(root.root).catch(() => undefined)));
    roots.forEach((root, index) => infos[index]?.type === 'symlink' && linked.add(root.root));
  }
  const waits: Promise<void>[] = [];
  const needed: TreeWalkRoot[] = [];
  for (const root of roots) {
    const earlier = done.find((walk) => covers(walk, root, linked));
    if (earlier) waits.push(earlier.done);
    else if (!needed.some((other) => covers(other, root, linked))) needed.push(root);
  }
  // A root another needed root covers is not walked twice.
  const distinct = needed.filter((root, index) => !needed.some((other, otherIndex) => otherIndex !== index && covers(other, root, linked) && !(covers(root, other, linked) && otherIndex > index)));
  if (distinct.length > 0) {
    const run = walkInto(cache, distinct, prune, signal);
    const entries = distinct.map((root) => ({ ...root, done: run }));
    list.push(...entries);
    // A failed walk covers nothing: a later object walks its own, smaller tree again (a walk of /
    // past the entry bound must not fail every object under it), and reports its own failure.
    run.catch(() => {
      for (const entry of entries) list.splice(list.indexOf(entry), 1);
    });
    waits.push(run);
  }
  await Promise.all(waits);
}

async function walkInto(cache: ListingCache, roots: TreeWalkRoot[], prune: readonly string[], signal: AbortSignal | undefined): Promise<void> {
  const target = cache.target;
  if (!canWalkTrees(target)) return;
  const byFolder = new Map<string, { names: string[]; infos: FileInfo[] }>();
  const rootSet = new Set(roots.map((root) => root.root));
  const result = await target.walkTrees(
    roots,
    prune,
    (entry) => {
      if (rootSet.has(entry.path)) cache.adoptStat(entry.path, entry.info);
      if (entry.linksToFolder === false) cache.adoptNotFolder(entry.path);
      if (entry.path === '/') return;
      const folder = parentOf(entry.path);
      let listing = byFolder.get(folder);
      if (!listing) {
        listing = { names: [], infos: [] };
        byFolder.set(folder, listing);
      }
      listing.names.push(entry.path.slice(folder === '/' ? 1 : folder.length + 1));
      listing.infos.push(entry.info);
    },
    { maxEntries: cache.remainingEntries(), ...(signal ? { signal } : {}) },
  );
  if (!result) return;
  for (const folder of result.listed) {
    const listing = byFolder.get(folder) ?? { names: [], infos: [] };
    // Sorted as the views list names, so the cache finds a child by binary search; once each (two
    // roots whose trees overlap, /t to depth 2 and /t/a to any depth, both report /t/a/x).
    const sorted = listing.names.map((_, index) => index).sort((a, b) => ((listing.names[a] as string) < (listing.names[b] as string) ? -1 : (listing.names[a] as string) > (listing.names[b] as string) ? 1 : 0));
    const order = sorted.filter((index, at) => at === 0 || listing.names[index] !== listing.names[sorted[at - 1] as number]);
    cache.adoptListing(
      folder,
      order.map((index) => listing.names[index] as string),
      order.map((index) => listing.infos[index] as FileInfo),
    );
  }
}
