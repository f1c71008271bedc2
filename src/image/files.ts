/**
 * Opening files of a user-named image location (an OCI layout folder, an archive) without
 * following symlinks at the last path component, with bounded reads.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ImageError } from '../errors.js';
import { formatBytes } from './limits.js';
import type { ImageMetadataStore } from './source.js';

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

/**
 * What identifies a byte range of an open file as unchanged: its path, device, inode, size, and
 * modification and change times in nanoseconds. Any write moves the change time, which no
 * unprivileged process can set back.
 */
export async function fileRangeIdentity(handle: FileHandle, file: string, start: number, length: number): Promise<string> {
  const stats = await handle.stat({ bigint: true });
  return [path.resolve(file), stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs, start, length].join(':');
}

/**
 * Remembers that the range named by `before` (taken before it was read) hashed to `digest`, unless
 * the file changed while it was read.
 */
export async function rememberStoredDigest(store: ImageMetadataStore | undefined, handle: FileHandle, file: string, start: number, length: number, before: string, digest: string): Promise<void> {
  if (!store?.putStoredDigest) return;
  if ((await fileRangeIdentity(handle, file, start, length)) === before) store.putStoredDigest(before, digest);
}

/**
 * `sha256:` of a byte range of an open file. With a store, a range hashed (or verified while read)
 * before is not hashed again while the file is provably unchanged (fileRangeIdentity).
 */
export async function hashFileRange(handle: FileHandle, file: string, start: number, length: number, store?: ImageMetadataStore): Promise<string> {
  const before = store?.getStoredDigest ? await fileRangeIdentity(handle, file, start, length) : '';
  const known = store?.getStoredDigest?.(before);
  if (known) return known;
  const hash = createHash('sha256');
  for await (const chunk of streamRange(handle, start, length)) hash.update(chunk as Buffer);
  const digest = `sha256:${hash.digest('hex')}`;
  if (store) await rememberStoredDigest(store, handle, file, start, length, before, digest);
  return digest;
}
