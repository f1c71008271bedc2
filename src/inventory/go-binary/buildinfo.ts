/**
 * Finds and decodes the build information the Go linker embeds in every binary built in module
 * mode: the toolchain version (`go1.21.5`) and the module information text (`path`, `mod`, `dep`,
 * `=>`, `build` lines; see modinfo.ts).
 *
 * Where it is: a 32-byte header starting with `\xff Go buildinf:` at a 16-byte boundary, at the start
 * of the `.go.buildinfo` section (Go 1.13+), or, when the section headers were stripped, within the
 * first 64 KiB of the first writable, non-executable loadable segment. Byte 14 is the pointer size,
 * byte 15 the flags: bit 1 set means the two strings follow the header inline, each a uvarint length
 * and its bytes (Go 1.18+); otherwise two pointers follow, to the string headers (data pointer,
 * length) of `runtime.buildVersion` and `runtime.modinfo`, in the byte order bit 0 names (set: big
 * endian). The module text is framed by 16 sentinel bytes on each side.
 *
 * Facts from Go's `debug/buildinfo` and `cmd/link` sources; the code is ours. Lengths are untrusted:
 * a varint longer than 10 bytes or past 2^53, or a string longer than MAX_MODULE_INFO, is a
 * GoBuildInfoError, never an allocation of what the file claims.
 */
import type { SeekableFile } from '../analyzer.js';
import { PF_W, PF_X, PT_LOAD, readVirtual, sectionNamed, type ElfFile } from '../elf.js';

export class GoBuildInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoBuildInfoError';
  }
}

export interface RawBuildInfo {
  /** The toolchain that built the binary: `go1.21.5`, `go1.22rc1`, `devel go1.23-abcdef`. */
  goVersion: string;
  /** The module information text without its sentinels; '' when the binary was built outside module mode. */
  moduleInfo: string;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** How far into the data segment the header is searched for when there is no section, as Go does. */
const SEARCH_SPAN = 64 * 1024;
/** A module text of this size lists ~100,000 modules; anything longer is not honest. */
export const MAX_MODULE_INFO = 16 * 1024 * 1024;
/** A toolchain version is a short line. */
const MAX_VERSION = 4096;
const SENTINEL_LENGTH = 16;

/**
 * Where the header is looked for (the section, else the data segment) as file positions: the span
 * searched, and where the section or segment ends.
 */
function searchArea(elf: ElfFile, fileSize: number): { offset: number; length: number; end: number } | undefined {
  const section = sectionNamed(elf, '.go.buildinfo');
  const data = section
    ? { offset: section.offset, size: section.size }
    : elf.segments.filter((segment) => segment.type === PT_LOAD && (segment.flags & (PF_X | PF_W)) === PF_W).map((segment) => ({ offset: segment.offset, size: segment.fileSize }))[0];
  if (!data || !Number.isSafeInteger(data.offset) || !Number.isFinite(data.size) || data.offset >= fileSize) return undefined;
  const end = Math.min(data.offset + data.size, fileSize);
  return { offset: data.offset, length: Math.min(end - data.offset, SEARCH_SPAN), end };
}

/** The position of the 16-byte-aligned header in `area`, or -1. */
function findHeader(area: Buffer): number {
  let from = 0;
  for (;;) {
    const at = area.indexOf(MAGIC, from);
    if (at < 0 || area.length - at < HEADER_SIZE) return -1;
    if (at % ALIGN === 0) return at;
    from = at + 1;
  }
}

/** A uvarint at `position` of `file`: its value and its length in bytes. */
async function readUvarint(file: SeekableFile, position: number): Promise<{ value: number; length: number }> {
  const bytes = await file.read(position, 10);
  let value = 0;
  let scale = 1;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    value += (byte & 0x7f) * scale;
    if (!Number.isSafeInteger(value)) throw new GoBuildInfoError('a string length that overflows');
    if ((byte & 0x80) === 0) return { value, length: index + 1 };
    scale *= 128;
  }
  throw new GoBuildInfoError(bytes.length < 10 ? 'the build information is cut short inside a string length' : 'a string length longer than 10 bytes');
}

async function readInlineString(file: SeekableFile, position: number, end: number, limit: number, what: string): Promise<{ text: string; next: number }> {
  const { value, length } = await readUvarint(file, position);
  if (value > limit) throw new GoBuildInfoError(`${what} claims ${value} bytes (at most ${limit} are read)`);
  const start = position + length;
  if (start + value > end) throw new GoBuildInfoError(`${what} claims ${value} bytes, past the end of its section`);
  const bytes = value === 0 ? Buffer.alloc(0) : await file.read(start, value);
  if (bytes.length < value) throw new GoBuildInfoError(`${what} is cut short`);
  return { text: bytes.toString('utf8'), next: start + value };
}

/** A string through its header at virtual address `address` (pre-1.18 binaries). */
async function readPointedString(file: SeekableFile, elf: ElfFile, address: number, pointerSize: number, littleEndian: boolean, limit: number, what: string): Promise<string> {
  const pointer = (bytes: Buffer, at: number): number => {
    if (pointerSize === 4) return littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
    const value = littleEndian ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
  };
  const header = await readVirtual(file, elf, address, 2 * pointerSize);
  if (!header) throw new GoBuildInfoError(`${what}: its string header's address is not in the file`);
  const dataAddress = pointer(header, 0);
  const length = pointer(header, pointerSize);
  if (length > limit) throw new GoBuildInfoError(`${what} claims ${length} bytes (at most ${limit} are read)`);
  const data = await readVirtual(file, elf, dataAddress, length);
  if (!data) throw new GoBuildInfoError(`${what}: its bytes are not in the file`);
  return data.toString('utf8');
}

/** The module text without its sentinel frame, as Go's reader accepts it; '' when there is none. */
function unframe(text: string): string {
  if (text.length >= 2 * SENTINEL_LENGTH + 1 && text[text.length - SENTINEL_LENGTH - 1] === '\n') return text.slice(SENTINEL_LENGTH, -SENTINEL_LENGTH);
  return '';
}

/**
 * The build information of a Go binary, undefined when the file carries none (not a Go binary, or
 * one too old to have any). A GoBuildInfoError when the header is there but what it points at is
 * not: truncated, lying lengths, unmapped addresses.
 */
export async function readGoBuildInfo(file: SeekableFile, elf: ElfFile): Promise<RawBuildInfo | undefined> {
  const area = searchArea(elf, file.size);
  if (!area || area.length < HEADER_SIZE) return undefined;
  const bytes = await file.read(area.offset, area.length);
  const at = findHeader(bytes);
  if (at < 0) return undefined;
  const header = bytes.subarray(at, at + HEADER_SIZE);
  const pointerSize = header[14] as number;
  const flags = header[15] as number;
  let goVersion: string;
  let moduleInfo: string;
  if ((flags & 2) !== 0) {
    const start = area.offset + at + HEADER_SIZE;
    // The strings sit in the same section or segment as the header: bounded by where it ends.
    const end = Math.min(area.end, file.size);
    const version = await readInlineString(file, start, end, MAX_VERSION, 'the Go version');
    goVersion = version.text;
    moduleInfo = (await readInlineString(file, version.next, end, MAX_MODULE_INFO, 'the module information')).text;
  } else {
    if (pointerSize !== 4 && pointerSize !== 8) throw new GoBuildInfoError(`a pointer size of ${pointerSize}`);
    const littleEndian = (flags & 1) === 0;
    const pointerAt = (offset: number): number => {
      if (pointerSize === 4) return littleEndian ? header.readUInt32LE(offset) : header.readUInt32BE(offset);
      const value = littleEndian ? header.readBigUInt64LE(offset) : header.readBigUInt64BE(offset);
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
    };
    goVersion = await readPointedString(file, elf, pointerAt(16), pointerSize, littleEndian, MAX_VERSION, 'the Go version');
    moduleInfo = await readPointedString(file, elf, pointerAt(16 + pointerSize), pointerSize, littleEndian, MAX_MODULE_INFO, 'the module information');
  }
  if (goVersion === '') return undefined;
  return { goVersion, moduleInfo: unframe(moduleInfo) };
}
