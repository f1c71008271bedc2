/**
 * The filesystem as one evaluation session sees it: every stat, folder listing and file read is
 * done once and shared by every object (OpenSCAP walks the tree again for each rule; this is the
 * "collect once" of the SCAP issue). And the resolution of OVAL file objects — path/filename or
 * filepath, with equals or pattern match, and the recurse behaviors — into the files they name.
 * Paths are the target's; nothing is read outside the target's view, /proc and /sys are never
 * walked (a pattern is searched from its literal prefix, as OpenSCAP does).
 */
import { MAX_CHECKED_FILE_BYTES, TargetReadError, listWithInfo, type FileInfo, type FileType, type FolderListing, type Target } from '../../targets/target.js';
import { OvalCollectionError, entityNamed, type CollectContext } from './test-types/test-type.js';
import type { OvalEntity, OvalObject } from './model.js';
import { mayMatch } from './required-literals.js';
import { prefetchTrees, type ListingCache } from './tree-prefetch.js';

/** Most directory entries one session walks; past this the object is an error, never a silent part. */
export const MAX_WALKED_ENTRIES = 2_000_000;
/** Symbolic links to folders followed along one recursion path (Linux stops at 40 in one lookup). */
export const MAX_LINKS_FOLLOWED = 8;
const NEVER_WALKED = new Set(['/proc', '/sys', '/dev', '/run']);
const NEVER_WALKED_LIST = [...NEVER_WALKED];
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

/** Most bytes of file content one session keeps for re-reading; past this a file is read again when asked again. */
export const MAX_CACHED_CONTENT_BYTES = 64 * 1024 * 1024;

const TYPE_CODES: readonly FileType[] = ['file', 'directory', 'symlink', 'other'];
const DIRECTORY = 1;
const SYMLINK = 2;

/**
 * A folder's entries with their facts, kept compactly (typed arrays, no object per entry): a walk
 * of a host with ~700k files holds tens of megabytes, not the gigabyte an object and a promise per
 * path took. Names are sorted (the view lists them sorted), so a child is found by binary search.
 */
class FolderEntries {
  readonly types: Uint8Array;
  readonly modes: Uint16Array;
  readonly uids: Uint32Array;
  readonly gids: Uint32Array;
  readonly sizes: Float64Array;
  /** 0: the entry vanished between the listing and its stat. */
  readonly present: Uint8Array;

  constructor(
    readonly names: readonly string[],
    infos: readonly (FileInfo | undefined)[],
  ) {
    const count = names.length;
    this.types = new Uint8Array(count);
    this.modes = new Uint16Array(count);
    this.uids = new Uint32Array(count);
    this.gids = new Uint32Array(count);
    this.sizes = new Float64Array(count);
    this.present = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const info = infos[i];
      if (!info) continue;
      this.present[i] = 1;
      this.types[i] = TYPE_CODES.indexOf(info.type);
      this.modes[i] = info.mode;
      this.uids[i] = info.uid;
      this.gids[i] = info.gid;
      this.sizes[i] = info.size;
    }
  }

  /** The entry's type code (TYPE_CODES), or -1 when it vanished between the listing and its stat. */
  typeAt(index: number): number {
    return this.present[index] === 1 ? (this.types[index] as number) : -1;
  }

  info(index: number): FileInfo | undefined {
    if (this.present[index] !== 1) return undefined;
    return { type: TYPE_CODES[this.types[index] as number] as FileType, mode: this.modes[index] as number, uid: this.uids[index] as number, gid: this.gids[index] as number, size: this.sizes[index] as number };
  }

  indexOf(name: string): number {
    let low = 0;
    let high = this.names.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.names[middle] as string;
      if (candidate === name) return middle;
      if (candidate < name) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}

/**
 * The files one scan reads, shared by every OVAL session of the scan (the CPE checks' document and
 * the rules' document): one walk answers every object that walks the same folders.
 */
export class CachedFiles implements ListingCache {
  private readonly stats = new Map<string, Promise<FileInfo | undefined>>();
  private readonly folders = new Map<string, Promise<FolderEntries | undefined>>();
  /** The folders whose listing has arrived (null: not a folder), for the synchronous paths of a walk. */
  private readonly settledFolders = new Map<string, FolderEntries | null>();
  private readonly contents = new Map<string, Promise<Buffer>>();
  private readonly patternWalks = new Map<string, Promise<string[]>>();
  private readonly folderLists = new Map<string, Promise<string[]>>();
  private contentBytes = 0;
  private walked = 0;
  /** Folders listed from the target so far, one by one or by a tree walk (each at most once per scan). */
  folderReads = 0;

  constructor(readonly target: Target) {}

  /** A folder's listing that a tree walk (tree-prefetch.ts) made: kept as if listed and stat'ed here. */
  adoptListing(folder: string, names: string[], infos: FileInfo[]): void {
    if (this.folders.has(folder)) return;
    this.folderReads++;
    this.walked += names.length;
    if (this.walked > MAX_WALKED_ENTRIES) throw new OvalCollectionError(`more than ${MAX_WALKED_ENTRIES} directory entries walked`);
    const entries = new FolderEntries(names, infos);
    this.settledFolders.set(folder, entries);
    this.folders.set(folder, Promise.resolve(entries));
  }

  adoptStat(path: string, info: FileInfo): void {
    if (!this.stats.has(path)) this.stats.set(path, Promise.resolve(info));
  }

  adoptNotFolder(path: string): void {
    if (this.folders.has(path)) return;
    this.settledFolders.set(path, null);
    this.folders.set(path, Promise.resolve(undefined));
  }

  remainingEntries(): number {
    return Math.max(0, MAX_WALKED_ENTRIES - this.walked);
  }

  /** Fetches whole trees in one request where the target can walk them (SSH); elsewhere folders are listed as asked. */
  prefetch(roots: readonly { root: string; maxDepth: number }[], signal?: AbortSignal): Promise<void> {
    return prefetchTrees(this, roots, NEVER_WALKED_LIST, signal);
  }

  /** A path's facts (lstat). Answered from its folder's entries when a walk has listed them. */
  async stat(path: string): Promise<FileInfo | undefined> {
    const cached = this.stats.get(path);
    if (cached) return cached;
    const [folder, name] = splitPath(path);
    const entries = path === '/' ? undefined : this.folders.get(folder);
    if (entries) {
      const listed = await entries.catch(() => undefined);
      if (listed) {
        const index = listed.indexOf(name);
        return index >= 0 ? listed.info(index) : undefined;
      }
    }
    const value = this.target.stat(path);
    this.stats.set(path, value);
    return value;
  }

  /** A folder's names, sorted; undefined when it is not a folder that exists. */
  async listDir(path: string): Promise<string[] | undefined> {
    return (await this.entries(path))?.names as string[] | undefined;
  }

  /** A folder's entries with their facts, listed and stat'ed once for the whole scan. */
  entries(path: string): Promise<FolderEntries | undefined> {
    let value = this.folders.get(path);
    if (!value) {
      value = this.list(path).then((listing) => {
        if (!listing) {
          this.settledFolders.set(path, null);
          return undefined;
        }
        this.walked += listing.names.length;
        if (this.walked > MAX_WALKED_ENTRIES) throw new OvalCollectionError(`more than ${MAX_WALKED_ENTRIES} directory entries walked`);
        const entries = new FolderEntries(listing.names, listing.infos);
        this.settledFolders.set(path, entries);
        return entries;
      });
      this.folders.set(path, value);
    }
    return value;
  }

  /** entries() without a promise when the listing has already arrived (a walk's folders): a walk of / visits ~66k. */
  entriesNow(path: string): FolderEntries | undefined | Promise<FolderEntries | undefined> {
    const settled = this.settledFolders.get(path);
    if (settled !== undefined) return settled ?? undefined;
    return this.entries(path);
  }

  /** stat() without a promise when the path's folder has been listed (or the path itself stat'ed before the walk, asynchronously). */
  statNow(path: string): FileInfo | undefined | Promise<FileInfo | undefined> {
    if (path !== '/' && !this.stats.has(path)) {
      const [folder, name] = splitPath(path);
      const listed = this.settledFolders.get(folder);
      if (listed) {
        const index = listed.indexOf(name);
        return index >= 0 ? listed.info(index) : undefined;
      }
    }
    return this.stat(path);
  }

  /** A folder's names and facts: in one call when the target can (resolving the folder once), else a stat per name. */
  private list(path: string): Promise<FolderListing | undefined> {
    this.folderReads++;
    return listWithInfo(this.target, path);
  }

  /** The folders a recursion reaches, in path order, computed once per starting folders and behaviors for every object of the scan. */
  folderList(key: string, compute: () => Promise<string[]>): Promise<string[]> {
    return once(this.folderLists, key, compute);
  }

  /** The paths a pattern search found, computed once per pattern for every object of the scan. */
  patternWalk(key: string, compute: () => Promise<string[]>): Promise<string[]> {
    return once(this.patternWalks, key, compute);
  }

  readFile(path: string): Promise<Buffer> {
    let value = this.contents.get(path);
    if (!value) {
      value = this.target.readFile(path, MAX_CHECKED_FILE_BYTES);
      if (this.contentBytes < MAX_CACHED_CONTENT_BYTES) {
        this.contents.set(path, value);
        value.then(
          (bytes) => void (this.contentBytes += bytes.length),
          () => undefined,
        );
      }
    }
    return value;
  }

  /** A file's text, or undefined when it vanished or is not a regular file. */
  async readText(path: string): Promise<string | undefined> {
    try {
      return (await this.readFile(path)).toString('utf8');
    } catch (error) {
      if (error instanceof TargetReadError && (error.failure === 'not-found' || error.failure === 'not-a-file')) return undefined;
      throw error;
    }
  }
}

/** The value under `key`, computed the first time it is asked for. */
function once<T>(values: Map<string, Promise<T>>, key: string, compute: () => Promise<T>): Promise<T> {
  let value = values.get(key);
  if (!value) {
    value = compute();
    values.set(key, value);
  }
  return value;
}

export function joinPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

function splitPath(filepath: string): [string, string] {
  const slash = filepath.lastIndexOf('/');
  return [slash <= 0 ? '/' : filepath.slice(0, slash), filepath.slice(slash + 1)];
}

/** The folder a pattern's matches must all lie under: its literal prefix up to the last slash. */
export function literalFolder(pattern: string): string {
  if (!pattern.startsWith('^')) return '/';
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
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
  return slash <= 0 ? '/' : prefix.slice(0, slash);
}

/**
 * Every path under `start` (itself included) for which `keep` holds; symbolic links are not
 * followed. Each folder's entries are judged from its listing, without a lookup per path.
 */
async function walk(files: CachedFiles, start: string, wantType: 'directory' | 'file', keep: (path: string) => boolean, signal?: AbortSignal): Promise<string[]> {
  await files.prefetch([{ root: start, maxDepth: -1 }], signal);
  const found: string[] = [];
  const startInfo = await files.stat(start);
  if (!startInfo) return found;
  const wantFolders = wantType === 'directory';
  if (startInfo.type === 'directory' === wantFolders && keep(start)) found.push(start);
  if (startInfo.type !== 'directory') return found;
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

async function candidates(entity: OvalEntity, context: CollectContext, wantType: 'directory' | 'file'): Promise<string[]> {
  const values = await context.entityValues(entity);
  if (entity.operation === 'equals') return [...new Set(values)];
  if (entity.operation === 'pattern match') {
    const found = new Set<string>();
    for (const pattern of values) {
      const regex = context.pcre.compile(pattern);
      // Most paths of a walk lack the pattern's literal text: only the rest go to the PCRE engine.
      const possible = mayMatch(pattern);
      const keep = (path: string): boolean => possible(path) && regex.test(path);
      const paths = await context.files.patternWalk(`${wantType}:${pattern}`, () => walk(context.files, literalFolder(pattern), wantType, keep, context.signal));
      for (const path of paths) found.add(path);
    }
    return [...found].sort();
  }
  throw new OvalCollectionError(`${entity.name} with operation "${entity.operation}" is not supported for file objects`);
}

/** Folders below (recurse_direction down) or above (up) a folder, to max_depth (-1: unlimited). */
async function recurse(folder: string, object: OvalObject, context: CollectContext): Promise<string[]> {
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
        queue.push([child, depth + 1, viaLink ? links + 1 : links]);
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
export async function forEachResolvedFile(object: OvalObject, context: CollectContext, visit: (found: ResolvedFile) => void | Promise<void>): Promise<void> {
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
  const starts = await candidates(pathEntity, context, 'directory');
  const { recurse_direction: direction, max_depth: depth, recurse: kind } = object.behaviors;
  // Objects over the same folders with the same behaviors (eight over every local mount point in
  // the Debian content) share one recursion and its ordered folder list.
  const key = JSON.stringify([starts, direction ?? '', depth ?? '', kind ?? '']);
  const folders = await context.files.folderList(key, async () => {
    const found = new Set<string>();
    for (const start of starts) {
      const info = await context.files.stat(start);
      if (!info) continue;
      for (const folder of await recurse(start, object, context)) found.add(folder);
    }
    return [...found].sort();
  });
  const possible = filename && filename.operation === 'pattern match' && !filename.varRef ? mayMatch(filename.value) : () => true;
  const anyName = filename !== undefined && filename.operation === 'pattern match' && !filename.varRef && ANY_NAME.has(filename.value);
  const nameMatches = filename && !filename.nil && (filename.operation !== 'equals' || filename.varRef) ? await context.entityMatcher(filename) : undefined;
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
      // `.*` matches every name without a line break; the PCRE engine judges only the rest.
      const matches = anyName && !name.includes('\n') ? true : possible(name) && nameMatches(name);
      if (!matches) continue;
      const pending = visit(new ListedFile(folder, name, entries, index));
      if (pending) await pending;
    }
  }
}
