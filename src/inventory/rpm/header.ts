/**
 * The rpm header blob, as every rpm database backend stores one per installed package: a count of
 * index entries and the length of the data store (both 32-bit big-endian), the index entries
 * (tag, type, offset, count; 16 bytes each, big-endian), then the data store the offsets point
 * into. Region entries (the immutable region's trailer, tags 61-63) are bookkeeping and skipped;
 * an entry later in the index replaces an earlier one with the same tag, as rpm's own import does
 * for entries appended after the region.
 *
 * Every count, offset and length comes from the file and is checked against the blob before it is
 * used: a lying header is an RpmHeaderError naming what lied, never a read past the blob, and the
 * total a header may claim is bounded as rpm bounds it (64 Ki entries, 256 MiB of data).
 */

export class RpmHeaderError extends Error {
  override readonly name = 'RpmHeaderError';
}

/** rpm's header tag numbers (rpmtag.h) of the fields Tollgate reads. */
export const RPMTAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  modularityLabel: 5096,
  // The installed files' metadata, one value per file in BASENAMES order (what `rpm -V` compares).
  fileSizes: 1028,
  fileModes: 1030,
  fileRdevs: 1033,
  fileMtimes: 1034,
  fileDigests: 1035,
  fileLinkTos: 1036,
  fileFlags: 1037,
  fileUserName: 1039,
  fileGroupName: 1040,
  fileVerifyFlags: 1045,
  longFileSizes: 5008,
  fileDigestAlgo: 5011,
} as const;

const TYPE = { null: 0, char: 1, int8: 2, int16: 3, int32: 4, int64: 5, string: 6, bin: 7, stringArray: 8, i18nString: 9 } as const;

/** rpm's own limits (header_internal.h): more entries or data than this is not a header rpm wrote. */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;
const ENTRY_SIZE = 16;
/** Tags at or below this (the signature and immutable-region markers) describe the header, not the package. */
const LAST_REGION_TAG = 63;

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

/** A parsed header: typed access to its entries, every access bounds-checked. */
export class RpmHeader {
  private constructor(
    private readonly data: Buffer,
    private readonly entries: ReadonlyMap<number, IndexEntry>,
  ) {}

  /** Parses a header blob. Throws RpmHeaderError on any count, offset or length that does not fit. */
  static parse(blob: Buffer): RpmHeader {
    if (blob.length < 8) throw new RpmHeaderError(`header blob of ${blob.length} bytes is shorter than its 8-byte preamble`);
    const indexCount = blob.readUInt32BE(0);
    const dataLength = blob.readUInt32BE(4);
    if (indexCount === 0 || indexCount > MAX_ENTRIES) throw new RpmHeaderError(`header claims ${indexCount} index entries (1 to ${MAX_ENTRIES} allowed)`);
    if (dataLength > MAX_DATA) throw new RpmHeaderError(`header claims ${dataLength} bytes of data (at most ${MAX_DATA} allowed)`);
    const dataStart = 8 + indexCount * ENTRY_SIZE;
    if (dataStart + dataLength > blob.length) throw new RpmHeaderError(`header claims ${indexCount} entries and ${dataLength} bytes of data, more than the blob's ${blob.length} bytes`);
    const data = blob.subarray(dataStart, dataStart + dataLength);
    const entries = new Map<number, IndexEntry>();
    for (let index = 0; index < indexCount; index++) {
      const at = 8 + index * ENTRY_SIZE;
      const tag = blob.readInt32BE(at);
      const type = blob.readUInt32BE(at + 4);
      const offset = blob.readInt32BE(at + 8);
      const count = blob.readUInt32BE(at + 12);
      if (tag <= LAST_REGION_TAG) continue;
      if (type > TYPE.i18nString) throw new RpmHeaderError(`tag ${tag} has unknown type ${type}`);
      if (offset < 0 || offset > dataLength) throw new RpmHeaderError(`tag ${tag} points at offset ${offset}, outside the ${dataLength}-byte data store`);
      if (count > dataLength && type !== TYPE.null) throw new RpmHeaderError(`tag ${tag} claims ${count} values in a ${dataLength}-byte data store`);
      entries.set(tag, { type, offset, count });
    }
    return new RpmHeader(data, entries);
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING or I18NSTRING tag (the first string of an array), or undefined when absent. */
  string(tag: number): string | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE.string && entry.type !== TYPE.i18nString && entry.type !== TYPE.stringArray) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not a string`);
    return this.stringsAt(tag, entry.offset, 1)[0];
  }

  /** A STRING_ARRAY (or I18NSTRING) tag's strings; empty when absent. */
  strings(tag: number): string[] {
    const entry = this.entries.get(tag);
    if (!entry) return [];
    if (entry.type === TYPE.string) return this.stringsAt(tag, entry.offset, 1);
    if (entry.type !== TYPE.stringArray && entry.type !== TYPE.i18nString) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not a string array`);
    return this.stringsAt(tag, entry.offset, entry.count);
  }

  /** An INT32 array tag's values (unsigned); empty when absent. */
  int32s(tag: number): number[] {
    const entry = this.entries.get(tag);
    if (!entry) return [];
    if (entry.type !== TYPE.int32) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not INT32`);
    if (entry.offset + entry.count * 4 > this.data.length) throw new RpmHeaderError(`tag ${tag} claims ${entry.count} 32-bit values past the end of the data store`);
    const values = new Array<number>(entry.count);
    for (let index = 0; index < entry.count; index++) values[index] = this.data.readUInt32BE(entry.offset + index * 4);
    return values;
  }

  /** An INT16 array tag's values (unsigned); empty when absent. */
  int16s(tag: number): number[] {
    return this.numbers(tag, TYPE.int16, 2, (at) => this.data.readUInt16BE(at));
  }

  /** An INT64 array tag's values (as numbers: file sizes stay far below 2^53); empty when absent. */
  int64s(tag: number): number[] {
    return this.numbers(tag, TYPE.int64, 8, (at) => Number(this.data.readBigUInt64BE(at)));
  }

  private numbers(tag: number, type: number, width: number, read: (at: number) => number): number[] {
    const entry = this.entries.get(tag);
    if (!entry) return [];
    if (entry.type !== type) throw new RpmHeaderError(`tag ${tag} has type ${entry.type}, not ${type}`);
    if (entry.offset + entry.count * width > this.data.length) throw new RpmHeaderError(`tag ${tag} claims ${entry.count} ${width * 8}-bit values past the end of the data store`);
    const values = new Array<number>(entry.count);
    for (let index = 0; index < entry.count; index++) values[index] = read(entry.offset + index * width);
    return values;
  }

  private stringsAt(tag: number, offset: number, count: number): string[] {
    const strings: string[] = [];
    let at = offset;
    for (let index = 0; index < count; index++) {
      const end = this.data.indexOf(0, at);
      if (end === -1) throw new RpmHeaderError(`tag ${tag}: string ${index + 1} of ${count} runs past the end of the data store`);
      strings.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return strings;
  }
}
