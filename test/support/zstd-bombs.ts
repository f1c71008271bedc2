/**
 * Hand-built zstd streams that lie (RFC 8878 frame and block headers written byte by byte): a few
 * hundred KiB of RLE blocks declaring gigabytes of output, and many tiny frames each declaring a
 * huge window. The zstd CLI never writes these; an attacker does.
 */
const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const RLE_BLOCK_BYTES = 128 * 1024;

/** A frame header with a window descriptor (not single-segment), no dictionary, no content size. */
function frameHeader(windowLog: number, mantissa = 0): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([0x00, ((windowLog - 10) << 3) | mantissa])]);
}

/** A block header: `last`, type (0 raw, 1 RLE, 2 compressed), size (21 bits). */
export function blockHeader(last: boolean, type: number, size: number): Buffer {
  const value = (last ? 1 : 0) | (type << 1) | (size << 3);
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

/**
 * One frame of `blocks` RLE blocks of 128 KiB of `byte` each: 4 stored bytes per 128 KiB produced.
 * 80,000 blocks are 0.3 MB declaring 10 GiB.
 */
export function rleBomb(blocks: number, byte = 0): Buffer {
  const parts: Buffer[] = [frameHeader(17)];
  for (let i = 0; i < blocks; i++) parts.push(blockHeader(i === blocks - 1, 1, RLE_BLOCK_BYTES), Buffer.from([byte]));
  return Buffer.concat(parts);
}

/** A single-segment frame declaring `contentBytes` of content (8-byte Frame_Content_Size), then one empty raw block. */
export function declaredContentFrame(contentBytes: bigint): Buffer {
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(contentBytes);
  return Buffer.concat([MAGIC, Buffer.from([0xe0]), size, blockHeader(true, 0, 0)]);
}

/**
 * `frames` tiny frames, each declaring a window of 2^windowLog (+ mantissa eighths) bytes and
 * holding one empty raw block: 9 bytes a frame. Window log 30 with mantissa 7 is 1.875 GiB.
 */
export function windowFrames(frames: number, windowLog: number, mantissa = 0): Buffer {
  const frame = Buffer.concat([frameHeader(windowLog, mantissa), blockHeader(true, 0, 0)]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}
