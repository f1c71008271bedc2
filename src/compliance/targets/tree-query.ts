/**
 * Tree queries: the entries below a root that pass a test on their facts and path, found by the
 * target's own walk so that only those come back. A file object over every local filesystem keeps
 * a few files of a host's ~540k (world-writable ones, those without a known owner): walked as a
 * tree, every entry crossed into this process, was parsed, kept as a listing and judged; queried,
 * `find` judges them beside the scan. One request carries every query of a scan, so the tree is
 * read once for all of them.
 *
 * A test is a superset of what its caller keeps: the caller judges every entry that comes back
 * exactly as before (its OVAL filters, patterns); the query only leaves out entries that cannot
 * pass. Targets that cannot query answer undefined and the caller walks as before.
 */
import type { FileInfo, FileType, Target } from './target.js';
import type { WalkedEntry } from './tree-walker.js';

/** A test on one entry: its lstat facts and its path in the target. */
export type EntryTest =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'and' | 'or'; tests: EntryTest[] }
  | { kind: 'not'; test: EntryTest }
  | { kind: 'type'; type: FileType }
  | { kind: 'uid' | 'gid'; ids: number[] }
  /** Every one of these permission bits set. */
  | { kind: 'mode'; bits: number }
  /** The entry's path holds this text. */
  | { kind: 'pathContains'; text: string }
  /** The entry's path starts with this text. */
  | { kind: 'pathStartsWith'; text: string };

export const ALL: EntryTest = { kind: 'all' };
export const NONE: EntryTest = { kind: 'none' };

/** The tests without repeats (`a|a` gives the same literal twice). */
function distinct(tests: readonly EntryTest[]): EntryTest[] {
  const seen = new Set<string>();
  return tests.filter((test) => {
    const key = JSON.stringify(test);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

export function and(tests: readonly EntryTest[]): EntryTest {
  const kept = distinct(tests.filter((test) => test.kind !== 'all'));
  if (kept.some((test) => test.kind === 'none')) return NONE;
  return kept.length === 0 ? ALL : kept.length === 1 ? (kept[0] as EntryTest) : { kind: 'and', tests: kept };
}

export function or(tests: readonly EntryTest[]): EntryTest {
  const kept = distinct(tests.filter((test) => test.kind !== 'none'));
  if (kept.some((test) => test.kind === 'all')) return ALL;
  return kept.length === 0 ? NONE : kept.length === 1 ? (kept[0] as EntryTest) : { kind: 'or', tests: kept };
}

export function not(test: EntryTest): EntryTest {
  if (test.kind === 'all') return NONE;
  if (test.kind === 'none') return ALL;
  if (test.kind === 'not') return test.test;
  return { kind: 'not', test };
}

/** Whether an entry passes the test; the meaning every target's query must keep. */
export function entryPasses(test: EntryTest, path: string, info: FileInfo): boolean {
  switch (test.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'and':
      return test.tests.every((part) => entryPasses(part, path, info));
    case 'or':
      return test.tests.some((part) => entryPasses(part, path, info));
    case 'not':
      return !entryPasses(test.test, path, info);
    case 'type':
      return info.type === test.type;
    case 'uid':
      return test.ids.includes(info.uid);
    case 'gid':
      return test.ids.includes(info.gid);
    case 'mode':
      return (info.mode & test.bits) === test.bits;
    case 'pathContains':
      return path.includes(test.text);
    case 'pathStartsWith':
      return path.startsWith(test.text);
  }
}

/** Whether some entry below `folder` may pass (false only where its path cannot): a walk need not enter a folder no query may pass under. */
export function mayPassBelow(test: EntryTest, folder: string): boolean {
  switch (test.kind) {
    case 'none':
      return false;
    case 'and':
      return test.tests.every((part) => mayPassBelow(part, folder));
    case 'or':
      return test.tests.some((part) => mayPassBelow(part, folder));
    case 'pathStartsWith': {
      const below = folder === '/' ? '/' : `${folder}/`;
      return test.text.startsWith(below) || below.startsWith(test.text);
    }
    default:
      return true;
  }
}

export interface TreeQuery {
  /** An absolute path of the target (its folder is walked; a root link is resolved inside the view as a walk resolves it). */
  root: string;
  /** Deepest entry below the root to report (1: the root's own entries); -1: no limit. */
  maxDepth: number;
  test: EntryTest;
}

export interface TreeQuerier {
  /**
   * The entries strictly below each query's root that pass its test, in no particular order; no
   * link is followed below a root, folders in `prune` are tested but not entered. One answer per
   * query, each settled as soon as it is known; an answer is undefined when it could be
   * incomplete (a folder that could not be read, an entry that vanished, more than `maxEntries`
   * entries passed): the caller walks instead and reports what that walk finds. Undefined as a
   * whole when the target cannot query now.
   */
  queryTrees(queries: readonly TreeQuery[], prune: readonly string[], options: { maxEntries: number; signal?: AbortSignal }): Promise<WalkedEntry[] | undefined>[] | undefined;
}

export function canQueryTrees(target: Target): target is Target & TreeQuerier {
  return typeof (target as Partial<TreeQuerier>).queryTrees === 'function';
}
