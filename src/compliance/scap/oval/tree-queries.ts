/**
 * Which walks of file objects are asked of the target as tree queries (targets/tree-query.ts)
 * instead of walked here, and with which test. Two kinds, both planned before the definitions are
 * evaluated so that one request answers them all (cached-files.ts `planTreeQueries`):
 *
 * - a pattern search from a pattern's literal folder (`^/etc/apt/apt.conf(\.d/.*)?$`, `^\/s?bin|…`
 *   from `/`): entries of the wanted kind whose path holds one of the pattern's required literals;
 * - a file object recursing down without limit and without following links, with filters
 *   (every file without a known owner on every local filesystem): the filters' test on a file's
 *   facts (filter-entry-test.ts), folders only when the file name is nil.
 *
 * Every entry that comes back is judged exactly as a walk's entry would be (the pattern, the file
 * name, the filters); the query only leaves out entries that cannot be kept.
 */
import { ALL, and, not, or, type EntryTest, type TreeQuery } from '../../targets/tree-query.js';
import type { OvalEntity, OvalObject } from './model.js';
import { requiredLiterals, requiredPrefixes } from './required-literals.js';
import type { ItemFilter } from './test-types/test-type.js';

const DIRECTORY: EntryTest = { kind: 'type', type: 'directory' };

/**
 * The test of a pattern search's entries: the texts a match starts with (an anchored pattern) or
 * holds; undefined when the pattern gives neither.
 */
export function patternQueryTest(pattern: string, wantType: 'directory' | 'file'): EntryTest | undefined {
  const type = wantType === 'directory' ? DIRECTORY : not(DIRECTORY);
  const prefixes = requiredPrefixes(pattern);
  if (prefixes && !prefixes.includes('') && !prefixes.includes('/')) return and([type, or(prefixes.map((text) => ({ kind: 'pathStartsWith', text })))]);
  const literals = requiredLiterals(pattern);
  if (!literals) return undefined;
  return and([type, or(literals.map((text) => ({ kind: 'pathContains', text })))]);
}

/** Whether the object's folder items are the folders themselves (file name nil or absent). */
export function foldersOnly(filename: OvalEntity | undefined): boolean {
  return !filename || filename.nil;
}

/**
 * The key of a recursion query for this object from these folders, or undefined when its walk is
 * not one a query answers: a path recursion down without limit over real folders only
 * (`recurse="directories"`), a file name that is nil or judged per name, and filters with a test.
 */
export function recursionQueryKey(object: OvalObject, starts: readonly string[], keep: ItemFilter | undefined): string | undefined {
  const test = keep?.entryTest;
  if (!test || test.kind === 'all' || object.type !== 'file') return undefined;
  if (object.entities.some((entity) => entity.name === 'filepath')) return undefined;
  const { recurse_direction: direction, max_depth: depth, recurse: kind } = object.behaviors;
  if (direction !== 'down' || kind !== 'directories' || Number(depth ?? '-1') >= 0) return undefined;
  const filename = object.entities.find((entity) => entity.name === 'filename');
  // A literal file name is one stat per folder: nothing to gain.
  if (filename && !filename.nil && filename.operation === 'equals' && filename.varRef === undefined) return undefined;
  return JSON.stringify(['recursion', starts, foldersOnly(filename), test]);
}

/** The queries of a recursion: one per folder it starts from. */
export function recursionQueries(object: OvalObject, starts: readonly string[], keep: ItemFilter): TreeQuery[] {
  const test = keep.entryTest ?? ALL;
  const folders = foldersOnly(object.entities.find((entity) => entity.name === 'filename'));
  return starts.map((root) => ({ root, maxDepth: -1, test: folders ? and([DIRECTORY, test]) : test }));
}
