/**
 * A random-access index of an uncompressed tar file on disk: name -> (offset, size, type).
 *
 * Written by hand because the tar libraries for Node only stream an archive front to back; a
 * docker-archive holds whole layers, and the scan must be able to skip a layer it has cached or
 * read two layers at once without reading everything before them. It reads only the 512-byte
 * headers and seeks over the data. Understands ustar (with prefix), GNU long names (`L`/`K`) and
 * pax extended headers (`path`, `linkpath`, `size`); verifies header checksums; refuses entries
 * that run past the end of the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { HostileInputError, ImageError } from '../errors.js';

const BLOCK = 512;
const MAX_LONG_HEADER = 1024 * 1024;

export interface TarIndexEntry {
  name: string;
  /** `file`, `directory`, `symlink`, `hardlink` or `other`. */
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** Offset of the entry's data in the file. */
  offset: number;
  size: number;
  linkname?: string;
}

function readString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function readNumber(block: Buffer, start: number, length: number, context: string): number {
  const field = block.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    // GNU base-256 encoding for sizes above 8 GiB.
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] as number);
    if (!Number.isSafeInteger(value)) throw new ImageError(`${context}: size field out of range`);
    return value;
  }
  const text = readString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ImageError(`${context}: invalid numeric field "${text}"`);
  return Number.parseInt(text, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = readString(block, 148, 8).trim();
  if (!/^[0-7]+$/.test(stored)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === Number.parseInt(stored, 8);
}

function typeOf(flag: string): TarIndexEntry['type'] {
  switch (flag) {
    case '0':
    case '':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

function parsePax(data: Buffer, context: string): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(position, space).toString('ascii'), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || position + length > data.length) {
      throw new ImageError(`${context}: malformed pax header`);
    }
    const record = data.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** Indexes every entry of the tar in `handle`. Later entries with the same name replace earlier ones. */
export async function indexTarFile(handle: FileHandle, fileSize: number, label: string, maxEntries: number): Promise<Map<string, TarIndexEntry>> {
  const entries = new Map<string, TarIndexEntry>();
  const block = Buffer.alloc(BLOCK);
  let position = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> | undefined;
  let count = 0;

  const readAt = async (buffer: Buffer, offset: number): Promise<void> => {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    if (bytesRead !== buffer.length) throw new ImageError(`${label}: truncated archive (ends inside an entry at byte ${offset})`);
  };

  while (position + BLOCK <= fileSize) {
    await readAt(block, position);
    if (isZeroBlock(block)) return entries;
    const context = `${label}: header at byte ${position}`;
    if (!checksumMatches(block)) throw new ImageError(`${context}: bad checksum (not a tar archive, or corrupt)`);
    const flag = String.fromCharCode(block[156] as number).replace('\0', '');
    const size = readNumber(block, 124, 12, context);
    const dataOffset = position + BLOCK;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (dataOffset + size > fileSize) throw new ImageError(`${context}: entry runs past the end of the archive (truncated?)`);

    if (flag === 'L' || flag === 'K' || flag === 'x') {
      if (size > MAX_LONG_HEADER) throw new HostileInputError(`${context}: extended header of ${size} bytes`);
      const data = Buffer.alloc(size);
      await readAt(data, dataOffset);
      if (flag === 'L') longName = readString(data, 0, size);
      else if (flag === 'K') longLink = readString(data, 0, size);
      else pax = parsePax(data, context);
      position = dataOffset + padded;
      continue;
    }
    if (flag === 'g') {
      position = dataOffset + padded;
      continue;
    }

    count += 1;
    if (count > maxEntries) throw new HostileInputError(`${label}: more than ${maxEntries} entries`);
    const magic = readString(block, 257, 6);
    const prefix = magic.startsWith('ustar') && block[263] === 0x30 ? readString(block, 345, 155) : '';
    let name = readString(block, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    name = pax?.get('path') ?? longName ?? name;
    const linkname = pax?.get('linkpath') ?? longLink ?? readString(block, 157, 100);
    const paxSize = pax?.get('size');
    const entrySize = paxSize === undefined ? size : Number.parseInt(paxSize, 10);
    if (!Number.isSafeInteger(entrySize) || entrySize < 0 || dataOffset + entrySize > fileSize) {
      throw new ImageError(`${context}: entry runs past the end of the archive (truncated?)`);
    }
    const type = typeOf(flag);
    const normalized = name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
    entries.set(normalized, {
      name: normalized,
      type,
      offset: dataOffset,
      size: type === 'file' ? entrySize : 0,
      ...(type === 'symlink' || type === 'hardlink' ? { linkname } : {}),
    });
    longName = undefined;
    longLink = undefined;
    pax = undefined;
    position = dataOffset + Math.ceil(entrySize / BLOCK) * BLOCK;
  }
  if (position < fileSize && fileSize - position < BLOCK) throw new ImageError(`${label}: truncated archive (a partial header at the end)`);
  return entries;
}
