/**
 * Reading a configuration file (gate file, ignore file, VEX document, credentials, exceptions,
 * tollgate.yaml, policies, secret files): one bounded read, and one wording for every failure, so
 * the user always learns which file and why (the operating system's code: ENOENT, EACCES,
 * EISDIR, or the size limit).
 *
 * Only regular files are read (links to them are followed): a FIFO, a socket or a device is
 * refused with a clear error, and opening one never blocks (a FIFO with no writer would wait for
 * ever; /dev/zero never ends). Never reads more than the limit plus one byte, even from a file that
 * grows while it is read: a configuration file is untrusted input like any other.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * Generous for any hand-written or generated configuration (an ignore file of ten thousand
 * entries fits), and small enough that parsing a hostile file stays a matter of seconds.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface ConfigReadOptions {
  /** Refuse files larger than this many bytes (default MAX_CONFIG_BYTES). */
  maxBytes?: number;
  /** What the file was asked for, put before the message (`credentials.yaml:2:5: record "web", password`). */
  context?: string;
}

const CHUNK_BYTES = 64 * 1024;

function limitText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB limit` : `${bytes}-byte limit`;
}

/**
 * The bytes of `file`, described to the user as `what` (`gate file`, `VEX document`). Every
 * failure is a UsageError: `cannot read <what> <file> (<reason>)`.
 */
export function readConfigBytes(file: string, what: string, options: ConfigReadOptions = {}): Buffer {
  const maxBytes = options.maxBytes ?? MAX_CONFIG_BYTES;
  const refuse = (reason: string, cause?: unknown): UsageError =>
    new UsageError(`${options.context ? `${options.context}: ` : ''}cannot read ${what} ${file} (${reason})`, cause === undefined ? undefined : { cause });
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; it changes
    // nothing for a regular file, and anything else is refused below before it is read.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse(codeOf(error), error);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw refuse('EISDIR');
    if (!stats.isFile()) throw refuse(`not a regular file but ${kindOf(stats)}`);
    if (stats.isFile() && stats.size > maxBytes) throw refuse(`larger than the ${limitText(maxBytes)}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the limit is enough to know the file is over it.
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw refuse(`larger than the ${limitText(maxBytes)}`);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw refuse(codeOf(error), error);
  } finally {
    closeSync(fd);
  }
}

/** The text (UTF-8) of `file`; see readConfigBytes. */
export function readConfigText(file: string, what: string, options: ConfigReadOptions = {}): string {
  return readConfigBytes(file, what, options).toString('utf8');
}

/** What a non-regular file is, in the words of `ls -l`'s file types. */
export function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'an unknown kind of file';
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
