/**
 * rpm's own "ndb" package database (`Packages.db`, rpm 4.15 and later: SUSE Linux Enterprise 15
 * SP3+, openSUSE), little-endian throughout. A 32-byte file header (`RpmP`, version, generation,
 * the number of 4 KiB slot pages, the next package index) is followed by 16-byte slots (`Slot`,
 * package index, block offset, block count) filling the slot pages; a slot with package index 0 is
 * free. Each used slot points, in 16-byte blocks, at a blob: a 16-byte head (`BlbS`, package
 * index, generation, length), the header blob, zero padding to a whole block, and a 12-byte tail
 * (Adler-32 of everything before it, length, `BlbE`).
 *
 * Every slot, offset and length is checked against the file; a blob whose head, tail or checksum
 * does not agree with its slot is skipped with a warning naming it, a file header that does not
 * hold is an error.
 */
import type { HeaderBlobs } from './berkeley-db.js';

export class NdbError extends Error {
  override readonly name = 'NdbError';
}

const fourcc = (text: string): number => Buffer.from(text, 'latin1').readUInt32LE(0);
const FILE_MAGIC = fourcc('RpmP');
const SLOT_MAGIC = fourcc('Slot');
const BLOB_HEAD_MAGIC = fourcc('BlbS');
const BLOB_TAIL_MAGIC = fourcc('BlbE');
const FILE_HEADER_SIZE = 32;
const SLOT_PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;

export function isNdb(content: Buffer): boolean {
  return content.length >= FILE_HEADER_SIZE && content.readUInt32LE(0) === FILE_MAGIC;
}

/**
 * Adler-32 (RFC 1950) from a starting value, as rpm checksums a blob's head and data. Written here
 * because Node's zlib exposes no Adler-32, and this one is twelve lines.
 */
export function adler32(data: Buffer, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let offset = 0; offset < data.length; ) {
    const end = Math.min(offset + 3800, data.length);
    for (; offset < end; offset++) {
      a += data[offset] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The header blobs of a Packages.db file, in slot order. */
export function ndbHeaderBlobs(content: Buffer): HeaderBlobs {
  if (!isNdb(content)) throw new NdbError('not an rpm ndb database (no RpmP magic)');
  const version = content.readUInt32LE(4);
  if (version !== 0) throw new NdbError(`ndb format version ${version}; only version 0 exists`);
  const slotPages = content.readUInt32LE(12);
  if (slotPages === 0 || slotPages * SLOT_PAGE_SIZE > content.length) throw new NdbError(`the file header claims ${slotPages} slot pages, the file holds ${Math.floor(content.length / SLOT_PAGE_SIZE)}`);
  const warnings: string[] = [];
  const blobs: Buffer[] = [];
  const slotsEnd = slotPages * SLOT_PAGE_SIZE;
  for (let at = FILE_HEADER_SIZE; at + SLOT_SIZE <= slotsEnd; at += SLOT_SIZE) {
    const slot = (at - FILE_HEADER_SIZE) / SLOT_SIZE;
    if (content.readUInt32LE(at) !== SLOT_MAGIC) throw new NdbError(`slot ${slot} has no Slot magic: the slot pages are corrupt`);
    const packageIndex = content.readUInt32LE(at + 4);
    if (packageIndex === 0) continue;
    const blockOffset = content.readUInt32LE(at + 8);
    const blockCount = content.readUInt32LE(at + 12);
    const start = blockOffset * BLOCK_SIZE;
    const end = start + blockCount * BLOCK_SIZE;
    const where = `package ${packageIndex} (slot ${slot})`;
    if (start < slotsEnd || blockCount * BLOCK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE || end > content.length) {
      warnings.push(`${where}: its blocks ${blockOffset}+${blockCount} are outside the file's data area; skipped`);
      continue;
    }
    const length = content.readUInt32LE(start + 12);
    const expectedBlocks = Math.ceil((BLOB_HEAD_SIZE + length + BLOB_TAIL_SIZE) / BLOCK_SIZE);
    if (content.readUInt32LE(start) !== BLOB_HEAD_MAGIC || content.readUInt32LE(start + 4) !== packageIndex || expectedBlocks !== blockCount) {
      warnings.push(`${where}: the blob's head does not match its slot; skipped`);
      continue;
    }
    const tail = end - BLOB_TAIL_SIZE;
    if (content.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC || content.readUInt32LE(tail + 4) !== length) {
      warnings.push(`${where}: the blob's tail does not match its head; skipped`);
      continue;
    }
    const blob = content.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + length);
    // The checksum covers the head, the blob and the zero padding up to the tail.
    const checksum = adler32(content.subarray(start, tail));
    if (checksum !== content.readUInt32LE(tail)) {
      warnings.push(`${where}: the blob's checksum does not match; skipped`);
      continue;
    }
    blobs.push(Buffer.from(blob));
  }
  return { blobs, warnings };
}
