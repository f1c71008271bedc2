/**
 * The FsView of a folder of this machine: a root filesystem (a chroot, a mounted disk image), or
 * this host's own `/`. Paths are resolved inside the root with the tree's own symlinks, never the
 * scanning host's: an absolute link is root-relative and a link that climbs above the root is
 * refused, so a hostile tree cannot make a reader leave it. Files are opened with O_NOFOLLOW (a link
 * swapped in after resolution is not followed) and O_NONBLOCK (a FIFO never hangs the scan), and
 * read only up to the caller's bound, whatever size they claim.
 *
 * The root `/` is the live system itself: there the kernel resolves links, as the system does.
 */
import { constants, readlinkSync, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { HostileInputError } from '../../errors.js';
import { resolveInRoot } from '../paths.js';
import { TargetReadError, type FileInfo, type FileType, type FolderListing, type FsView } from './fs-view.js';

function typeOf(stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** A path's facts as every view gives them, from Node's lstat. */
export function infoOf(stats: Stats): FileInfo {
  return { type: typeOf(stats), mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, size: stats.size, mtime: Math.floor(stats.mtimeMs / 1000) };
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

export class DirectoryFs implements FsView {
  /** `root`: an absolute, real path of this machine (no symlink in it). */
  constructor(readonly root: string) {}

  /** The host path of a view path, with every symlink (parents, and the last one if `follow`) resolved in the root. */
  private hostPath(viewPath: string, follow: boolean): string {
    if (this.root === '/') return path.posix.normalize(viewPath);
    const readLink = (candidate: string): string | undefined => {
      try {
        return readlinkSync(path.join(this.root, candidate));
      } catch {
        return undefined;
      }
    };
    try {
      if (follow) return path.join(this.root, resolveInRoot(viewPath, readLink));
      const parent = resolveInRoot(path.posix.dirname(viewPath), readLink);
      return path.join(this.root, parent, path.posix.basename(viewPath));
    } catch (error) {
      if (error instanceof HostileInputError) {
        const loop = error.message.includes('too many levels');
        throw new TargetReadError(viewPath, loop ? 'symlink-loop' : 'outside-root', loop ? 'too many levels of symbolic links' : 'a symlink points outside the scanned root');
      }
      throw error;
    }
  }

  /**
   * The host path a listing of `viewPath` reads: every symlink on the way, the last one too,
   * resolved inside the root (a link out of the root is refused with a TargetReadError).
   */
  hostFolder(viewPath: string): string {
    return this.hostPath(viewPath, true);
  }

  async stat(viewPath: string): Promise<FileInfo | undefined> {
    let stats;
    try {
      stats = await lstat(this.hostPath(viewPath, false));
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const failure = failureOf(error as NodeJS.ErrnoException, viewPath);
      if (failure.failure === 'not-found') return undefined;
      throw failure;
    }
    return infoOf(stats);
  }

  async readFile(viewPath: string, maxBytes: number): Promise<Buffer> {
    let handle;
    try {
      const noFollow = this.root === '/' ? 0 : constants.O_NOFOLLOW;
      handle = await open(this.hostPath(viewPath, true), constants.O_RDONLY | noFollow | constants.O_NONBLOCK);
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      throw failureOf(error as NodeJS.ErrnoException, viewPath);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new TargetReadError(viewPath, 'not-a-file', `is a ${typeOf(stats)}, not a regular file`);
      if (stats.size > maxBytes) throw new TargetReadError(viewPath, 'too-large', `is ${stats.size} bytes, over the ${maxBytes}-byte limit for checked files`);
      // The size is only a first guess: files under /proc and /sys report 0 whatever they hold, and
      // a file may grow while it is read. Read to the end of the file or one byte past the bound,
      // growing the buffer as needed, so content is never cut short without a too-large error.
      const bound = maxBytes + 1;
      let buffer = Buffer.alloc(Math.min(bound, Math.max(stats.size + 1, 64 * 1024)));
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          if (length === bound) break;
          const grown = Buffer.alloc(Math.min(bound, buffer.length * 2));
          buffer.copy(grown, 0, 0, length);
          buffer = grown;
        }
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) throw new TargetReadError(viewPath, 'too-large', `is over the ${maxBytes}-byte limit for checked files`);
      return buffer.subarray(0, length);
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      throw failureOf(error as NodeJS.ErrnoException, viewPath);
    } finally {
      await handle.close();
    }
  }

  async readLink(viewPath: string): Promise<string | undefined> {
    try {
      return await readlink(this.hostPath(viewPath, false));
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw failureOf(error as NodeJS.ErrnoException, viewPath);
    }
  }

  async listDirInfo(viewPath: string): Promise<FolderListing | undefined> {
    let folder: string;
    let names: string[];
    try {
      folder = this.hostPath(viewPath, true);
      names = (await readdir(folder)).sort();
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const failure = failureOf(error as NodeJS.ErrnoException, viewPath);
      if (failure.failure === 'not-found') return undefined;
      throw failure;
    }
    // The folder is resolved inside the root once; each entry is lstat'ed in it (never followed),
    // as stat() does after resolving the entry's parent, without resolving that parent again.
    const infos = await Promise.all(
      names.map(async (name) => {
        try {
          return infoOf(await lstat(path.join(folder, name)));
        } catch {
          return undefined;
        }
      }),
    );
    return { names, infos };
  }

  async listDir(viewPath: string): Promise<string[] | undefined> {
    try {
      return (await readdir(this.hostPath(viewPath, true))).sort();
    } catch (error) {
      if (error instanceof TargetReadError) throw error;
      const failure = failureOf(error as NodeJS.ErrnoException, viewPath);
      if (failure.failure === 'not-found') return undefined;
      throw failure;
    }
  }
}
