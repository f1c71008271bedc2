/**
 * A reader of ELF headers (executables and shared objects) through a seekable file: the section
 * headers with their names, the program headers, and the bytes behind a section or a virtual
 * address. For analyzers that find package facts inside binaries (Go's build information, Rust's
 * cargo-auditable `.dep-v0`); nothing is executed and only the headers and the asked-for ranges are
 * read, never the whole file.
 *
 * Both classes (32- and 64-bit) and both byte orders. Every size and offset comes from the file and
 * is untrusted: header tables are bounded in count and checked against the file's size, addresses
 * past 2^53 are treated as unmapped, and a table that does not fit is an ElfFormatError, never a
 * read past the end or an allocation the file's size does not justify.
 *
 * Written by hand: the npm ELF parsers read whole files into memory or do not bound what the headers
 * claim, and the subset needed here (headers, names, address mapping) is small.
 */
import type { SeekableFile } from './analyzer.js';

/** The file is not ELF, or its headers contradict themselves or the file's size. */
export class ElfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfFormatError';
  }
}

export interface ElfSection {
  name: string;
  /** `sh_type`: SHT_PROGBITS = 1, SHT_NOBITS = 8 (no bytes in the file), ... */
  type: number;
  /** Virtual address when loaded, 0 for sections that are not. */
  address: number;
  /** Position of the section's bytes in the file. */
  offset: number;
  size: number;
}

export interface ElfSegment {
  /** `p_type`: PT_LOAD = 1, ... */
  type: number;
  /** `p_flags`: PF_X = 1, PF_W = 2, PF_R = 4. */
  flags: number;
  offset: number;
  virtualAddress: number;
  /** Bytes of the segment held in the file (`p_filesz`). */
  fileSize: number;
}

export interface ElfFile {
  bits: 32 | 64;
  littleEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export const SHT_NOBITS = 8;
export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;

/** More section or program headers than any real binary has (large C++ programs have ~50k sections). */
const MAX_HEADERS = 1 << 17;
/** The section-name table of a real binary is a few KiB; 4 MiB leaves room for any of them. */
const MAX_NAME_TABLE = 4 * 1024 * 1024;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

/** 2^32, to join two 32-bit halves without a BigInt (hundreds of binaries, dozens of fields each). */
const HIGH = 0x1_0000_0000;
/** Above this high half a 64-bit value passes 2^53. */
const MAX_SAFE_HIGH = 0x1f_ffff;

/** Reads an unsigned field of the given width at `offset`; Infinity when beyond 2^53. */
function unsigned(view: Buffer, offset: number, width: 2 | 4 | 8, littleEndian: boolean): number {
  if (width === 2) return littleEndian ? view.readUInt16LE(offset) : view.readUInt16BE(offset);
  if (width === 4) return littleEndian ? view.readUInt32LE(offset) : view.readUInt32BE(offset);
  const high = littleEndian ? view.readUInt32LE(offset + 4) : view.readUInt32BE(offset);
  const low = littleEndian ? view.readUInt32LE(offset) : view.readUInt32BE(offset + 4);
  return high > MAX_SAFE_HIGH ? Number.POSITIVE_INFINITY : high * HIGH + low;
}

async function readExactly(file: SeekableFile, position: number, length: number, what: string): Promise<Buffer> {
  if (!Number.isSafeInteger(position) || position < 0 || length < 0 || position + length > file.size) {
    throw new ElfFormatError(`${what} lies outside the file (${length} bytes at ${position}, file of ${file.size})`);
  }
  if (length === 0) return Buffer.alloc(0);
  const bytes = await file.read(position, length);
  if (bytes.length < length) throw new ElfFormatError(`${what} is cut short (${bytes.length} of ${length} bytes)`);
  return bytes;
}

/**
 * The headers of each file being analysed: the Go and Rust binary analyzers are handed the same
 * file object, and the headers are read once for both. Weak: gone with the file.
 */
const parsed = new WeakMap<SeekableFile, Promise<ElfFile>>();

/** Parses the ELF header, section headers (with names) and program headers of `file`, once per file. */
export function readElf(file: SeekableFile): Promise<ElfFile> {
  let headers = parsed.get(file);
  if (!headers) {
    headers = parseElf(file);
    parsed.set(file, headers);
  }
  return headers;
}

async function parseElf(file: SeekableFile): Promise<ElfFile> {
  if (file.size < 52) throw new ElfFormatError(`too small for an ELF header (${file.size} bytes)`);
  const ident = await readExactly(file, 0, Math.min(64, file.size), 'the ELF header');
  if (ident.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError('no ELF magic');
  const elfClass = ident[4];
  const data = ident[5];
  if (elfClass !== 1 && elfClass !== 2) throw new ElfFormatError(`unknown ELF class ${String(elfClass)}`);
  if (data !== 1 && data !== 2) throw new ElfFormatError(`unknown ELF byte order ${String(data)}`);
  const bits = elfClass === 1 ? 32 : 64;
  const le = data === 1;
  if (bits === 64 && ident.length < 64) throw new ElfFormatError('the ELF header is cut short');
  const word = bits === 64 ? 8 : 4;
  const half = (offset: number): number => unsigned(ident, offset, 2, le);
  const addr = (offset: number): number => unsigned(ident, offset, word, le);
  // e_phoff, e_shoff and the table geometry sit after e_entry, whose width depends on the class.
  const phoff = addr(bits === 64 ? 32 : 28);
  const shoff = addr(bits === 64 ? 40 : 32);
  const tables = bits === 64 ? 52 : 40;
  const phentsize = half(tables + 2);
  let phnum = half(tables + 4);
  const shentsize = half(tables + 6);
  let shnum = half(tables + 8);
  let shstrndx = half(tables + 10);
  const sectionHeaderSize = bits === 64 ? 64 : 40;
  const programHeaderSize = bits === 64 ? 56 : 32;

  let firstSection: Buffer | undefined;
  if (shoff !== 0) {
    if (shentsize < sectionHeaderSize) throw new ElfFormatError(`section header entries of ${shentsize} bytes are too small`);
    firstSection = await readExactly(file, shoff, sectionHeaderSize, 'the first section header');
    // Extended numbering: counts too large for the 16-bit fields live in section header 0.
    if (shnum === 0) shnum = unsigned(firstSection, bits === 64 ? 32 : 20, word, le);
    if (shstrndx === SHN_XINDEX) shstrndx = unsigned(firstSection, bits === 64 ? 40 : 24, 4, le);
    if (phnum === PN_XNUM) phnum = unsigned(firstSection, bits === 64 ? 44 : 28, 4, le);
  } else {
    shnum = 0;
  }
  if (shnum > MAX_HEADERS) throw new ElfFormatError(`claims ${shnum} sections`);
  if (phnum > MAX_HEADERS) throw new ElfFormatError(`claims ${phnum} program headers`);

  const segments: ElfSegment[] = [];
  if (phnum > 0 && phoff !== 0) {
    if (phentsize < programHeaderSize) throw new ElfFormatError(`program header entries of ${phentsize} bytes are too small`);
    const table = await readExactly(file, phoff, phnum * phentsize, 'the program header table');
    for (let index = 0; index < phnum; index++) {
      const at = index * phentsize;
      const u32 = (offset: number): number => unsigned(table, at + offset, 4, le);
      const wide = (offset: number): number => unsigned(table, at + offset, word, le);
      segments.push(
        bits === 64
          ? { type: u32(0), flags: u32(4), offset: wide(8), virtualAddress: wide(16), fileSize: wide(32) }
          : { type: u32(0), flags: u32(24), offset: wide(4), virtualAddress: wide(8), fileSize: wide(16) },
      );
    }
  }

  const sections: ElfSection[] = [];
  const nameOffsets: number[] = [];
  if (shnum > 0) {
    const table = await readExactly(file, shoff, shnum * shentsize, 'the section header table');
    for (let index = 0; index < shnum; index++) {
      const at = index * shentsize;
      const u32 = (offset: number): number => unsigned(table, at + offset, 4, le);
      const wide = (offset: number): number => unsigned(table, at + offset, word, le);
      nameOffsets.push(u32(0));
      sections.push(
        bits === 64
          ? { name: '', type: u32(4), address: wide(16), offset: wide(24), size: wide(32) }
          : { name: '', type: u32(4), address: wide(12), offset: wide(16), size: wide(20) },
      );
    }
  }
  const names = sections[shstrndx];
  if (names && shstrndx !== 0 && names.type !== SHT_NOBITS) {
    if (names.size > MAX_NAME_TABLE) throw new ElfFormatError(`a section-name table of ${names.size} bytes`);
    const table = await readExactly(file, names.offset, names.size, 'the section-name table');
    sections.forEach((section, index) => {
      const at = nameOffsets[index] as number;
      if (at >= table.length) return;
      const end = table.indexOf(0, at);
      section.name = table.toString('latin1', at, end === -1 ? table.length : end);
    });
  }
  return { bits, littleEndian: le, sections, segments };
}

/** The first section called `name`, when it has bytes in the file. */
export function sectionNamed(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((section) => section.name === name && section.type !== SHT_NOBITS);
}

/** Up to `limit` bytes of a section's content; an ElfFormatError when the section lies outside the file. */
export function readSection(file: SeekableFile, section: ElfSection, limit: number): Promise<Buffer> {
  return readExactly(file, section.offset, Math.min(section.size, limit), `section ${section.name || '(unnamed)'}`);
}

/**
 * Where the loadable segment holding virtual address `address` keeps it in the file, and how many
 * of its bytes from there are in the file; undefined when no loaded segment maps it.
 */
export function fileRangeOf(elf: ElfFile, address: number): { offset: number; available: number } | undefined {
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || !Number.isFinite(segment.virtualAddress) || !Number.isFinite(segment.fileSize)) continue;
    if (address >= segment.virtualAddress && address < segment.virtualAddress + segment.fileSize) {
      const delta = address - segment.virtualAddress;
      return { offset: segment.offset + delta, available: segment.fileSize - delta };
    }
  }
  return undefined;
}

/**
 * `length` bytes at virtual address `address`, read from the file through the segment that maps it;
 * undefined when no segment maps all of them or the file does not hold them.
 */
export async function readVirtual(file: SeekableFile, elf: ElfFile, address: number, length: number): Promise<Buffer | undefined> {
  const range = fileRangeOf(elf, address);
  if (!range || range.available < length || range.offset + length > file.size) return undefined;
  return length === 0 ? Buffer.alloc(0) : file.read(range.offset, length);
}
