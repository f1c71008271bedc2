/**
 * Reads the entries of a layer tar as LayerEntry values, in archive order, validating every name
 * (no `..`, no NUL) and counting entries against the limit. Content is read only when the caller
 * asks for it; everything else is skipped as it streams by.
 *
 * The tar format itself is parsed by tar-stream (ustar, GNU long names, pax headers).
 */
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { HostileInputError, ImageError, isTollgateError, messageOf } from '../errors.js';
import { decodeLayer, type LayerDigests, type LayerExpectations } from './layer-decoder.js';
import type { LayerEntry, LayerEntryKind } from './layer-entry.js';
import { formatBytes, type ScanLimits } from './limits.js';
import { normalizeEntryPath } from './paths.js';

function kindOf(type: string | null | undefined): LayerEntryKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

async function collect(stream: AsyncIterable<unknown>, expected: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    length += buffer.length;
  }
  if (length !== expected) throw new ImageError(`entry content ended after ${length} of ${expected} bytes`);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
}

type OnChunk = Parameters<NonNullable<LayerEntry['readChunks']>>[1];

/** One entry: an object per entry, its readers on the prototype (the walk meets millions). */
class TarEntry implements LayerEntry {
  readonly linkTarget?: string;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  consumed = false;

  constructor(
    private readonly label: string,
    readonly path: string,
    readonly kind: LayerEntryKind,
    readonly size: number,
    linkTarget: string | undefined,
    header: tarStream.Header,
    private readonly content: AsyncIterable<unknown>,
  ) {
    if (linkTarget !== undefined) this.linkTarget = linkTarget;
    if (header.mode !== undefined) this.mode = header.mode;
    if (header.uid !== undefined) this.uid = header.uid;
    if (header.gid !== undefined) this.gid = header.gid;
  }

  private claim(limit: number): void {
    if (this.consumed) throw new Error(`${this.label}: ${this.path} was already read`);
    this.consumed = true;
    if (this.size > limit) {
      throw new HostileInputError(`${this.label}: ${this.path} is ${formatBytes(this.size)}, over the ${formatBytes(limit)} limit for this kind of file`);
    }
  }

  private unreadable(error: unknown): Error {
    return isTollgateError(error) ? error : new ImageError(`${this.label}: ${this.path}: content unreadable (${messageOf(error)}); truncated or corrupt layer?`, { cause: error });
  }

  async read(limit: number): Promise<Buffer> {
    this.claim(limit);
    try {
      return await collect(this.content, this.size);
    } catch (error) {
      throw this.unreadable(error);
    }
  }

  async readChunks(limit: number, onChunk: OnChunk): Promise<void> {
    this.claim(limit);
    try {
      let length = 0;
      let wanted = true;
      // A consumer that stops early is no reason to destroy the entry (that would end the whole
      // archive): the rest streams by unread.
      for await (const chunk of this.content) {
        length += (chunk as Buffer).length;
        if (wanted && (await onChunk(chunk as Buffer)) === false) wanted = false;
      }
      if (length !== this.size) throw new ImageError(`entry content ended after ${length} of ${this.size} bytes`);
    } catch (error) {
      throw this.unreadable(error);
    }
  }
}

/** Tar entries of an already-uncompressed tar stream. */
export async function* readTarEntries(tar: Readable, label: string, limits: ScanLimits): AsyncGenerator<LayerEntry> {
  const extract = tarStream.extract();
  tar.on('error', (error) => extract.destroy(error));
  tar.pipe(extract);
  let count = 0;
  try {
    for await (const entry of extract) {
      count += 1;
      if (count > limits.maxLayerEntries) {
        throw new HostileInputError(`${label}: more than ${limits.maxLayerEntries} entries`, {
          hint: 'raise the limit with --max-layer-entries if this image is genuine',
        });
      }
      const header = entry.header;
      const path = normalizeEntryPath(header.name, label);
      const kind = kindOf(header.type);
      const size = kind === 'file' ? (header.size ?? 0) : 0;
      let linkTarget: string | undefined;
      if (kind === 'symlink') linkTarget = header.linkname ?? '';
      if (kind === 'hardlink') linkTarget = normalizeEntryPath(header.linkname ?? '', `${label}: hard link ${path}`);
      const layerEntry = new TarEntry(label, path, kind, size, linkTarget, header, entry);
      yield layerEntry;
      if (!layerEntry.consumed) entry.resume();
    }
  } catch (error) {
    throw isTollgateError(error) ? error : new ImageError(`${label}: not a readable tar: ${messageOf(error)}`, { cause: error });
  } finally {
    if (!extract.destroyed) extract.destroy();
  }
}

/**
 * Entries of a stored layer blob (compressed or not). After the last entry the blob's digests are
 * verified against `expect`; a mismatch is thrown from the iteration, so a consumer that reached
 * the end without an error has seen a verified layer. `onVerified` receives the digests.
 */
export async function* readLayerBlob(
  stored: Readable,
  expect: LayerExpectations,
  limits: ScanLimits,
  onVerified?: (digests: LayerDigests) => void,
): AsyncGenerator<LayerEntry> {
  const decoded = await decodeLayer(stored, expect, limits);
  try {
    yield* readTarEntries(decoded.tar, expect.label, limits);
  } catch (error) {
    // Prefer the decoder's own error (a bomb, a corrupt stream) over the parser's symptom of it.
    const cause = decoded.failure() ?? error;
    decoded.abort(cause instanceof Error ? cause : new Error(String(cause)));
    throw cause;
  }
  // Only a verified layer's entries are a result: this throws on a digest mismatch.
  const digests = await decoded.verified;
  onVerified?.(digests);
}
