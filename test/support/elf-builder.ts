/**
 * Builds small ELF files byte by byte, for the shapes no toolchain here produces (Go's pre-1.18
 * pointer-format build information, a `.dep-v0` section in any class and byte order) and for hostile
 * variants (lying sizes, tables past the end). Writes what readers look at: the ELF header, program
 * headers (one PT_LOAD per loaded section), the sections' bytes, a section-name table and the
 * section headers.
 */

export interface TestSection {
  name: string;
  data: Buffer;
  /** Virtual address when loaded; 0 (the default) for a section no segment maps. */
  address?: number;
  /** PT_LOAD flags for a loaded section: 4 = R, 6 = RW, 5 = RX. */
  segmentFlags?: number;
  /** SHT_*: 1 (PROGBITS) unless told. */
  type?: number;
}

export interface TestElfOptions {
  bits?: 32 | 64;
  littleEndian?: boolean;
  sections: TestSection[];
  /** Leave out the section headers (e_shoff = 0), as stripping tools that drop them do. */
  withoutSectionHeaders?: boolean;
}

class Writer {
  constructor(
    readonly buffer: Buffer,
    readonly littleEndian: boolean,
  ) {}
  u16(offset: number, value: number): void {
    if (this.littleEndian) this.buffer.writeUInt16LE(value, offset);
    else this.buffer.writeUInt16BE(value, offset);
  }
  u32(offset: number, value: number): void {
    if (this.littleEndian) this.buffer.writeUInt32LE(value >>> 0, offset);
    else this.buffer.writeUInt32BE(value >>> 0, offset);
  }
  u64(offset: number, value: number): void {
    if (this.littleEndian) this.buffer.writeBigUInt64LE(BigInt(value), offset);
    else this.buffer.writeBigUInt64BE(BigInt(value), offset);
  }
}

export function buildElf(options: TestElfOptions): Buffer {
  const bits = options.bits ?? 64;
  const le = options.littleEndian ?? true;
  const headerSize = bits === 64 ? 64 : 52;
  const phentsize = bits === 64 ? 56 : 32;
  const shentsize = bits === 64 ? 64 : 40;
  const loaded = options.sections.filter((section) => (section.address ?? 0) !== 0);
  const names = Buffer.concat([Buffer.from('\0.shstrtab\0'), ...options.sections.map((section) => Buffer.from(`${section.name}\0`))]);
  const nameOffsets: number[] = [];
  let nameAt = '\0.shstrtab\0'.length;
  for (const section of options.sections) {
    nameOffsets.push(nameAt);
    nameAt += section.name.length + 1;
  }
  let offset = headerSize + loaded.length * phentsize;
  const dataOffsets: number[] = [];
  for (const section of options.sections) {
    offset = Math.ceil(offset / 16) * 16;
    dataOffsets.push(offset);
    offset += section.data.length;
  }
  const namesOffset = offset;
  offset += names.length;
  const shoff = Math.ceil(offset / 8) * 8;
  const shnum = options.sections.length + 2;
  const total = shoff + shnum * shentsize;
  const w = new Writer(Buffer.alloc(total), le);
  const buf = w.buffer;
  buf.write('\x7fELF', 0, 'latin1');
  buf[4] = bits === 64 ? 2 : 1;
  buf[5] = le ? 1 : 2;
  buf[6] = 1;
  w.u16(16, 2); // ET_EXEC
  w.u16(18, bits === 64 ? 62 : 3);
  w.u32(20, 1);
  const word = (at: number, value: number): void => (bits === 64 ? w.u64(at, value) : w.u32(at, value));
  word(bits === 64 ? 32 : 28, loaded.length ? headerSize : 0);
  word(bits === 64 ? 40 : 32, options.withoutSectionHeaders ? 0 : shoff);
  const tables = bits === 64 ? 52 : 40;
  w.u16(tables, headerSize);
  w.u16(tables + 2, phentsize);
  w.u16(tables + 4, loaded.length);
  w.u16(tables + 6, shentsize);
  w.u16(tables + 8, options.withoutSectionHeaders ? 0 : shnum);
  w.u16(tables + 10, options.withoutSectionHeaders ? 0 : 1);
  loaded.forEach((section, index) => {
    const at = headerSize + index * phentsize;
    const dataOffset = dataOffsets[options.sections.indexOf(section)] as number;
    const flags = section.segmentFlags ?? 4;
    w.u32(at, 1);
    if (bits === 64) {
      w.u32(at + 4, flags);
      w.u64(at + 8, dataOffset);
      w.u64(at + 16, section.address ?? 0);
      w.u64(at + 24, section.address ?? 0);
      w.u64(at + 32, section.data.length);
      w.u64(at + 40, section.data.length);
      w.u64(at + 48, 16);
    } else {
      w.u32(at + 4, dataOffset);
      w.u32(at + 8, section.address ?? 0);
      w.u32(at + 12, section.address ?? 0);
      w.u32(at + 16, section.data.length);
      w.u32(at + 20, section.data.length);
      w.u32(at + 24, flags);
      w.u32(at + 28, 16);
    }
  });
  options.sections.forEach((section, index) => section.data.copy(buf, dataOffsets[index] as number));
  names.copy(buf, namesOffset);
  const sectionHeader = (index: number, name: number, type: number, address: number, fileOffset: number, size: number): void => {
    const at = shoff + index * shentsize;
    w.u32(at, name);
    w.u32(at + 4, type);
    if (bits === 64) {
      w.u64(at + 16, address);
      w.u64(at + 24, fileOffset);
      w.u64(at + 32, size);
    } else {
      w.u32(at + 12, address);
      w.u32(at + 16, fileOffset);
      w.u32(at + 20, size);
    }
  };
  sectionHeader(1, 1, 3, 0, namesOffset, names.length);
  options.sections.forEach((section, index) => sectionHeader(index + 2, nameOffsets[index] as number, section.type ?? 1, section.address ?? 0, dataOffsets[index] as number, section.data.length));
  return buf;
}

/** A SeekableFile over bytes in memory that counts what is read, for tests. */
export function memoryFile(bytes: Buffer): { size: number; read(position: number, length: number): Promise<Buffer>; bytesRead: number } {
  const file = {
    size: bytes.length,
    bytesRead: 0,
    read(position: number, length: number): Promise<Buffer> {
      if (length > 64 * 1024 * 1024) return Promise.reject(new RangeError(`a read of ${length} bytes`));
      const slice = bytes.subarray(Math.min(position, bytes.length), Math.min(position + length, bytes.length));
      file.bytesRead += slice.length;
      return Promise.resolve(slice);
    },
  };
  return file;
}
