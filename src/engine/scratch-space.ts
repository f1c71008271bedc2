/**
 * The scan's own temporary folder, and the files analyzers read by position: small ones from
 * memory, large ones spilled there as the walk streams them (a 300 MiB binary is never held in
 * memory).
 *
 * The folder is created under os.tmpdir() with mkdtemp on the first spill and removed by dispose(),
 * which the scan calls when it ends, on success or failure; it first closes every handle still open
 * on a file there (a spill being written, a spilled file not yet released). Files in it are named by a counter,
 * never by anything from the image, so no image content chooses a path on the host. The bytes held
 * there at once are bounded by the layer size limit (src/image/limits.ts): a spill beyond it is a
 * HostileInputError, never a full disk.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostileInputError, ScanError, messageOf } from '../errors.js';
import { formatBytes } from '../image/limits.js';
import type { SeekableFile } from '../inventory/analyzer.js';

/** A file an analyzer reads by position; `content` when it is held in memory. */
export interface HeldFile extends SeekableFile {
  readonly content?: Buffer;
  /** Frees the file (deletes a spilled one). Reading after release is an error. */
  release(): Promise<void>;
}

/**
 * The most one read returns. Positions and lengths often come from the file itself (a zip's
 * central directory, an ELF section header): a hostile one must not make the scan allocate
 * gigabytes at once.
 */
export const MAX_READ_LENGTH = 64 * 1024 * 1024;

function checkRange(position: number, length: number): void {
  if (!Number.isSafeInteger(position) || position < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`cannot read ${length} bytes at ${position}: both must be non-negative integers`);
  }
  if (length > MAX_READ_LENGTH) throw new RangeError(`cannot read ${formatBytes(length)} at once: at most ${formatBytes(MAX_READ_LENGTH)} per read`);
}

/** A file held in memory. */
export function heldInMemory(content: Buffer): HeldFile {
  return {
    size: content.length,
    content,
    read(position, length) {
      try {
        checkRange(position, length);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return Promise.resolve(content.subarray(Math.min(position, content.length), Math.min(position + length, content.length)));
    },
    release: () => Promise.resolve(),
  };
}

const scratchProblem = (folder: string, error: unknown): ScanError =>
  new ScanError(`the scan's temporary folder ${folder}: ${messageOf(error)}`, { cause: error, hint: 'free space there, or point TMPDIR at a folder with room' });

class SpilledFile implements HeldFile {
  private reader: Promise<FileHandle> | undefined;
  private released = false;

  constructor(
    private readonly scratch: ScratchSpace,
    private readonly file: string,
    readonly size: number,
  ) {}

  async read(position: number, length: number): Promise<Buffer> {
    checkRange(position, length);
    if (this.released) throw new Error('a spilled file was read after its release');
    const wanted = Math.max(0, Math.min(length, this.size - position));
    const buffer = Buffer.allocUnsafe(wanted);
    try {
      if (!this.reader) {
        this.reader = open(this.file, 'r');
        this.scratch.opened(this);
      }
      const handle = await this.reader;
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === wanted ? buffer : buffer.subarray(0, filled);
    } catch (error) {
      throw scratchProblem(path.dirname(this.file), error);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const reader = this.reader;
    this.reader = undefined;
    await (await reader?.catch(() => undefined))?.close().catch(() => undefined);
    this.scratch.closed(this);
    await rm(this.file, { force: true }).catch(() => undefined);
    this.scratch.returned(this.size);
  }
}

/** A file being spilled: chunks in order, then finish() or discard(). */
export class SpillWriter {
  private written = 0;
  private closed = false;

  constructor(
    private readonly scratch: ScratchSpace,
    private readonly file: string,
    private readonly handle: FileHandle,
  ) {
    scratch.opened(this);
  }

  async write(chunk: Buffer): Promise<void> {
    this.scratch.claim(chunk.length);
    this.written += chunk.length;
    try {
      let offset = 0;
      while (offset < chunk.length) offset += (await this.handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
    } catch (error) {
      throw scratchProblem(path.dirname(this.file), error);
    }
  }

  /** The spilled file, readable by position until released. */
  async finish(): Promise<HeldFile> {
    await this.close();
    return new SpilledFile(this.scratch, this.file, this.written);
  }

  /** Deletes what was written. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.file, { force: true }).catch(() => undefined);
    this.scratch.returned(this.written);
  }

  /** Closes the handle without finishing the file (the scan is ending); the folder is removed next. */
  async release(): Promise<void> {
    await this.close().catch(() => undefined);
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scratch.closed(this);
    try {
      await this.handle.close();
    } catch (error) {
      throw scratchProblem(path.dirname(this.file), error);
    }
  }
}

export class ScratchSpace {
  private folder: Promise<string> | undefined;
  private createdFolder: string | undefined;
  private next = 0;
  private held = 0;
  private disposed = false;
  /** Spills being written and spilled files being read: their handles are closed before the folder goes. */
  private readonly openFiles = new Set<{ release(): Promise<void> }>();

  /** `maxBytes`: the most the folder may hold at once (the layer size limit). */
  constructor(private readonly maxBytes: number) {}

  /** The folder, once a spill created it (for tests and messages). */
  get location(): string | undefined {
    return this.createdFolder;
  }

  /** Starts a new spill file. */
  async spill(): Promise<SpillWriter> {
    if (this.disposed) throw new ScanError('the scan has ended: its temporary folder is gone');
    this.folder ??= mkdtemp(path.join(tmpdir(), 'tollgate-scan-')).then(
      (created) => (this.createdFolder = created),
      (error: unknown) => {
        throw scratchProblem(tmpdir(), error);
      },
    );
    const folder = await this.folder;
    const file = path.join(folder, `spill-${this.next++}`);
    try {
      return new SpillWriter(this, file, await open(file, 'wx', 0o600));
    } catch (error) {
      throw scratchProblem(folder, error);
    }
  }

  /** Counts `bytes` against the bound; refuses them beyond it. */
  claim(bytes: number): void {
    if (this.held + bytes > this.maxBytes) {
      throw new HostileInputError(`the files this scan must read by position would take more than ${formatBytes(this.maxBytes)} of temporary space (the layer size limit)`, {
        hint: 'raise the layer size limit if this image is genuine',
      });
    }
    this.held += bytes;
  }

  returned(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  opened(file: { release(): Promise<void> }): void {
    this.openFiles.add(file);
  }

  closed(file: { release(): Promise<void> }): void {
    this.openFiles.delete(file);
  }

  /** Removes the folder and everything in it. Safe to call more than once, and when nothing was spilled. */
  async dispose(): Promise<void> {
    this.disposed = true;
    // A handle left open would keep the deleted file's space in use until the GC closed it.
    await Promise.all([...this.openFiles].map((file) => file.release()));
    const folder = this.folder;
    if (!folder) return;
    const created = await folder.catch(() => undefined);
    if (created) await rm(created, { recursive: true, force: true, maxRetries: 3 });
  }
}
