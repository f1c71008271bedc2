/**
 * `dir:<rootfs>`: an extracted root filesystem (a chroot, a mounted disk image, or this host's
 * `/`). It is one "layer" without a diff id, walked in place: directories are listed, never
 * followed through symlinks; a file is opened relative to the root with O_NOFOLLOW, so a symlink
 * planted in the tree can never make the scan read outside it. Symlinks are reported as entries
 * and resolved by the inventory inside the root, as for an image.
 *
 * Pseudo filesystems (`proc`, `sys`, `dev` at the root) are skipped: they hold no packages and
 * reading them can hang.
 */
import { constants, type Dirent } from 'node:fs';
import { lstat, open, opendir, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { HostileInputError, ImageError } from '../../errors.js';
import type { ImageSummary } from '../../model/image-scan.js';
import type { LayerEntries, LayerEntry, LayerEntryKind } from '../layer-entry.js';
import { summarizeImage } from '../image-summary.js';
import { formatBytes, type ScanLimits } from '../limits.js';
import { joinPath } from '../paths.js';
import type { ImageSource, LayerDescriptor } from '../source.js';

export const SKIPPED_ROOT_DIRS = ['proc', 'sys', 'dev'];

function kindOf(dirent: Dirent): LayerEntryKind {
  if (dirent.isFile()) return 'file';
  if (dirent.isDirectory()) return 'directory';
  if (dirent.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * Opens a regular file without following a link at its own name, refusing one that changed type
 * since the walk saw it or is over `limit`; the caller closes the handle.
 */
async function openFileNoFollow(file: string, limit: number, shown: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw new ImageError(`${shown}: cannot open (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ImageError(`${shown}: changed type while scanning`);
    if (stats.size > limit) throw new HostileInputError(`${shown} is ${formatBytes(stats.size)}, over the ${formatBytes(limit)} limit for this kind of file`);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readFileNoFollow(file: string, limit: number, shown: string): Promise<Buffer> {
  const handle = await openFileNoFollow(file, limit, shown);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

const CHUNK_BYTES = 64 * 1024;

async function readChunksNoFollow(file: string, limit: number, shown: string, onChunk: OnChunk): Promise<void> {
  const handle = await openFileNoFollow(file, limit, shown);
  try {
    let total = 0;
    for (;;) {
      // A fresh buffer per chunk: the consumer may keep the chunks it is given.
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(CHUNK_BYTES), 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      total += bytesRead;
      if (total > limit) throw new HostileInputError(`${shown} grew past the ${formatBytes(limit)} limit for this kind of file while scanning`);
      if ((await onChunk(buffer.subarray(0, bytesRead))) === false) return;
    }
  } finally {
    await handle.close();
  }
}

type OnChunk = Parameters<NonNullable<LayerEntry['readChunks']>>[1];

/** One entry of the walk; size and mode come from stat(), asked only for the files an analyzer may want. */
class DirectoryEntry implements LayerEntry {
  readonly size = 0;

  constructor(
    readonly path: string,
    readonly kind: LayerEntryKind,
    readonly linkTarget: string | undefined,
    private readonly onDisk: string,
  ) {}

  read(limit: number): Promise<Buffer> {
    return readFileNoFollow(this.onDisk, limit, this.path);
  }

  readChunks(limit: number, onChunk: OnChunk): Promise<void> {
    return readChunksNoFollow(this.onDisk, limit, this.path, onChunk);
  }

  async stat(): Promise<{ size: number; mode: number | undefined }> {
    try {
      const stats = await lstat(this.onDisk);
      return { size: stats.size, mode: stats.mode };
    } catch (error) {
      throw new ImageError(`${this.path}: cannot stat (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
}

export class DirectorySource implements ImageSource {
  // A `.wh.` name in a folder is an ordinary file: no layer below it to white out.
  readonly layersHaveWhiteouts = false;
  readonly warnings: string[] = [];

  private constructor(
    readonly image: ImageSummary,
    readonly layers: readonly LayerDescriptor[],
    private readonly root: string,
    private readonly limits: ScanLimits,
  ) {}

  static async open(reference: string, dir: string, limits: ScanLimits): Promise<DirectorySource> {
    let root: string;
    try {
      root = await realpath(dir);
    } catch {
      throw new ImageError(`${dir}: no such folder`);
    }
    const stats = await lstat(root);
    if (!stats.isDirectory()) throw new ImageError(`${dir}: not a folder`);
    const layers: LayerDescriptor[] = [{ index: 0 }];
    return new DirectorySource(summarizeImage({ reference, source: 'dir', layers }), layers, root, limits);
  }

  openLayer(index: number): LayerEntries {
    if (index !== 0) throw new ImageError(`a folder has one layer; layer ${index} does not exist`);
    return this.walk();
  }

  private async *walk(): AsyncGenerator<LayerEntry> {
    const { root, limits, warnings } = this;
    const pending: string[] = ['/'];
    let count = 0;
    while (pending.length > 0) {
      const folder = pending.pop() as string;
      let listing;
      try {
        listing = await opendir(path.join(root, folder), { bufferSize: 256 });
      } catch (error) {
        warnings.push(`${folder}: not listed (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      for await (const dirent of listing) {
        if (folder === '/' && SKIPPED_ROOT_DIRS.includes(dirent.name)) continue;
        count += 1;
        if (count > limits.maxLayerEntries) {
          throw new HostileInputError(`${root}: more than ${limits.maxLayerEntries} entries`, { hint: 'raise the limit with --max-layer-entries' });
        }
        const entryPath = joinPath(folder, dirent.name);
        const kind = kindOf(dirent);
        if (kind === 'directory') pending.push(entryPath);
        const onDisk = path.join(root, entryPath);
        let linkTarget: string | undefined;
        if (kind === 'symlink') {
          try {
            linkTarget = await readlink(onDisk);
          } catch {
            continue;
          }
        }
        yield new DirectoryEntry(entryPath, kind, linkTarget, onDisk);
      }
    }
  }

  async close(): Promise<void> {}
}
