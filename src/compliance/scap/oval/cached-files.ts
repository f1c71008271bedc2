/**
 * The filesystem as one evaluation session sees it: every stat, folder listing and file read is
 * done once and shared by every object (OpenSCAP walks the tree again for each rule; this is the
 * "collect once" of the SCAP issue); whole trees walked or queried in one request where the target
 * can. Paths are the target's; nothing is read outside the target's view, /proc and /sys are never
 * walked. How file objects name their files from it: file-objects.ts.
 */
import { MAX_CHECKED_FILE_BYTES, TargetReadError, listWithInfo, type FileInfo, type FileType, type FolderListing, type Target } from '../../targets/target.js';
import { OvalCollectionError } from './test-types/test-type.js';
import { canQueryTrees, type TreeQuery } from '../../targets/tree-query.js';
import { canReadMountTable, type MountedFilesystem } from '../../targets/mount-table.js';
import type { WalkedEntry } from '../../targets/tree-walker.js';
import { prefetchTrees, type ListingCache } from './tree-prefetch.js';

/** Most directory entries one session walks; past this the object is an error, never a silent part. */
export const MAX_WALKED_ENTRIES = 2_000_000;
/** Symbolic links to folders followed along one recursion path (Linux stops at 40 in one lookup). */
export const MAX_LINKS_FOLLOWED = 8;
/** Folders no walk enters (a pattern is searched from its literal prefix, as OpenSCAP does, but never into these). */
export const NEVER_WALKED: ReadonlySet<string> = new Set(['/proc', '/sys', '/dev', '/run']);
const NEVER_WALKED_LIST = [...NEVER_WALKED];

/** Most bytes of file content one session keeps for re-reading; past this a file is read again when asked again. */
export const MAX_CACHED_CONTENT_BYTES = 64 * 1024 * 1024;

const TYPE_CODES: readonly FileType[] = ['file', 'directory', 'symlink', 'other'];
export const DIRECTORY = 1;
export const SYMLINK = 2;

/**
 * A folder's entries with their facts, kept compactly (typed arrays, no object per entry): a walk
 * of a host with ~700k files holds tens of megabytes, not the gigabyte an object and a promise per
 * path took. Names are sorted (the view lists them sorted), so a child is found by binary search.
 */
export class FolderEntries {
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
  private readonly folderLists = new Map<string, Promise<unknown>>();
  private mountsRead: Promise<MountedFilesystem[]> | undefined;
  /** Tree queries asked of the target (tree-queries.ts): each answer per root, undefined when the target could not give it whole. */
  private readonly queries = new Map<string, Promise<WalkedEntry[][] | undefined>>();
  private pendingQueries: { key: string; queries: readonly TreeQuery[]; resolve: (answer: WalkedEntry[][] | undefined) => void }[] = [];
  private querySignal: AbortSignal | undefined;
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
  folderList<T>(key: string, compute: () => Promise<T>): Promise<T> {
    return once(this.folderLists, key, compute) as Promise<T>;
  }

  /** The target's mounts (targets/mount-table.ts), read once per scan; none for a target without a mount table (an image: one filesystem). */
  mounts(): Promise<MountedFilesystem[]> {
    return (this.mountsRead ??= canReadMountTable(this.target) ? this.target.mountTable() : Promise.resolve([]));
  }

  /**
   * Adds planned queries (planTreeQueries); they are asked of the target together, in one request
   * (one `find` per tree), at the next flushQueries() or when an answer is first wanted. A key
   * already planned is not planned again.
   */
  addQueries(planned: readonly { key: string; queries: readonly TreeQuery[] }[], signal?: AbortSignal): void {
    for (const entry of planned) {
      if (this.queries.has(entry.key)) continue;
      let resolve: (answer: WalkedEntry[][] | undefined) => void = () => undefined;
      this.queries.set(entry.key, new Promise((done) => (resolve = done)));
      this.pendingQueries.push({ ...entry, resolve });
    }
    this.querySignal = signal;
  }

  /** Asks the target for every planned query not asked yet, in one request that runs beside the scan. */
  flushQueries(): void {
    const batch = this.pendingQueries;
    this.pendingQueries = [];
    if (batch.length === 0) return;
    const target = this.target;
    const signal = this.querySignal;
    const answers = canQueryTrees(target) ? target.queryTrees(batch.flatMap((entry) => entry.queries), NEVER_WALKED_LIST, { maxEntries: this.remainingEntries(), ...(signal ? { signal } : {}) }) : undefined;
    let offset = 0;
    for (const entry of batch) {
      const mine = answers?.slice(offset, offset + entry.queries.length);
      offset += entry.queries.length;
      // A failed answer leaves the object to walk as before, and to report what it finds.
      if (!mine) entry.resolve(undefined);
      else
        void Promise.all(mine).then(
          (found) => entry.resolve(found.every((one): one is WalkedEntry[] => one !== undefined) ? found : undefined),
          () => entry.resolve(undefined),
        );
    }
  }

  /** A planned query's answer: per root, the entries that passed; undefined when none was planned or the target could not answer whole. */
  queried(key: string): Promise<WalkedEntry[][] | undefined> | undefined {
    if (this.pendingQueries.some((entry) => entry.key === key)) this.flushQueries();
    return this.queries.get(key);
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

export function splitPath(filepath: string): [string, string] {
  const slash = filepath.lastIndexOf('/');
  return [slash <= 0 ? '/' : filepath.slice(0, slash), filepath.slice(slash + 1)];
}
