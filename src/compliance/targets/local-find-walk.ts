/**
 * The tree walk of a target backed by a folder of this machine (`local`, `dir:`) through GNU
 * `find`, run as a child process beside the scan: `find` reads each folder once and stats its
 * entries relative to it (`fstatat`), where Node can only `lstat` a whole path, which the kernel
 * resolves again component by component (on a host of ~540k entries: ~2 s of system time for
 * `find`, ~6 s for the in-process walk). The walk's CPU then runs on another core while this
 * process parses the records. Without a usable `find` (none installed, or one without `-printf`)
 * the caller walks in-process (local-tree-walk.ts), which reports the same.
 *
 * Never leaves the root: `find -P` follows no link; each root is resolved inside the view first
 * (a `/lib -> usr/lib` root is walked as the folder a listing through the view reads), and paths
 * come back relative to it (`%P`), so they are the view's. Records end with a NUL, so any byte of a
 * name survives. A folder `find` could not read is not counted as listed: the caller lists it
 * through the view, which reports the failure.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { infoOf } from '../../image/fs/directory-fs.js';
import { availableParallelism } from 'node:os';
import { TargetReadError, type FileInfo } from './target.js';
import { startLocalRoot, type LocalTreeView } from './local-tree-walk.js';
// find's messages are the same here as on an SSH target's host.
import { unreadableFolders } from './ssh-tree-walk.js';
import type { TreeWalkResult, TreeWalkRoot, WalkedEntry } from './tree-walker.js';

/** type, permission bits (octal, with suid/sgid/sticky), uid, gid, size, mtime, path below the root. */
export const FORMAT = '%y %m %U %G %s %T@ %P\\0';
const TYPES: Record<string, FileInfo['type']> = { f: 'file', d: 'directory', l: 'symlink' };

/**
 * Starts `find` in the C locale, as commands on an SSH target run: its messages are the English
 * ones unreadableFolders reads, and `-path` matches bytes (in a UTF-8 locale glibc's fnmatch
 * converts every path to wide characters first: a third of the time of a query run over a host).
 */
export function spawnFind(args: readonly string[]): ChildProcessByStdio<null, Readable, Readable> {
  return spawn('find', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
}

/** Why a walk through `find` could not be used at all: the caller walks in-process instead. */
export class FindUnavailableError extends Error {}

let usable: boolean | undefined;

/** Whether this machine's `find` can walk (GNU findutils: `-printf`); asked once per process. */
export function findUsable(): boolean {
  if (usable === undefined) {
    const probe = spawnSync('find', ['/', '-maxdepth', '0', '-printf', '%y\\0'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, LC_ALL: 'C' } });
    usable = probe.status === 0 && probe.stdout === 'd\0';
  }
  return usable;
}

export function isFolder(hostPath: string): boolean {
  try {
    return statSync(hostPath).isDirectory();
  } catch {
    return false;
  }
}

export function childOf(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** A path as a `-path` pattern matching only itself (its glob characters escaped). */
export function literalGlob(path: string): string {
  return path.replace(/[*?[\]\\]/g, '\\$&');
}

/** The prune paths strictly below `root`, as `-path` patterns of host paths under `hostRoot`. */
export function hostPrunes(root: string, hostRoot: string, prune: readonly string[]): string[] {
  const below = root === '/' ? '/' : `${root}/`;
  return prune.filter((path) => path !== root && path.startsWith(below)).map((path) => literalGlob(childOf(hostRoot, path.slice(below.length))));
}

/** The find arguments for one root: its entries below it, to the depth asked, pruned folders reported but not entered. */
function findArguments(hostRoot: string, maxDepth: number, pruned: readonly string[]): string[] {
  const depth = maxDepth >= 0 ? ['-maxdepth', String(maxDepth)] : [];
  const pruning = pruned.length > 0 ? ['(', ...pruned.flatMap((path, index) => [...(index > 0 ? ['-o'] : []), '-path', path]), ')', '-prune', '-printf', FORMAT, '-o'] : [];
  return ['-P', hostRoot, '-mindepth', '1', ...depth, ...pruning, '-printf', FORMAT];
}

/**
 * Parses NUL-ended records chunk by chunk. Hand-written rather than a regular expression per
 * record: six space-separated numbers and a path, ~540k records on a host, parsed while `find` runs.
 */
export class RecordParser {
  private pending: Buffer | undefined;
  malformed = 0;

  /** `tagged`: each record starts with a number and a space (which query of a run it answers). */
  constructor(
    private readonly onRecord: (type: string, info: FileInfo, relative: string, tag: number) => void,
    private readonly tagged = false,
  ) {}

  push(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(0, start); end !== -1; end = data.indexOf(0, start)) {
      this.record(data.toString('utf8', start, end));
      start = end + 1;
    }
    this.pending = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }

  get leftover(): number {
    return this.pending?.length ?? 0;
  }

  private record(record: string): void {
    let tag = 0;
    let raw = record;
    if (this.tagged) {
      const space = record.indexOf(' ');
      tag = space > 0 ? Number(record.slice(0, space)) : NaN;
      if (!Number.isInteger(tag)) {
        this.malformed++;
        return;
      }
      raw = record.slice(space + 1);
    }
    const spaces: number[] = [];
    for (let at = raw.indexOf(' '); at !== -1 && spaces.length < 6; at = raw.indexOf(' ', at + 1)) spaces.push(at);
    const relative = raw.slice((spaces[5] ?? -1) + 1);
    if (spaces.length < 6 || relative === '') {
      this.malformed++;
      return;
    }
    const [a, b, c, d, e, f] = spaces as [number, number, number, number, number, number];
    const type = raw.slice(0, a);
    const mode = parseInt(raw.slice(a + 1, b), 8);
    const uid = Number(raw.slice(b + 1, c));
    const gid = Number(raw.slice(c + 1, d));
    const size = Number(raw.slice(d + 1, e));
    const mtime = Math.floor(Number(raw.slice(e + 1, f)));
    if (![mode, uid, gid, size, mtime].every(Number.isFinite)) {
      this.malformed++;
      return;
    }
    this.onRecord(type, { type: TYPES[type] ?? 'other', mode: mode & 0o7777, uid, gid, size, mtime }, relative, tag);
  }
}

/** One `find` run: the entries below `view` (host folder `host`), `view` being `depth` below its walk's root. */
interface FindJob {
  view: string;
  host: string;
  /** Deepest entry to report, below `view` (-1: no limit). */
  maxDepth: number;
  depth: number;
  /** Whether `view` counts as listed when the run reads it whole (false when it is not to be listed: past the depth). */
  listStart: boolean;
}

/** Folders of a root this many or fewer are each walked by a `find` of their own, in parallel; more, and one `find` walks the root. */
export const MAX_SPLIT_FOLDERS = 64;

/** One `find` run: each entry to `visit`; the folders it read whole, as the caller's `listed` wants them. */
function runFind(job: FindJob, rootMaxDepth: number, prune: readonly string[], visit: (entry: WalkedEntry) => void, count: () => void, signal: AbortSignal | undefined): Promise<string[]> {
  const { view, host } = job;
  return new Promise((resolve, reject) => {
    const folders: { path: string; depth: number }[] = [];
    let failed: Error | undefined;
    const child = spawnFind(findArguments(host, job.maxDepth, hostPrunes(view, host, prune)));
    const stop = (error: Error): void => {
      failed ??= error;
      child.kill('SIGKILL');
    };
    const onAbort = (): void => stop(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const parser = new RecordParser((_type, info, relative) => {
      if (failed) return;
      const path = childOf(view, relative);
      try {
        count();
      } catch (error) {
        stop(error as Error);
        return;
      }
      if (info.type === 'directory') {
        let depth = job.depth + 1;
        for (let at = relative.indexOf('/'); at !== -1; at = relative.indexOf('/', at + 1)) depth++;
        folders.push({ path, depth });
      }
      visit({ path, info });
    });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => parser.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 1024 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => stop(error.code === 'ENOENT' ? new FindUnavailableError('find is not installed') : error));
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (failed) return reject(failed);
      if (folders.length === 0 && code !== 0 && /printf|unrecognized|unknown|invalid/i.test(stderr)) return reject(new FindUnavailableError(`find cannot walk: ${stderr.trim().split('\n')[0] ?? ''}`));
      const hostUnreadable = code === 0 ? new Set<string>() : unreadableFolders(stderr);
      if (hostUnreadable === undefined || parser.malformed > 0 || parser.leftover > 0) return resolve([]);
      const unreadable = new Set<string>();
      for (const hostPath of hostUnreadable) unreadable.add(hostPath === host ? view : childOf(view, hostPath.slice(host === '/' ? 1 : host.length + 1)));
      const listed: string[] = [];
      // A start that turned out not to be a folder (a link to a file) has no entries: not a listing.
      if (job.listStart && !unreadable.has(view) && isFolder(host)) listed.push(view);
      for (const folder of folders) {
        if (rootMaxDepth >= 0 && folder.depth >= rootMaxDepth) continue;
        if (prune.includes(folder.path) || unreadable.has(folder.path)) continue;
        listed.push(folder.path);
      }
      resolve(listed);
    });
  });
}

/** A folder's entries read in this process (readdir, lstat each); undefined when it cannot be read whole. */
export function listHere(host: string): { name: string; info: FileInfo }[] | undefined {
  try {
    return readdirSync(host)
      .sort()
      .map((name) => {
        const stats = lstatSync(childOf(host, name));
        return { name, info: infoOf(stats) };
      });
  } catch {
    return undefined;
  }
}

/**
 * Walks every root through `find`, as many runs at once as this machine has cores (the main
 * thread only parses), reporting what the in-process walk reports. A root walked to any depth
 * with a few folders (`/`) is split: its own entries are read here and each folder is one run,
 * so the cores share the largest tree. Throws FindUnavailableError when `find` cannot be used.
 */
export async function findLocalTrees(
  view: LocalTreeView,
  roots: readonly TreeWalkRoot[],
  prune: readonly string[],
  visit: (entry: WalkedEntry) => void,
  options: { maxEntries: number; signal?: AbortSignal },
): Promise<TreeWalkResult> {
  const listed = new Set<string>();
  let entries = 0;
  const jobs: { job: FindJob; root: TreeWalkRoot; count: () => void }[] = [];
  for (const walkRoot of roots) {
    const { root, maxDepth } = walkRoot;
    options.signal?.throwIfAborted();
    const count = (): void => {
      if (++entries > options.maxEntries) throw new TargetReadError(root, 'too-large', `more than ${options.maxEntries} entries`);
    };
    const viewFolder = await startLocalRoot(view, walkRoot, visit, count);
    if (viewFolder === undefined) continue;
    let hostRoot: string;
    try {
      // find -P does not follow its starting point either: the folder a root link leads to is
      // walked. The view resolved every link inside a tree's root already; on `local` (root /)
      // the host's own links are the target's. Without a trailing slash, as find prints paths.
      hostRoot = realpathSync(viewFolder);
    } catch {
      continue;
    }
    const own = maxDepth < 0 ? listHere(hostRoot) : undefined;
    const folders = own?.filter((entry) => entry.info.type === 'directory') ?? [];
    if (!own || folders.length > MAX_SPLIT_FOLDERS) {
      jobs.push({ job: { view: root, host: hostRoot, maxDepth, depth: 0, listStart: true }, root: walkRoot, count });
      continue;
    }
    for (const entry of own) {
      count();
      visit({ path: childOf(root, entry.name), info: entry.info });
    }
    listed.add(root);
    for (const folder of folders) {
      const path = childOf(root, folder.name);
      if (!prune.includes(path)) jobs.push({ job: { view: path, host: childOf(hostRoot, folder.name), maxDepth: -1, depth: 1, listStart: true }, root: walkRoot, count });
    }
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      options.signal?.throwIfAborted();
      const { job, root, count } = jobs[next++] as (typeof jobs)[number];
      for (const folder of await runFind(job, root.maxDepth, prune, visit, count, options.signal)) listed.add(folder);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs.length, Math.max(1, availableParallelism())) }, lane));
  return { listed, entries };
}
