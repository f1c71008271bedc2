/**
 * The resolution of OVAL file objects into the files they name — path/filename or filepath, with
 * equals or pattern match, and the recurse behaviors — over the session's cached files
 * (cached-files.ts); and, before a run evaluates anything, the planning of the walks a target can
 * answer as tree queries (tree-queries.ts) so that one request answers them all.
 */
import type { FileInfo } from '../../targets/target.js';
import { canQueryTrees, type TreeQuery } from '../../targets/tree-query.js';
import type { WalkedEntry } from '../../targets/tree-walker.js';
import { DIRECTORY, MAX_LINKS_FOLLOWED, NEVER_WALKED, SYMLINK, joinPath, splitPath, type CachedFiles, type FolderEntries } from './cached-files.js';
import type { OvalEntity, OvalObject } from './model.js';
import { mayMatch } from './required-literals.js';
import { OvalCollectionError, entityNamed, type CollectContext, type ItemFilter } from './test-types/test-type.js';
import { NO_BOUNDARY, belowNotEntered, recurseFileSystem, walkBoundary, type WalkBoundary } from './filesystem-boundaries.js';
import { foldersOnly, patternQueryTest, recursionQueries, recursionQueryKey } from './tree-queries.js';

/** Filename patterns that match every name without a line break. */
const ANY_NAME = new Set(['.*', '^.*$', '^.*', '.*$']);

export interface ResolvedFile {
  readonly filepath: string;
  readonly path: string;
  /** Undefined for a directory item (filename xsi:nil). */
  readonly filename?: string;
  readonly info: FileInfo;
}

/**
 * A file found in a folder's listing, its path and facts made only when asked: a file object over
 * / judges ~650k of them and its filters usually read a field or two.
 */
class ListedFile implements ResolvedFile {
  private madePath: string | undefined;
  private madeInfo: FileInfo | undefined;

  constructor(
    readonly path: string,
    readonly filename: string,
    private readonly entries: FolderEntries,
    private readonly index: number,
  ) {}

  get filepath(): string {
    return (this.madePath ??= joinPath(this.path, this.filename));
  }

  get info(): FileInfo {
    return (this.madeInfo ??= this.entries.info(this.index) as FileInfo);
  }
}

/**
 * The folder a pattern is searched from: its literal prefix up to the last slash. As OpenSCAP
 * searches, anchored or not: `/proc/sys/kernel/(osrelease|arch)` is looked for below
 * /proc/sys/kernel, not as a tail of every path of the tree (a pattern that does not begin with a
 * path is searched from /).
 */
export function literalFolder(pattern: string): string {
  let prefix = '';
  for (let i = pattern.startsWith('^') ? 1 : 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || /[0-9A-Za-z]/.test(next)) break;
      prefix += next;
      i++;
    } else if ('.[]()*+?{}|^$'.includes(char)) {
      if ('*?{'.includes(char)) prefix = prefix.slice(0, -1);
      break;
    } else prefix += char;
  }
  const slash = prefix.lastIndexOf('/');
  return slash <= 0 || !prefix.startsWith('/') ? '/' : prefix.slice(0, slash);
}

/**
 * Every path under `start` (itself included) for which `keep` holds; symbolic links are not
 * followed. Each folder's entries are judged from its listing, without a lookup per path, or,
 * where the search was planned as a tree query, each entry of the answer.
 */
async function walk(files: CachedFiles, start: string, wantType: 'directory' | 'file', keep: (path: string) => boolean, signal?: AbortSignal, queryKey?: string): Promise<string[]> {
  // A planned query (planTreeQueries) answers with the entries that may match; without one, or
  // when the target could not answer whole, the tree is walked.
  const planned = queryKey === undefined ? undefined : files.queried(queryKey);
  const answer = planned ? await planned : undefined;
  if (!answer) await files.prefetch([{ root: start, maxDepth: -1 }], signal);
  const found: string[] = [];
  const startInfo = await files.stat(start);
  if (!startInfo) return found;
  const wantFolders = wantType === 'directory';
  if (startInfo.type === 'directory' === wantFolders && keep(start)) found.push(start);
  if (startInfo.type !== 'directory') return found;
  if (answer) {
    for (const entry of answer[0] ?? []) if (keep(entry.path)) found.push(entry.path);
    return found;
  }
  const stack = [start];
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const folder = stack.pop() as string;
    const listed = files.entriesNow(folder);
    const entries = listed instanceof Promise ? await listed : listed;
    if (!entries) continue;
    const names = entries.names;
    for (let index = 0; index < names.length; index++) {
      const type = entries.typeAt(index);
      if (type < 0) continue;
      const isFolder = type === DIRECTORY;
      // A path is made only for an entry of the wanted type, or a folder to walk on.
      if (isFolder !== wantFolders && !isFolder) continue;
      const path = joinPath(folder, names[index] as string);
      if (isFolder === wantFolders && keep(path)) found.push(path);
      if (isFolder && !NEVER_WALKED.has(path)) stack.push(path);
    }
  }
  return found;
}

/**
 * The paths an entity names. `object`: the file object whose path entity it is, when its
 * recurse_file_system applies to the search (a pattern searched from its literal folder does not
 * enter, nor match, a folder the behavior keeps it out of, as OpenSCAP's search).
 */
async function candidates(entity: OvalEntity, context: CollectContext, wantType: 'directory' | 'file', object?: OvalObject): Promise<string[]> {
  const values = await context.entityValues(entity);
  if (entity.operation === 'equals') return [...new Set(values)];
  if (entity.operation === 'pattern match') {
    const found = new Set<string>();
    for (const pattern of values) {
      const regex = context.pcre.compile(pattern);
      // Most paths of a walk lack the pattern's literal text: only the rest go to the PCRE engine.
      const possible = mayMatch(pattern);
      const keep = (path: string): boolean => possible(path) && regex.test(path);
      const key = `${wantType}:${pattern}`;
      const paths = await context.files.patternWalk(key, () => walk(context.files, literalFolder(pattern), wantType, keep, context.signal, key));
      const boundary = object ? await walkBoundary(object, literalFolder(pattern), context.files) : NO_BOUNDARY;
      if (boundary.skipsStart) continue;
      for (const path of paths) if (!boundary.notEntered.has(path) && !belowNotEntered(path, boundary)) found.add(path);
    }
    return [...found].sort();
  }
  throw new OvalCollectionError(`${entity.name} with operation "${entity.operation}" is not supported for file objects`);
}

/**
 * Folders below (recurse_direction down) or above (up) a folder, to max_depth (-1: unlimited);
 * below, a folder the boundary keeps the walk out of is reached but not entered.
 */
async function recurse(folder: string, object: OvalObject, context: CollectContext, boundary: WalkBoundary): Promise<string[]> {
  const direction = object.behaviors.recurse_direction ?? 'none';
  const maxDepth = Number(object.behaviors.max_depth ?? '-1');
  const recurseKind = object.behaviors.recurse ?? 'symlinks and directories';
  const folders = [folder];
  if (direction === 'none' || maxDepth === 0) return folders;
  if (direction === 'up') {
    let current = folder;
    for (let depth = 1; current !== '/' && (maxDepth < 0 || depth <= maxDepth); depth++) {
      current = splitPath(current)[0];
      folders.push(current);
    }
    return folders;
  }
  // Each folder to max_depth, and its entries: one level deeper.
  await context.files.prefetch([{ root: folder, maxDepth: maxDepth < 0 ? -1 : maxDepth + 1 }], context.signal);
  // [folder, depth, links followed on the way]: a link loop (a/b -> ..) makes new paths forever,
  // so no more than MAX_LINKS_FOLLOWED links are followed along one path.
  const queue: [string, number, number][] = [[folder, 0, 0]];
  const seen = new Set([folder]);
  for (let next = 0; next < queue.length; next++) {
    if (next % 256 === 0) context.signal?.throwIfAborted();
    const [current, depth, links] = queue[next] as [string, number, number];
    if (maxDepth >= 0 && depth >= maxDepth) continue;
    const listed = context.files.entriesNow(current);
    const entries = listed instanceof Promise ? await listed : listed;
    if (!entries) continue;
    const names = entries.names;
    for (let index = 0; index < names.length; index++) {
      const type = entries.typeAt(index);
      // Only a folder or a link may lead on: no path is made for the other entries.
      if (type !== DIRECTORY && type !== SYMLINK) continue;
      const child = joinPath(current, names[index] as string);
      let isFolder = type === DIRECTORY && recurseKind !== 'symlinks';
      const viaLink = type === SYMLINK;
      if (viaLink && recurseKind !== 'directories' && links < MAX_LINKS_FOLLOWED) {
        // Follow a link to a folder only inside the view; the view refuses links out of the root.
        isFolder = (await context.files.listDir(child).catch(() => undefined)) !== undefined;
      }
      if (isFolder && !seen.has(child) && !NEVER_WALKED.has(child)) {
        seen.add(child);
        folders.push(child);
        if (!boundary.notEntered.has(child)) queue.push([child, depth + 1, viaLink ? links + 1 : links]);
      }
    }
  }
  return folders;
}

/** The files (or, with filename nil, folders) an OVAL file-style object names, each once, in path order. */
export async function resolveFileObject(object: OvalObject, context: CollectContext): Promise<ResolvedFile[]> {
  const resolved: ResolvedFile[] = [];
  await forEachResolvedFile(object, context, (found) => void resolved.push(found));
  return resolved;
}

/**
 * Hands each file the object names to `visit` as it is found, in path order, holding none of them:
 * a file object recursing from / over a host's ~700k files keeps only what its visitor keeps.
 */
export async function forEachResolvedFile(object: OvalObject, context: CollectContext, visit: (found: ResolvedFile) => void | Promise<void>, keep?: ItemFilter): Promise<void> {
  const filepath = entityNamed(object, 'filepath');
  if (filepath) {
    for (const path of await candidates(filepath, context, 'file')) {
      const info = await context.files.stat(path);
      const [folder, name] = splitPath(path);
      if (info) await visit({ filepath: path, path: folder, filename: name, info });
    }
    return;
  }
  const pathEntity = entityNamed(object, 'path');
  if (!pathEntity) throw new OvalCollectionError(`${object.id}: neither filepath nor path`);
  const filename = entityNamed(object, 'filename');
  const starts = await candidates(pathEntity, context, 'directory', object);
  const queryKey = recursionQueryKey(object, starts, keep);
  const planned = queryKey === undefined ? undefined : context.files.queried(queryKey);
  const answer = planned ? await planned : undefined;
  if (answer) return visitAnswer(object, context, starts, answer, visit);
  const { recurse_direction: direction, max_depth: depth, recurse: kind } = object.behaviors;
  // Objects over the same folders with the same behaviors (eight over every local mount point in
  // the Debian content) share one recursion and its ordered folder list.
  const key = JSON.stringify([starts, direction ?? '', depth ?? '', kind ?? '', recurseFileSystem(object)]);
  const { folders, entered } = await context.files.folderList(key, async () => {
    const found = new Set<string>();
    // A folder reached on a filesystem the walk does not enter is an item itself (file name
    // nil) but its files are not: unless another start's walk enters it.
    const entered = new Set<string>();
    for (const start of starts) {
      const info = await context.files.stat(start);
      if (!info) continue;
      // A start outside the boundary gives nothing whatever the direction; below a start, only a
      // downward walk has folders not to enter.
      const boundary = await walkBoundary(object, start, context.files);
      if (boundary.skipsStart) continue;
      for (const folder of await recurse(start, object, context, direction === 'down' ? boundary : NO_BOUNDARY)) {
        found.add(folder);
        if (!boundary.notEntered.has(folder)) entered.add(folder);
      }
    }
    return { folders: [...found].sort(), entered };
  });
  const nameMatches = await nameMatcher(filename, context);
  let visited = 0;
  for (const folder of folders) {
    if (++visited % 256 === 0) context.signal?.throwIfAborted();
    if (!filename || filename.nil) {
      const stat = context.files.statNow(folder);
      const info = stat instanceof Promise ? await stat : stat;
      if (!info) continue;
      const pending = visit({ filepath: folder, path: folder, info });
      if (pending) await pending;
      continue;
    }
    if (!entered.has(folder)) continue;
    if (!nameMatches) {
      const path = joinPath(folder, filename.value);
      const info = await context.files.stat(path);
      if (info) await visit({ filepath: path, path: folder, filename: filename.value, info });
      continue;
    }
    const listed = context.files.entriesNow(folder);
    const entries = listed instanceof Promise ? await listed : listed;
    if (!entries) continue;
    // The hot loop of a walk of / (~650k entries per object): synchronous unless the visitor is not.
    const names = entries.names;
    for (let index = 0; index < names.length; index++) {
      if (entries.typeAt(index) < 0) continue;
      const name = names[index] as string;
      if (!nameMatches(name)) continue;
      const pending = visit(new ListedFile(folder, name, entries, index));
      if (pending) await pending;
    }
  }
}

/**
 * The object's file name entity as a test on names, or undefined when it has none to judge per
 * name (nil, absent, or a literal name: one stat per folder).
 */
async function nameMatcher(filename: OvalEntity | undefined, context: CollectContext): Promise<((name: string) => boolean) | undefined> {
  if (!filename || filename.nil || (filename.operation === 'equals' && !filename.varRef)) return undefined;
  const possible = filename.operation === 'pattern match' && !filename.varRef ? mayMatch(filename.value) : () => true;
  const anyName = filename.operation === 'pattern match' && !filename.varRef && ANY_NAME.has(filename.value);
  const matches = await context.entityMatcher(filename);
  // `.*` matches every name without a line break; the PCRE engine judges only the rest.
  return (name) => (anyName && !name.includes('\n') ? true : possible(name) && matches(name));
}

function compareFolderThenName(a: ResolvedFile, b: ResolvedFile): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const [x, y] = [a.filename ?? '', b.filename ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A recursion's items from its query's answer, as its walk hands them: each once, folders in path order, names in order. */
async function visitAnswer(object: OvalObject, context: CollectContext, starts: readonly string[], answer: readonly WalkedEntry[][], visit: (found: ResolvedFile) => void | Promise<void>): Promise<void> {
  const filename = entityNamed(object, 'filename');
  const items = new Map<string, ResolvedFile>();
  // The query walked every filesystem: each start's entries are judged by its own boundary.
  const boundaries = await Promise.all(starts.map((start) => walkBoundary(object, start, context.files)));
  const kept = (index: number): WalkedEntry[] => {
    const boundary = boundaries[index] as WalkBoundary;
    const entries = answer[index] ?? [];
    if (boundary.skipsStart) return [];
    return boundary.notEntered.size === 0 ? entries : entries.filter((entry) => !belowNotEntered(entry.path, boundary));
  };
  if (foldersOnly(filename)) {
    // The starting folders are items themselves; below them, every folder the walk would enter.
    for (const [index, start] of starts.entries()) {
      const info = await context.files.stat(start);
      if (info && !(boundaries[index] as WalkBoundary).skipsStart) items.set(start, { filepath: start, path: start, info });
    }
    for (const index of starts.keys()) for (const { path, info } of kept(index)) if (!NEVER_WALKED.has(path)) items.set(path, { filepath: path, path, info });
  } else {
    const nameMatches = await nameMatcher(filename, context);
    for (const index of starts.keys()) {
      for (const { path, info } of kept(index)) {
        const [folder, name] = splitPath(path);
        if (!nameMatches || nameMatches(name)) items.set(path, { filepath: path, path: folder, filename: name, info });
      }
    }
  }
  let visited = 0;
  for (const item of [...items.values()].sort(compareFolderThenName)) {
    if (++visited % 256 === 0) context.signal?.throwIfAborted();
    const pending = visit(item);
    if (pending) await pending;
  }
}

/** The object types whose files are named by path and file name entities (resolveFileObject). */
const FILE_OBJECT_TYPES = new Set(['file', 'textfilecontent54', 'filehash58', 'xmlfilecontent']);

/**
 * Plans the tree queries (tree-queries.ts) of the objects a run will collect; they are asked of
 * the target together (CachedFiles.flushQueries). Answers the ids of the objects whose walk a
 * query answers: their trees need no walk. Nothing is planned for a target that cannot query; an
 * object whose plan fails (a variable without values) walks when collected, and reports then.
 */
export async function planTreeQueries(objects: readonly OvalObject[], context: CollectContext, filterOf: (object: OvalObject) => Promise<ItemFilter | undefined>): Promise<Set<string>> {
  const answered = new Set<string>();
  if (!canQueryTrees(context.target)) return answered;
  const planned: { key: string; queries: TreeQuery[] }[] = [];
  for (const object of objects) {
    if (!FILE_OBJECT_TYPES.has(object.type)) continue;
    const filepath = entityNamed(object, 'filepath');
    const entity = filepath ?? entityNamed(object, 'path');
    if (!entity || entity.nil) continue;
    if (entity.operation === 'pattern match' && entity.varRef === undefined) {
      // A pattern search (candidates, walk): the same key, so whichever object asks first gets the answer.
      const wantType = filepath ? 'file' : 'directory';
      const test = patternQueryTest(entity.value, wantType);
      const root = literalFolder(entity.value);
      if (!test || (await context.files.stat(root).catch(() => undefined))?.type !== 'directory') continue;
      planned.push({ key: `${wantType}:${entity.value}`, queries: [{ root, maxDepth: -1, test }] });
      answered.add(object.id);
    } else if (!filepath && entity.operation === 'equals' && object.filters.length > 0) {
      const recursion = await plannedRecursion(object, entity, context, filterOf);
      if (!recursion) continue;
      planned.push(recursion);
      answered.add(object.id);
    }
  }
  context.files.addQueries(planned, context.signal);
  return answered;
}

/** A recursion's query from its folders (forEachResolvedFile asks with the same key), or undefined when a query does not answer it. */
async function plannedRecursion(object: OvalObject, pathEntity: OvalEntity, context: CollectContext, filterOf: (object: OvalObject) => Promise<ItemFilter | undefined>): Promise<{ key: string; queries: TreeQuery[] } | undefined> {
  try {
    const starts = await candidates(pathEntity, context, 'directory', object);
    const keep = await filterOf(object);
    const key = recursionQueryKey(object, starts, keep);
    if (key === undefined || !keep) return undefined;
    // A start that is a file is an item of its own: left to the walk. A link to a folder is
    // walked as the folder, under the link's path, by the query as by the walk.
    for (const start of starts) {
      const info = await context.files.stat(start);
      if (info && info.type !== 'directory' && !(info.type === 'symlink' && (await context.files.listDir(start).catch(() => undefined)) !== undefined)) return undefined;
    }
    return { key, queries: recursionQueries(object, starts, keep) };
  } catch {
    // Collected later, the object reports why.
    return undefined;
  }
}
