/**
 * A target backed by a folder of this machine: `local` (the root `/`, a live system) and
 * `dir:<path>` (a root filesystem, not live). Paths are resolved inside the root with its own
 * symlinks, never the scanning host's: an absolute link is root-relative and a link that climbs
 * above the root is refused, so a hostile tree cannot make a check read outside it. Files are
 * opened with O_NOFOLLOW and O_NONBLOCK (a FIFO never hangs the scan) and read only up to a limit.
 */
import { constants, readlinkSync } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { HostileInputError } from '../../errors.js';
import { resolveInRoot } from '../../image/paths.js';
import { runLocalCommand } from './local-command.js';
import { TargetReadError, type CommandResult, type FileInfo, type FileType, type RunOptions, type Target, type TargetKind } from './target.js';

function typeOf(stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

function failureOf(error: NodeJS.ErrnoException, shown: string): TargetReadError {
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new TargetReadError(shown, 'not-found', 'no such file');
    case 'EACCES':
    case 'EPERM':
      return new TargetReadError(shown, 'permission-denied', 'permission denied');
    case 'ELOOP':
      return new TargetReadError(shown, 'symlink-loop', 'too many levels of symbolic links');
    default:
      return new TargetReadError(shown, 'failed', error.code ?? error.message);
  }
}

export class FilesystemTarget implements Target {
  constructor(
    readonly kind: TargetKind,
    readonly name: string,
    private readonly root: string,
    readonly live: boolean,
  ) {}

  /** The host path of a target path, with every symlink (parents, and the last one if `follow`) resolved in the root. */
  private hostPath(targetPath: string, follow: boolean): string {
    // On this host the kernel resolves links the way the checks mean them.
    if (this.root === '/') return path.posix.normalize(targetPath);
    const readLink = (candidate: string): string | undefined => {
      try {
        return readlinkSync(path.join(this.root, candidate));
      } catch {
        return undefined;
      }
    };
    try {
      if (follow) return path.join(this.root, resolveInRoot(targetPath, readLink));
      const parent = resolveInRoot(path.posix.dirname(targetPath), readLink);
      return path.join(this.root, parent, path.posix.basename(targetPath));
    } catch (error) {
      if (error instanceof HostileInputError) {
        const loop = error.message.includes('too many levels');
        throw new TargetReadError(targetPath, loop ? 'symlink-loop' : 'outside-root', loop ? 'too many levels of symbolic links' : 'a symlink points outside the scanned root');
      }
      throw error;
    }
  }

  async stat(targetPath: string): Promise<FileInfo | undefined> {
    let stats;
    try {
      stats = await lstat(this.hostPath(targetPath, false));
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const failure = failureOf(error as NodeJS.ErrnoException, targetPath);
      if (failure.failure === 'not-found') return undefined;
      throw failure;
    }
    return { type: typeOf(stats), mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, size: stats.size };
  }

  async readFile(targetPath: string, maxBytes: number): Promise<Buffer> {
    let handle;
    try {
      const noFollow = this.root === '/' ? 0 : constants.O_NOFOLLOW;
      handle = await open(this.hostPath(targetPath, true), constants.O_RDONLY | noFollow | constants.O_NONBLOCK);
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      throw failureOf(error as NodeJS.ErrnoException, targetPath);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new TargetReadError(targetPath, 'not-a-file', `is a ${typeOf(stats)}, not a regular file`);
      // Files under /proc and /sys report size 0; read them with the bound instead of trusting it.
      if (stats.size > maxBytes) throw new TargetReadError(targetPath, 'too-large', `is ${stats.size} bytes, over the ${maxBytes}-byte limit for checked files`);
      const buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stats.size, 64 * 1024)));
      let length = 0;
      for (;;) {
        if (length === buffer.length) break;
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) throw new TargetReadError(targetPath, 'too-large', `is over the ${maxBytes}-byte limit for checked files`);
      return buffer.subarray(0, length);
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      throw failureOf(error as NodeJS.ErrnoException, targetPath);
    } finally {
      await handle.close();
    }
  }

  async readLink(targetPath: string): Promise<string | undefined> {
    try {
      return await readlink(this.hostPath(targetPath, false));
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw failureOf(error as NodeJS.ErrnoException, targetPath);
    }
  }

  async listDir(targetPath: string): Promise<string[] | undefined> {
    try {
      return (await readdir(this.hostPath(targetPath, true))).sort();
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const failure = failureOf(error as NodeJS.ErrnoException, targetPath);
      if (failure.failure === 'not-found') return undefined;
      throw failure;
    }
  }

  get run(): ((command: string, options: RunOptions) => Promise<CommandResult>) | undefined {
    return this.live ? (command, options) => runLocalCommand(command, options) : undefined;
  }

  async close(): Promise<void> {}
}
