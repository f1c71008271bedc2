/**
 * A zip archive (jar, war, ear) read by position through yauzl, from a seekable file of the image or
 * from an archive nested in one. Lists entry names and sizes from the central directory, reads an
 * entry within a byte bound (inflating it, with a check against inflation bombs), and presents a
 * stored (uncompressed) entry as a window of its parent without copying it.
 *
 * Never writes anything: entry names are only compared and shown, so a name with `..` cannot
 * escape anywhere, and it is refused anyway. Every read is bounded by the caller; a central
 * directory that lies (sizes past the end of the file, more entries than it holds, bad signatures)
 * surfaces as an error the caller turns into a warning.
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { SeekableFile } from '../analyzer.js';

/** The most one read asks of a SeekableFile (its contract allows 64 MiB). */
const READ_CHUNK = 1024 * 1024;

/**
 * Small reads (yauzl reads a central directory 46 bytes and one name at a time) are served from
 * one block read ahead of them: a jar of 5,000 entries is then a few reads instead of 10,000.
 */
const READ_AHEAD = 128 * 1024;

/** yauzl's reader over a SeekableFile, with one block of read-ahead for its small reads. */
class SeekableReader extends yauzl.RandomAccessReader {
  private block: { start: number; bytes: Buffer } | undefined;

  constructor(private readonly file: SeekableFile) {
    super();
  }

  private async readCached(position: number, length: number): Promise<Buffer> {
    if (length > READ_AHEAD) return readFully(this.file, position, length);
    const block = this.block;
    if (block && position >= block.start && position + length <= block.start + block.bytes.length) {
      return block.bytes.subarray(position - block.start, position - block.start + length);
    }
    if (position < 0 || position + length > this.file.size) throw new Error(`a read of ${length} bytes at ${position} is past the end of the ${this.file.size}-byte archive`);
    const bytes = await readFully(this.file, position, Math.min(READ_AHEAD, this.file.size - position));
    this.block = { start: position, bytes };
    return bytes.subarray(0, length);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const file = this.file;
    let position = start;
    return new Readable({
      read() {
        if (position >= end) {
          this.push(null);
          return;
        }
        const length = Math.min(READ_CHUNK, end - position);
        file.read(position, length).then(
          (chunk) => {
            if (chunk.length === 0) {
              this.destroy(new Error(`unexpected end of file at byte ${position}`));
              return;
            }
            position += chunk.length;
            // A copy: the file's buffers may be shared, and streams may hold chunks.
            this.push(Buffer.from(chunk));
          },
          (error: unknown) => this.destroy(error as Error),
        );
      },
    });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null) => void): void {
    this.readCached(position, length).then(
      (bytes) => {
        bytes.copy(buffer, offset);
        callback(null);
      },
      (error: unknown) => callback(error as Error),
    );
  }
}

async function readFully(file: SeekableFile, position: number, length: number): Promise<Buffer> {
  if (position < 0 || position + length > file.size) throw new Error(`a read of ${length} bytes at ${position} is past the end of the ${file.size}-byte archive`);
  const parts: Buffer[] = [];
  let done = 0;
  while (done < length) {
    const chunk = await file.read(position + done, Math.min(READ_CHUNK * 16, length - done));
    if (chunk.length === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    parts.push(chunk);
    done += chunk.length;
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length);
}

/** A file held in memory, read by position (an inflated nested archive). */
export function memoryFile(content: Buffer): SeekableFile {
  return {
    size: content.length,
    read: (position, length) => Promise.resolve(content.subarray(Math.min(position, content.length), Math.min(position + length, content.length))),
  };
}

/** `size` bytes of `parent` from `start`: a stored entry as a file of its own, without a copy. */
export function windowOf(parent: SeekableFile, start: number, size: number): SeekableFile {
  return {
    size,
    read: (position, length) => {
      const from = Math.min(Math.max(position, 0), size);
      const to = Math.min(from + length, size);
      return to > from ? parent.read(start + from, to - from) : Promise.resolve(Buffer.alloc(0));
    },
  };
}

/** One entry of the central directory, as the archive describes it (sizes untrusted). */
export interface ZipEntry {
  /** The name as stored, decoded as UTF-8: `META-INF/MANIFEST.MF`, `BOOT-INF/lib/x.jar`. */
  readonly name: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** 0 stored, 8 deflated; others cannot be read. */
  readonly compressionMethod: number;
  readonly encrypted: boolean;
  /** @internal yauzl's entry, for reading. */
  readonly raw: yauzl.Entry;
}

/** Why an entry could not be read within its bounds. */
export class EntryReadError extends Error {
  constructor(
    message: string,
    /** `bomb`: inflated far beyond its compressed size; `size`: over the caller's bound. */
    readonly reason: 'bomb' | 'size' | 'corrupt',
  ) {
    super(message);
    this.name = 'EntryReadError';
  }
}

export interface ListOptions {
  /** Stop listing after this many entries; `truncated` says so. */
  readonly maxEntries: number;
}

export interface ZipListing {
  readonly entries: ZipEntry[];
  /** Set when the listing stopped early: too many entries, or the central directory broke off. */
  readonly problem?: string;
}

/** Inflated output beyond this is checked against the compressed size (MANIFEST files compress ~5:1). */
const BOMB_FLOOR = 1024 * 1024;
/** Deflate cannot honestly exceed ~1032:1; a jar's members are far below 100:1. */
export const BOMB_RATIO = 200;

export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly file: SeekableFile,
  ) {}

  /** Opens the archive's central directory; throws when there is none (not a zip, truncated). */
  static async open(file: SeekableFile): Promise<ZipArchive> {
    const zip = await yauzl.fromRandomAccessReaderPromise(new SeekableReader(file), file.size, {
      autoClose: false,
      lazyEntries: true,
      // Names are decoded and checked here: yauzl would stop the whole listing at the first bad one.
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
    return new ZipArchive(zip, file);
  }

  /** The central directory's entries, up to `maxEntries`; a broken directory keeps what came before. */
  async list(options: ListOptions): Promise<ZipListing> {
    const entries: ZipEntry[] = [];
    try {
      for await (const raw of this.zip.eachEntry()) {
        if (entries.length >= options.maxEntries) return { entries, problem: `more than ${options.maxEntries} entries; the rest were not read` };
        const nameBytes = raw.fileName as unknown as Buffer;
        entries.push({
          name: nameBytes.toString('utf8'),
          compressedSize: raw.compressedSize,
          uncompressedSize: raw.uncompressedSize,
          compressionMethod: raw.compressionMethod,
          encrypted: raw.isEncrypted(),
          raw,
        });
      }
    } catch (error) {
      return { entries, problem: `the central directory is corrupt after ${entries.length} entries (${(error as Error).message})` };
    }
    return { entries };
  }

  /**
   * The entry's content, inflated, at most `maxBytes`. Throws EntryReadError when it would be
   * larger, when it inflates like a bomb, or when its data is corrupt or lies about its size.
   */
  async read(entry: ZipEntry, maxBytes: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const total = await this.readChunks(entry, maxBytes, (chunk) => {
      chunks.push(chunk);
    });
    return Buffer.concat(chunks, total);
  }

  /**
   * The entry's content, inflated, handed to `onChunk` in order, at most `maxBytes` in all (the
   * same checks as read()); returns the byte count. For content written elsewhere than memory.
   */
  async readChunks(entry: ZipEntry, maxBytes: number, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<number> {
    if (entry.encrypted) throw new EntryReadError('the entry is encrypted', 'corrupt');
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new EntryReadError(`compression method ${entry.compressionMethod} is not supported`, 'corrupt');
    if (entry.uncompressedSize > maxBytes) throw new EntryReadError(`its ${entry.uncompressedSize} bytes are over the ${maxBytes}-byte limit`, 'size');
    let stream: Readable;
    try {
      stream = await this.zip.openReadStreamPromise(entry.raw);
    } catch (error) {
      throw new EntryReadError((error as Error).message, 'corrupt');
    }
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > maxBytes) throw new EntryReadError(`it inflates past the ${maxBytes}-byte limit`, 'size');
        if (total > BOMB_FLOOR && total > BOMB_RATIO * Math.max(entry.compressedSize, 1)) {
          throw new EntryReadError(`it inflates to over ${BOMB_RATIO} times its ${entry.compressedSize} compressed bytes (a zip bomb)`, 'bomb');
        }
        await onChunk(chunk);
      }
    } catch (error) {
      stream.destroy();
      if (error instanceof EntryReadError) throw error;
      throw new EntryReadError((error as Error).message, 'corrupt');
    }
    return total;
  }

  /** A stored entry as a window of this archive's file, where its data starts after the local header. */
  async storedWindow(entry: ZipEntry): Promise<{ file: SeekableFile; start: number }> {
    if (entry.compressionMethod !== 0 || entry.encrypted) throw new EntryReadError('the entry is not stored', 'corrupt');
    let start: number;
    try {
      ({ fileDataStart: start } = await this.zip.readLocalFileHeaderPromise(entry.raw, { minimal: true }));
    } catch (error) {
      throw new EntryReadError((error as Error).message, 'corrupt');
    }
    return { file: windowOf(this.file, start, entry.compressedSize), start };
  }

  close(): void {
    this.zip.close();
  }
}
