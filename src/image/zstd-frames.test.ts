import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { Decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { HostileInputError, ImageError } from '../errors.js';
import { declaredContentFrame, rleBomb, windowFrames } from '../../test/support/zstd-bombs.js';
import { decodeLayer } from './layer-decoder.js';
import { resolveLimits, withBudget } from './limits.js';
import { ZstdFrameScanner, type ZstdPiece } from './zstd-frames.js';

const MiB = 1024 * 1024;
const scanner = (maxWindowBytes = 128 * MiB, pieceOutputBytes = 4 * MiB) => new ZstdFrameScanner({ maxWindowBytes, pieceOutputBytes, label: 'layer 0' });

function zstd(input: Buffer, ...args: string[]): Buffer {
  return execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 });
}

/** Splits `stream` as delivered in chunks of `chunkBytes`. */
function splitAll(stream: Buffer, chunkBytes: number, frames = scanner()): ZstdPiece[] {
  const pieces: ZstdPiece[] = [];
  for (let offset = 0; offset < stream.length; offset += chunkBytes) pieces.push(...frames.split(stream.subarray(offset, offset + chunkBytes)));
  return pieces;
}

function decodePieces(pieces: readonly ZstdPiece[]): Buffer {
  const out: Buffer[] = [];
  const decoder = new Decompress((chunk) => out.push(Buffer.from(chunk)));
  for (const piece of pieces) decoder.push(piece.bytes);
  decoder.push(new Uint8Array(0), true);
  return Buffer.concat(out);
}

describe('zstd frame scanner', () => {
  const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `line ${i} of a layer\n`).join(''));
  const noise = randomBytes(300_000);
  // Several frames (as pzstd and concatenated streams write them), a skippable frame, checksums on and off.
  const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), Buffer.from([5, 0, 0, 0]), Buffer.from('hello')]);
  const stream = Buffer.concat([zstd(text, '-3'), skippable, zstd(noise, '-1', '--no-check'), zstd(Buffer.alloc(0)), zstd(text, '-19', '--content-size')]);

  it.each([1, 7, 4096, 1 << 20])('walks real zstd output in chunks of %i bytes: the pieces are the stream, cut between frames, and decode to the content', (chunkBytes) => {
    const frames = scanner();
    const pieces = splitAll(stream, chunkBytes, frames);
    expect(frames.complete).toBe(true);
    expect(frames.frameCount).toBe(4);
    expect(Buffer.concat(pieces.map((piece) => piece.bytes)).equals(stream)).toBe(true);
    expect(decodePieces(pieces).equals(Buffer.concat([text, noise, text]))).toBe(true);
    expect(pieces.filter((piece) => piece.frame).length).toBe(4);
  });

  it('cuts a frame of RLE blocks into pieces of bounded possible output', () => {
    const pieces = splitAll(rleBomb(1000), 1 << 20, scanner(128 * MiB, MiB));
    // 1000 blocks of 128 KiB: 125 MiB in pieces of at most 1 MiB (8 blocks) each.
    expect(pieces.length).toBeGreaterThanOrEqual(125);
    for (const piece of pieces) expect(piece.bytes.length).toBeLessThanOrEqual(8 * 4 + 6);
  });

  it('refuses a window over the limit before anything allocates it, naming its size', () => {
    expect(() => scanner().split(windowFrames(2000, 30, 7))).toThrow(/zstd frame 1 declares a window of 1\.9 GiB, over the 128\.0 MiB a decoder may allocate/);
    expect(() => scanner().split(declaredContentFrame(10n * 1024n ** 3n))).toThrow(HostileInputError);
    expect(scanner().split(windowFrames(3, 27)).length).toBe(3);
  });

  it('refuses reserved bits, reserved block types, oversized blocks and foreign magic as a corrupt layer', () => {
    const frame = (descriptor: number, block: number[]) => Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, 0x38, ...block]);
    expect(() => scanner().split(frame(0x08, [1, 0, 0]))).toThrow(/reserved bit/);
    expect(() => scanner().split(frame(0x00, [0x07, 0, 0]))).toThrow(/reserved type/);
    expect(() => scanner().split(frame(0x00, [0x03, 0x00, 0x20]))).toThrow(/over the 128 KiB/);
    expect(() => scanner().split(Buffer.from('not zstd at all'))).toThrow(ImageError);
  });

  it('never fails on any input but with an ImageError, and always hands on exactly the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (tail, chunkBytes) => {
        const input = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from(tail)]);
        try {
          const pieces = splitAll(input, chunkBytes);
          expect(Buffer.concat(pieces.map((piece) => piece.bytes)).equals(input)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ImageError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cuts the same stream the same way whatever the chunk sizes', () => {
    const small = Buffer.concat([zstd(text.subarray(0, 3000), '-3'), windowFrames(5, 12), zstd(Buffer.from('x'), '-1')]);
    const reference = Buffer.concat(splitAll(small, small.length).map((piece) => piece.bytes)).length;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (chunkBytes) => {
        const frames = scanner();
        const pieces = splitAll(small, chunkBytes, frames);
        expect(frames.complete).toBe(true);
        expect(frames.frameCount).toBe(7);
        expect(pieces.reduce((sum, piece) => sum + piece.bytes.length, 0)).toBe(reference);
      }),
      { numRuns: 100 },
    );
  });
});

async function drain(blob: Buffer, limits = withBudget(resolveLimits())): Promise<unknown> {
  const decoded = await decodeLayer(Readable.from([blob]), { label: 'layer 0' }, limits);
  decoded.tar.resume();
  return decoded.verified.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('zstd layers', () => {
  it('stop 0.3 MB of RLE blocks declaring 10 GiB by ratio, without holding the output', async () => {
    const bomb = rleBomb(80_000);
    expect(bomb.length).toBeLessThan(330_000);
    const before = process.memoryUsage().rss;
    const error = await drain(bomb);
    expect(error).toBeInstanceOf(HostileInputError);
    expect((error as Error).message).toMatch(/inflates more than 1000:1 .*decompression bomb/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * MiB);
  });

  it('stop 2,000 tiny frames each declaring a 1.9 GiB window at the first frame', async () => {
    const error = await drain(windowFrames(2000, 30, 7));
    expect(error).toBeInstanceOf(HostileInputError);
    expect((error as Error).message).toMatch(/zstd frame 1 declares a window of 1\.9 GiB/);
  });

  it('count the windows many frames allocate toward the bomb ratio', async () => {
    // 2,000 frames of 128 MiB windows (each within the limit): 250 GiB of allocation from 18 KB.
    const error = await drain(windowFrames(2000, 27));
    expect(error).toBeInstanceOf(HostileInputError);
    expect((error as Error).message).toMatch(/zstd frames in .* declare windows of .* in all, more than 1000:1/);
  });

  it('refuse a stream that ends inside a frame', async () => {
    const whole = zstd(Buffer.from('content'.repeat(100)));
    const error = await drain(whole.subarray(0, whole.length - 3));
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toMatch(/zstd decompression failed/);
  });

  it('charge what they inflate to the scan budget', async () => {
    const limits = withBudget(resolveLimits({ maxScanBytes: 10 * MiB }));
    const error = await drain(rleBomb(200), limits);
    expect((error as Error).message).toMatch(/inflate to more than 10\.0 MiB in all, over the scan's budget/);
  });
});
