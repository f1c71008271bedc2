/**
 * The remote side of an SSH tree walk: one shell command running `find -P` (links not followed)
 * once per root, each entry printed as `type target-type mode uid gid size mtime path` (the
 * target type is what a link leads to: a link to a folder is listed on its own when a recursion
 * follows it, a link to anything else never is) and ended by a NUL, so
 * any byte of a name (a newline too) survives; and the parser of that stream, fed chunk by chunk.
 * Needs only findutils' `find` (`-printf`, `-maxdepth`), present on every GNU/Linux system; a
 * `find` without `-printf` (BusyBox) makes the walk unavailable and the caller lists folders.
 */
import type { FileInfo } from './target.js';
import type { TreeWalkRoot, WalkedEntry } from './tree-walker.js';

const FORMAT = '%y %Y %m %U %G %s %T@ %p\\0';

function quote(argument: string): string {
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** The command: one `find` per root, in order, pruning `prune` below each root. */
export function treeWalkCommand(roots: readonly TreeWalkRoot[], prune: readonly string[]): string {
  return roots
    .map(({ root, maxDepth }) => {
      const pruned = prune.filter((path) => path !== root);
      const depth = maxDepth >= 0 ? ` -maxdepth ${maxDepth}` : '';
      const pruning = pruned.length > 0 ? ` \\( ${pruned.map((path) => `-path ${quote(path)}`).join(' -o ')} \\) -prune -printf '${FORMAT}' -o` : '';
      return `find -P ${quote(root)}${depth}${pruning} -printf '${FORMAT}'`;
    })
    .join('; ');
}

const TYPES: Record<string, FileInfo['type']> = { f: 'file', d: 'directory', l: 'symlink' };

/** One record (without its NUL) as an entry; undefined when it is not in the walk's format. */
export function parseWalkRecord(record: string): WalkedEntry | undefined {
  const match = /^([a-zA-Z]) ([a-zA-Z]) ([0-7]+) (\d+) (\d+) (\d+) (\d+)(?:\.\d+)? (\/.*)$/s.exec(record);
  if (!match) return undefined;
  const [, type, targetType, mode, uid, gid, size, mtime, path] = match as unknown as [string, string, string, string, string, string, string, string, string];
  const info: FileInfo = { type: TYPES[type] ?? 'other', mode: parseInt(mode, 8) & 0o7777, uid: Number(uid), gid: Number(gid), size: Number(size), mtime: Number(mtime) };
  return info.type === 'symlink' ? { path, info, linksToFolder: targetType === 'd' } : { path, info };
}

/** Splits a byte stream into NUL-ended records across chunk boundaries; names are bytes, read as UTF-8 as SFTP's are. */
export class WalkStreamParser {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onRecord: (entry: WalkedEntry | undefined, raw: string) => void) {}

  push(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (let end = data.indexOf(0); end !== -1; end = data.indexOf(0)) {
      const raw = data.toString('utf8', 0, end);
      this.onRecord(parseWalkRecord(raw), raw);
      data = data.subarray(end + 1);
    }
    this.pending = Buffer.from(data);
  }

  /** Bytes left after the last NUL: a record cut short. */
  get leftover(): number {
    return this.pending.length;
  }
}

/**
 * The folders `find` could not enter, from its messages; undefined when a message is not one it
 * understands (then no folder counts as listed whole).
 */
export function unreadableFolders(stderr: string): Set<string> | undefined {
  const folders = new Set<string>();
  for (const line of stderr.split('\n')) {
    if (line.trim() === '') continue;
    const denied = /^find: '(\/[^']*)': (?:Permission denied|No such file or directory)$/.exec(line);
    if (!denied) return undefined;
    folders.add(denied[1] as string);
  }
  return folders;
}

/** Depth of `path` below `root` (0 for the root itself). */
export function depthBelow(root: string, path: string): number {
  if (path === root) return 0;
  const rest = root === '/' ? path.slice(1) : path.slice(root.length + 1);
  let depth = 1;
  for (let at = rest.indexOf('/'); at !== -1; at = rest.indexOf('/', at + 1)) depth++;
  return depth;
}
