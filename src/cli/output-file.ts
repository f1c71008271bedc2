/**
 * Writes a report or verdict file the way a pipeline can trust. A path that is, or names, a
 * regular file (or nothing yet) gets a new file beside it, created exclusively and renamed over the
 * path once complete: a symbolic link planted at the path is replaced, never written through (so
 * it cannot make Tollgate overwrite what it points to), and a reader never sees half a report.
 * Devices, pipes and terminals (`/dev/null`, `/dev/stdout`, a FIFO) are written into as they are:
 * they are streams, and replacing them would break the system, not protect it. A path that cannot
 * be written (under a file, a folder) is a usage error naming the file and the flag.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** Standard streams and devices, which are written into, never replaced. */
function isStreamPath(target: string, linkText: string | undefined): boolean {
  const named = (candidate: string): boolean => candidate.startsWith('/dev/') || candidate.startsWith('/proc/');
  return named(target) || (linkText !== undefined && named(path.resolve(path.dirname(target), linkText)));
}

export async function writeOutputFile(file: string, data: string, flag: string): Promise<void> {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let wroteTemporary = false;
  try {
    const entry = await lstat(target).catch(() => undefined);
    if (entry?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const linkText = entry?.isSymbolicLink() ? await readlink(target) : undefined;
    const resolved = entry ? await stat(target).catch(() => undefined) : undefined;
    if (isStreamPath(target, linkText) || (resolved && !resolved.isFile() && !resolved.isDirectory())) {
      await writeFile(target, data);
      return;
    }
    // mkdir says EEXIST when a file stands where a folder of the path should be: that is ENOTDIR.
    await mkdir(path.dirname(target), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? Object.assign(new Error('a file stands where a folder is needed'), { code: 'ENOTDIR' }) : error;
    });
    wroteTemporary = true;
    await writeFile(temporary, data, { flag: 'wx', mode: 0o644 });
    await rename(temporary, target);
  } catch (error) {
    if (wroteTemporary) await rm(temporary, { force: true }).catch(() => undefined);
    throw new UsageError(`${flag}: cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
