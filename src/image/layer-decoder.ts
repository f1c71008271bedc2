/**
 * Turns a stored layer blob into a stream of tar bytes: detects the compression from the bytes
 * (never from the declared media type, which real images get wrong), inflates gzip or zstd,
 * hashes the stored and the inflated bytes to verify the blob digest and the diff id, and stops a
 * decompression bomb by size and ratio.
 *
 * Never buffers a whole layer and never writes to disk.
 */
import { createHash, type Hash } from 'node:crypto';
import { Duplex, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { HostileInputError, ImageError } from '../errors.js';
import { formatBytes, type ScanLimits } from './limits.js';
import { ZstdFrameScanner } from './zstd-frames.js';

/** Stored bytes reach the inflater in pieces of at least this size (see HashingCounter). */
const STORED_BATCH_BYTES = 1024 * 1024;

export type LayerCompression = 'gzip' | 'zstd' | 'none';

export interface LayerDigests {
  compression: LayerCompression;
  /** `sha256:` of the stored bytes. */
  digest: string;
  /** `sha256:` of the uncompressed tar. */
  diffId: string;
  storedBytes: number;
  uncompressedBytes: number;
}

export interface LayerExpectations {
  /** Human label for errors: `layer 2 (sha256:ab12...)`. */
  label: string;
  /** Blob digest the stored bytes must hash to, when the source names one. */
  digest?: string;
  /** Diff id the uncompressed tar must hash to, when the image config names one. */
  diffId?: string;
}

export function detectCompression(prefix: Buffer): LayerCompression {
  if (prefix.length >= 2 && prefix[0] === 0x1f && prefix[1] === 0x8b) return 'gzip';
  if (prefix.length >= 4 && prefix.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/**
 * Hashes and counts what flows through, and calls `check` after every chunk. With `batchBytes`,
 * passes the bytes on in pieces of at least that size: a network body arrives in small chunks, and
 * each would otherwise cost the inflater one round trip to the thread pool.
 */
class HashingCounter extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly check: (bytes: number) => void = () => {},
    private readonly batchBytes = 0,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Hashed on the next turn of the event loop, not inside the write: the inflater upstream
    // hands over its output from the callback that also starts its next inflate on the thread
    // pool, and hashing in that callback would hold the next inflate back (cold scans ~5% slower).
    setImmediate(() => {
      if (this.destroyed) return;
      this.hash.update(chunk);
      this.bytes += chunk.length;
      try {
        this.check(this.bytes);
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (this.batchBytes === 0) {
        callback(null, chunk);
        return;
      }
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes >= this.batchBytes) this.release();
      callback();
    });
  }

  override _flush(callback: TransformCallback): void {
    this.release();
    callback();
  }

  private release(): void {
    if (this.heldBytes === 0) return;
    this.push(this.held.length === 1 ? this.held[0] : Buffer.concat(this.held, this.heldBytes));
    this.held = [];
    this.heldBytes = 0;
  }
}

/** Possible output of one push into the zstd decoder: the most it holds in memory at once. */
const ZSTD_PIECE_OUTPUT_BYTES = 4 * 1024 * 1024;

/**
 * Streaming zstd inflation on Node versions without a built-in zstd codec. The stored bytes pass
 * through a frame scanner first: a frame declaring a window over the limit is refused before the
 * decoder allocates it, the windows the frames make the decoder allocate count toward the bomb
 * ratio like output does (2,000 tiny frames each declaring a large window are a bomb of allocation),
 * and the decoder gets the stream in pieces of bounded output, each handed on before the next is
 * decoded: the consumer's pace bounds memory, not the frame.
 */
function zstdInflater(label: string, limits: ScanLimits): Duplex {
  return Duplex.from(async function* inflate(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const scanner = new ZstdFrameScanner({ maxWindowBytes: limits.maxZstdWindowBytes, pieceOutputBytes: ZSTD_PIECE_OUTPUT_BYTES, label });
    let pending: Buffer[] = [];
    const decoder = new ZstdDecompress((chunk) => {
      if (chunk.length > 0) pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    let stored = 0;
    let allocated = 0;
    const decode = (bytes: Uint8Array, final: boolean): Buffer[] => {
      try {
        decoder.push(bytes, final);
      } catch (error) {
        throw new Error(`zstd: ${(error as Error).message}`);
      }
      const out = pending;
      pending = [];
      return out;
    };
    for await (const chunk of source) {
      for (const piece of scanner.split(chunk)) {
        stored += piece.bytes.length;
        if (piece.frame) {
          allocated += piece.frame.windowBytes;
          if (allocated > limits.bombRatioFloorBytes && allocated > stored * limits.maxCompressionRatio) {
            throw new HostileInputError(
              `${label}: ${scanner.frameCount} zstd frames in ${formatBytes(stored)} declare windows of ${formatBytes(allocated)} in all, more than ${limits.maxCompressionRatio}:1; refusing a decompression bomb`,
            );
          }
        }
        yield* decode(new Uint8Array(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength), false);
      }
    }
    if (!scanner.complete) throw new Error('zstd: the stream ends inside a frame');
    yield* decode(new Uint8Array(0), true);
  });
}

function inflaterFor(compression: LayerCompression, label: string, limits: ScanLimits): Duplex | undefined {
  // 1 MiB of output per inflate step on the thread pool: a quarter of the round trips to this
  // thread that 256 KiB steps need.
  if (compression === 'gzip') return createGunzip({ chunkSize: 1024 * 1024 });
  if (compression === 'zstd') return zstdInflater(label, limits);
  return undefined;
}

/** Reads the first `count` bytes without consuming them (they are pushed back onto the stream). */
export function peekBytes(stream: Readable, count: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const finish = (): void => {
      cleanup();
      const buffer = Buffer.concat(chunks);
      if (buffer.length > 0 && !stream.readableEnded) stream.unshift(buffer);
      resolve(buffer.subarray(0, count));
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (length < count && (chunk = stream.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length >= count) finish();
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

export interface DecodedLayer {
  /** The uncompressed tar bytes. */
  tar: Readable;
  /** Resolves when the whole blob has been read; rejects on any digest or limit violation. */
  verified: Promise<LayerDigests>;
  /** The first error any decoding stage met, if one has: the root cause of a parser's failure. */
  failure(): Error | undefined;
  /** Stops decoding (the consumer gave up); `verified` then rejects. */
  abort(reason: Error): void;
}

/**
 * Decodes a stored layer blob. The caller must consume `tar` to the end (a tar parser does) and
 * then await `verified`: only a verified layer's entries are a result.
 */
export async function decodeLayer(stored: Readable, expect: LayerExpectations, limits: ScanLimits): Promise<DecodedLayer> {
  const prefix = await peekBytes(stored, 4);
  if (prefix.length === 0) throw new ImageError(`${expect.label}: the layer blob is empty`);
  const compression = detectCompression(prefix);

  const inflater = inflaterFor(compression, expect.label, limits);
  let charged = 0;
  const uncompressedCounter = new HashingCounter((bytes) => {
    limits.budget?.charge(bytes - charged, expect.label);
    charged = bytes;
    if (bytes > limits.maxLayerBytes) {
      throw new HostileInputError(
        `${expect.label}: more than ${formatBytes(limits.maxLayerBytes)} uncompressed; refusing a possible decompression bomb`,
        { hint: 'raise the limit with --max-layer-size if this image is genuine' },
      );
    }
    if (compression !== 'none' && bytes > limits.bombRatioFloorBytes && bytes > storedCounter.bytes * limits.maxCompressionRatio) {
      throw new HostileInputError(
        `${expect.label}: inflates more than ${limits.maxCompressionRatio}:1 (${formatBytes(storedCounter.bytes)} -> ${formatBytes(bytes)}); refusing a decompression bomb`,
      );
    }
  });
  // An uncompressed blob is its own tar: one hash gives both the digest and the diff id.
  const storedCounter = inflater ? new HashingCounter(undefined, STORED_BATCH_BYTES) : uncompressedCounter;

  const stages: Readable[] = inflater ? [stored, storedCounter, inflater, uncompressedCounter] : [stored, uncompressedCounter];
  for (let i = 0; i + 1 < stages.length; i++) (stages[i] as Readable).pipe(stages[i + 1] as Duplex);

  // `pipe` does not forward errors: route the first error of any stage to the tar consumer.
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    if (failure) return;
    failure = wrapDecodeError(error, compression, expect.label);
    uncompressedCounter.destroy(failure);
  };
  for (const stage of stages.slice(0, -1)) stage.on('error', fail);

  const verified = new Promise<LayerDigests>((resolve, reject) => {
    uncompressedCounter.on('error', (error) => reject(failure ?? wrapDecodeError(error, compression, expect.label)));
    uncompressedCounter.on('end', () => {
      if (failure) {
        reject(failure);
        return;
      }
      const diffId = `sha256:${uncompressedCounter.hash.digest('hex')}`;
      const digests: LayerDigests = {
        compression,
        digest: storedCounter === uncompressedCounter ? diffId : `sha256:${storedCounter.hash.digest('hex')}`,
        diffId,
        storedBytes: storedCounter.bytes,
        uncompressedBytes: uncompressedCounter.bytes,
      };
      if (expect.digest && expect.digest !== digests.digest) {
        reject(new ImageError(`${expect.label}: blob digest mismatch: expected ${expect.digest}, got ${digests.digest}`));
        return;
      }
      if (expect.diffId && expect.diffId !== digests.diffId) {
        reject(new ImageError(`${expect.label}: diff id mismatch: expected ${expect.diffId}, got ${digests.diffId}`));
        return;
      }
      resolve(digests);
    });
  });
  // A rejection is always observed by the caller through `verified`; avoid an unhandled warning
  // when the consumer fails first.
  verified.catch(() => {});
  return {
    tar: uncompressedCounter,
    verified,
    failure: () => failure,
    abort: (reason) => {
      for (const stage of stages) if (!stage.destroyed) stage.destroy(reason);
    },
  };
}

function wrapDecodeError(error: Error, compression: LayerCompression, label: string): Error {
  if (error instanceof ImageError) return error;
  const codec = compression === 'none' ? 'reading' : `${compression} decompression`;
  return new ImageError(`${label}: ${codec} failed: ${error.message} (truncated or corrupt layer?)`, { cause: error });
}
