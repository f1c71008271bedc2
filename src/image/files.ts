/**
 * Opening files of a user-named image location (an OCI layout folder, an archive) without
 * following symlinks at the last path component, with bounded reads.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ImageError } from '../errors.js';
import { formatBytes } from './limits.js';

function describeOpenError(error: NodeJS.ErrnoException, file: string): ImageError {
  if (error.code === 'ENOENT') return new ImageError(`${file}: no such file`);
  if (error.code === 'ELOOP') return new ImageError(`${file}: is a symlink; image files must be regular files`);
  if (error.code === 'EACCES' || error.code === 'EPERM') return new ImageError(`${file}: permission denied`);
  return new ImageError(`${file}: cannot open (${error.code ?? error.message})`);
}

/** Opens a regular file for reading, refusing a symlink at the last component. */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw describeOpenError(error as NodeJS.ErrnoException, file);
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new ImageError(`${file}: not a regular file`);
  }
  return { handle, size: stats.size };
}

/** Reads a whole small file (a manifest, an index), refusing one above `maxBytes`. */
export async function readBoundedFile(file: string, maxBytes: number): Promise<Buffer> {
  const { handle, size } = await openRegularFile(file);
  try {
    if (size > maxBytes) throw new ImageError(`${file}: ${formatBytes(size)} is over the ${formatBytes(maxBytes)} limit for metadata`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * A stream over a byte range of an open file, read with positional reads so that several ranges
 * of one file can stream at once. The caller keeps ownership of the handle.
 */
export function streamRange(handle: FileHandle, start: number, length: number): Readable {
  const chunkSize = 256 * 1024;
  let position = start;
  const end = start + length;
  return new Readable({
    highWaterMark: chunkSize,
    read(this: Readable) {
      const wanted = Math.min(chunkSize, end - position);
      if (wanted <= 0) {
        this.push(null);
        return;
      }
      const buffer = Buffer.allocUnsafe(wanted);
      handle.read(buffer, 0, wanted, position).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            this.destroy(new ImageError(`unexpected end of file at byte ${position} (file truncated while reading?)`));
            return;
          }
          position += bytesRead;
          this.push(bytesRead === wanted ? buffer : buffer.subarray(0, bytesRead));
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
  });
}
