/**
 * Walks the frames and blocks of a zstd stream without decoding them (RFC 8878, section 3.1), so
 * that a decoder is handed only frames whose declared window is within bounds, and never more than
 * a bounded amount of output at once: a block header says how much a block can regenerate (at most
 * 128 KiB), so cutting the stream between blocks bounds what one push into the decoder produces.
 *
 * Hand-written because no zstd decoder on npm that runs without a native build exposes its frame
 * headers or bounds its window: fzstd allocates whatever window a frame declares (up to 2 GiB) and
 * holds all the output of one push in memory.
 *
 * Never allocates more than a few bytes per header, whatever the input claims.
 */
import { HostileInputError, ImageError } from '../errors.js';
import { formatBytes } from './limits.js';

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use the magic numbers 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Block_Maximum_Size never exceeds 128 KiB (RFC 8878, 3.1.1.2). */
export const ZSTD_MAX_BLOCK_BYTES = 128 * 1024;

export interface ZstdFrameHeader {
  /** Bytes of history the decoder must keep: what it allocates for this frame. */
  windowBytes: number;
  /** Frame_Content_Size, when the frame declares it (may be past 2^53 for a lying header). */
  contentBytes?: number;
}

/** A slice of the stored stream, cut between blocks, to hand to the decoder in one push. */
export interface ZstdPiece {
  bytes: Buffer;
  /** The frame whose header ends in this piece, if one does (never more than one). */
  frame?: ZstdFrameHeader;
}

type State =
  | { kind: 'magic' }
  | { kind: 'descriptor' }
  | { kind: 'header-rest'; descriptor: number; length: number }
  | { kind: 'skippable-size' }
  | { kind: 'skip'; remaining: number; then: 'magic' | 'block-header' }
  | { kind: 'block-header' }
  | { kind: 'checksum' };

export interface ZstdScanOptions {
  maxWindowBytes: number;
  /** A piece is cut after the block that brings its possible output to this many bytes. */
  pieceOutputBytes: number;
  label: string;
}

function readLittleEndian(bytes: Buffer, offset: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (bytes[offset + i] as number);
  return value;
}

export class ZstdFrameScanner {
  private state: State = { kind: 'magic' };
  /** Header bytes gathered across chunks; never more than 14. */
  private header: number[] = [];
  private checksumFlag = false;
  private lastBlock = false;
  private frames = 0;
  private inFrame = false;
  /** Output the blocks of the current piece may produce. */
  private pieceOutput = 0;
  /** The frame whose header was read in the current piece. */
  private frame: ZstdFrameHeader | undefined;

  constructor(private readonly options: ZstdScanOptions) {}

  /** Bytes a header state needs before it can be parsed. */
  private needed(): number {
    switch (this.state.kind) {
      case 'magic':
      case 'skippable-size':
      case 'checksum':
        return 4;
      case 'descriptor':
        return 1;
      case 'header-rest':
        return this.state.length;
      case 'block-header':
        return 3;
      default:
        return 0;
    }
  }

  private corrupt(problem: string): ImageError {
    return new ImageError(`${this.options.label}: zstd decompression failed: ${problem} (truncated or corrupt layer?)`);
  }

  /** Splits `chunk` into pieces for the decoder; throws on a frame it must not decode. */
  split(chunk: Buffer): ZstdPiece[] {
    const pieces: ZstdPiece[] = [];
    let start = 0;
    let offset = 0;
    const cut = (end: number): void => {
      if (end > start) pieces.push({ bytes: chunk.subarray(start, end), ...(this.frame ? { frame: this.frame } : {}) });
      start = end;
      this.pieceOutput = 0;
      this.frame = undefined;
    };
    while (offset < chunk.length) {
      const state = this.state;
      if (state.kind === 'skip') {
        const step = Math.min(state.remaining, chunk.length - offset);
        offset += step;
        state.remaining -= step;
        if (state.remaining > 0) continue;
        if (state.then === 'magic') this.state = { kind: 'magic' };
        else this.afterBlock();
      } else {
        this.header.push(chunk[offset] as number);
        offset += 1;
        if (this.header.length < this.needed()) continue;
        const bytes = Buffer.from(this.header);
        this.header = [];
        this.parse(state, bytes);
      }
      // Cut where a frame ends (a piece never holds the end of two), and between blocks once the
      // piece may produce enough output.
      if (this.state.kind === 'magic' && !this.inFrame) cut(offset);
      else if (this.state.kind === 'block-header' && this.pieceOutput >= this.options.pieceOutputBytes) cut(offset);
    }
    cut(chunk.length);
    return pieces;
  }

  /** True when the stream ended between frames (nothing more was expected). */
  get complete(): boolean {
    return this.state.kind === 'magic' && this.header.length === 0;
  }

  get frameCount(): number {
    return this.frames;
  }

  private afterBlock(): void {
    if (!this.lastBlock) {
      this.state = { kind: 'block-header' };
      return;
    }
    if (this.checksumFlag) {
      this.state = { kind: 'checksum' };
      return;
    }
    this.endFrame();
  }

  private endFrame(): void {
    this.inFrame = false;
    this.state = { kind: 'magic' };
  }

  private parse(state: State, bytes: Buffer): void {
    switch (state.kind) {
      case 'magic': {
        const magic = bytes.readUInt32LE(0);
        if (magic === ZSTD_MAGIC) {
          this.state = { kind: 'descriptor' };
          this.inFrame = true;
          return;
        }
        if (((magic & SKIPPABLE_MAGIC_MASK) >>> 0) === SKIPPABLE_MAGIC) {
          this.state = { kind: 'skippable-size' };
          this.inFrame = true;
          return;
        }
        throw this.corrupt(`no zstd frame at this point (magic 0x${magic.toString(16).padStart(8, '0')})`);
      }
      case 'skippable-size': {
        const size = bytes.readUInt32LE(0);
        this.inFrame = false;
        this.state = size === 0 ? { kind: 'magic' } : { kind: 'skip', remaining: size, then: 'magic' };
        return;
      }
      case 'descriptor': {
        const descriptor = bytes[0] as number;
        if (descriptor & 0x08) throw this.corrupt('a frame header sets its reserved bit');
        const singleSegment = (descriptor >> 5) & 1;
        const contentSizeFlag = descriptor >> 6;
        const dictionaryBytes = [0, 1, 2, 4][descriptor & 3] as number;
        const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : 1 << contentSizeFlag;
        const length = (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
        this.checksumFlag = ((descriptor >> 2) & 1) === 1;
        if (length === 0) {
          // Not reachable: a frame without a window descriptor has a content size.
          throw this.corrupt('a frame header declares neither a window nor a content size');
        }
        this.state = { kind: 'header-rest', descriptor, length };
        return;
      }
      case 'header-rest':
        this.frame = this.frameHeader(state.descriptor, bytes);
        return;
      case 'block-header': {
        const value = readLittleEndian(bytes, 0, 3);
        this.lastBlock = (value & 1) === 1;
        const type = (value >> 1) & 3;
        const size = value >>> 3;
        if (type === 3) throw this.corrupt('a block of the reserved type');
        if (size > ZSTD_MAX_BLOCK_BYTES) throw this.corrupt(`a block of ${size} bytes, over the 128 KiB every block is limited to`);
        // Raw: `size` bytes stored and produced. RLE: one byte stored, `size` produced. Compressed:
        // `size` stored, at most 128 KiB produced.
        const body = type === 1 ? 1 : size;
        this.pieceOutput += type === 2 ? ZSTD_MAX_BLOCK_BYTES : size;
        if (body === 0) {
          this.afterBlock();
          return;
        }
        this.state = { kind: 'skip', remaining: body, then: 'block-header' };
        return;
      }
      case 'checksum':
        this.endFrame();
        return;
      default:
    }
  }

  private frameHeader(descriptor: number, bytes: Buffer): ZstdFrameHeader {
    const singleSegment = (descriptor >> 5) & 1;
    const contentSizeFlag = descriptor >> 6;
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3] as number;
    let offset = 0;
    let windowBytes = 0;
    if (!singleSegment) {
      const windowDescriptor = bytes[0] as number;
      const windowBase = 2 ** (10 + (windowDescriptor >> 3));
      windowBytes = windowBase + (windowBase / 8) * (windowDescriptor & 7);
      offset = 1;
    }
    offset += dictionaryBytes;
    const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : 1 << contentSizeFlag;
    let contentBytes: number | undefined;
    if (contentSizeBytes > 0) contentBytes = readLittleEndian(bytes, offset, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
    // A single-segment frame's window is its whole content.
    if (singleSegment) windowBytes = contentBytes ?? 0;
    this.frames += 1;
    if (windowBytes > this.options.maxWindowBytes) {
      throw new HostileInputError(
        `${this.options.label}: zstd frame ${this.frames} declares a window of ${formatBytes(windowBytes)}, over the ${formatBytes(this.options.maxWindowBytes)} a decoder may allocate; refusing it`,
      );
    }
    this.state = { kind: 'block-header' };
    return { windowBytes, ...(contentBytes === undefined ? {} : { contentBytes }) };
  }
}
