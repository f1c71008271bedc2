/**
 * Writes a report or verdict file the way a pipeline can trust: the bytes go to a new file beside
 * the target, created exclusively, and are renamed over the target only once complete. A target
 * that is a symbolic link is replaced by the new file, never written through (a link planted in a
 * shared workspace cannot make Tollgate overwrite what it points to), and a reader never sees half
 * a report. A path that cannot be written (under a file, in a read-only folder) is a usage error
 * naming the file and the flag, never an internal error.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

export async function writeOutputFile(file: string, data: string, flag: string): Promise<void> {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    // mkdir says EEXIST when a file stands where a folder of the path should be: that is ENOTDIR.
    await mkdir(path.dirname(target), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? Object.assign(new Error('a file stands where a folder is needed'), { code: 'ENOTDIR' }) : error;
    });
    await writeFile(temporary, data, { flag: 'wx', mode: 0o644 });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new UsageError(`${flag}: cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
