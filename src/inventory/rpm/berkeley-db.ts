/**
 * The Berkeley DB hash database rpm used up to 4.15 (`var/lib/rpm/Packages`: RHEL 7 and 8, CentOS,
 * Amazon Linux 2, older SUSE), read page by page without libdb. Each key/data pair of a hash page
 * is a package: the key its header number, the data its header blob, held on the page itself when
 * small or, as is usual for headers, in a chain of overflow pages the pair points to.
 *
 * The file's byte order is the writer's (a big-endian s390x database reads the same as an x86 one):
 * it is told by the hash magic in the meta page. Every page number, item offset, chain and length
 * comes from the file and is checked: a page past the end, an item outside its page, a chain that
 * loops or runs past its stated length is an error naming it, or a warning for a truncated file.
 */

export class BerkeleyDbError extends Error {
  override readonly name = 'BerkeleyDbError';
}

/** An overflow chain that runs into the part of the file a truncation cut off: that item is lost, the rest is read. */
class TruncatedChain extends Error {}

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const PAGE_TYPE = { hashUnsorted: 2, overflow: 7, hashMeta: 8, hash: 13 } as const;
const ITEM = { keyData: 1, duplicate: 2, offPage: 3, offDuplicate: 4 } as const;

interface Reader {
  u32(buffer: Buffer, offset: number): number;
  u16(buffer: Buffer, offset: number): number;
}
const LITTLE: Reader = { u32: (b, o) => b.readUInt32LE(o), u16: (b, o) => b.readUInt16LE(o) };
const BIG: Reader = { u32: (b, o) => b.readUInt32BE(o), u16: (b, o) => b.readUInt16BE(o) };

export interface HeaderBlobs {
  blobs: Buffer[];
  warnings: string[];
}

/** True when the bytes start like a Berkeley DB hash database, in either byte order. */
export function isBerkeleyDbHash(content: Buffer): boolean {
  return content.length >= 72 && (content.readUInt32LE(12) === HASH_MAGIC || content.readUInt32BE(12) === HASH_MAGIC);
}

/** The header blobs of an rpm Packages file, in page order. */
export function berkeleyDbHeaderBlobs(content: Buffer): HeaderBlobs {
  if (!isBerkeleyDbHash(content)) throw new BerkeleyDbError('not a Berkeley DB hash database (no hash magic in the meta page)');
  const read = content.readUInt32LE(12) === HASH_MAGIC ? LITTLE : BIG;
  const pageSize = read.u32(content, 20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new BerkeleyDbError(`page size ${pageSize} is not a power of two from 512 to 65536`);
  if (content[24] !== 0) throw new BerkeleyDbError('the database is encrypted');
  if (content[25] !== PAGE_TYPE.hashMeta) throw new BerkeleyDbError(`page 0 has type ${content[25]}, not a hash meta page`);
  if ((content[26] as number) & 0x01) throw new BerkeleyDbError('the database has page checksums, which rpm never writes');
  const lastPage = read.u32(content, 32);
  const pagesInFile = Math.floor(content.length / pageSize);
  const warnings: string[] = [];
  if (lastPage + 1 > pagesInFile) warnings.push(`the file is truncated: the meta page counts ${lastPage + 1} pages of ${pageSize} bytes, the file holds ${pagesInFile}`);
  const pageCount = Math.min(lastPage + 1, pagesInFile);
  const page = (pgno: number): Buffer => content.subarray(pgno * pageSize, (pgno + 1) * pageSize);

  /** Reads an overflow chain of `length` bytes starting at `first`. */
  const overflow = (first: number, length: number, owner: string): Buffer => {
    if (length > content.length) throw new BerkeleyDbError(`${owner}: an overflow item of ${length} bytes in a file of ${content.length}`);
    const parts: Buffer[] = [];
    let collected = 0;
    const seen = new Set<number>();
    let pgno = first;
    while (collected < length) {
      if (pgno !== 0 && pgno >= pageCount && pgno <= lastPage) throw new TruncatedChain(`${owner}: its overflow page ${pgno} is past the end of the truncated file; skipped`);
      if (pgno === 0 || pgno >= pageCount) throw new BerkeleyDbError(`${owner}: overflow page ${pgno} is outside the file's ${pageCount} pages`);
      if (seen.has(pgno)) throw new BerkeleyDbError(`${owner}: the overflow chain loops back to page ${pgno}`);
      seen.add(pgno);
      const chunk = page(pgno);
      if (chunk[25] !== PAGE_TYPE.overflow) throw new BerkeleyDbError(`${owner}: page ${pgno} of the overflow chain has type ${chunk[25]}`);
      const used = read.u16(chunk, 22);
      if (used > pageSize - PAGE_HEADER) throw new BerkeleyDbError(`${owner}: overflow page ${pgno} claims ${used} bytes`);
      const take = Math.min(used, length - collected);
      parts.push(chunk.subarray(PAGE_HEADER, PAGE_HEADER + take));
      collected += take;
      if (used === 0 && collected < length) throw new BerkeleyDbError(`${owner}: overflow page ${pgno} is empty before the item's end`);
      pgno = read.u32(chunk, 16);
    }
    return Buffer.concat(parts, length);
  };

  const blobs: Buffer[] = [];
  for (let pgno = 1; pgno < pageCount; pgno++) {
    const current = page(pgno);
    const type = current[25];
    if (type !== PAGE_TYPE.hash && type !== PAGE_TYPE.hashUnsorted) continue;
    const entries = read.u16(current, 20);
    if (PAGE_HEADER + entries * 2 > pageSize) throw new BerkeleyDbError(`hash page ${pgno} claims ${entries} items, more than a page holds`);
    const offsets: number[] = [];
    for (let index = 0; index < entries; index++) {
      const offset = read.u16(current, PAGE_HEADER + index * 2);
      if (offset < PAGE_HEADER + entries * 2 || offset >= pageSize) throw new BerkeleyDbError(`hash page ${pgno}: item ${index} at offset ${offset} is outside the page`);
      offsets.push(offset);
    }
    // Items are laid out from the page's end backwards: an inline item ends where the one before it starts.
    const itemEnd = (index: number): number => (index === 0 ? pageSize : (offsets[index - 1] as number));
    for (let index = 0; index + 1 < entries; index += 2) {
      const dataAt = offsets[index + 1] as number;
      const owner = `hash page ${pgno}, item ${index + 1}`;
      const itemType = current[dataAt];
      if (itemType === ITEM.keyData) {
        const end = itemEnd(index + 1);
        if (end <= dataAt) throw new BerkeleyDbError(`${owner}: an inline item with a negative length`);
        const data = current.subarray(dataAt + 1, end);
        // Header number 0 holds rpm's own bookkeeping (the next instance number), not a package.
        if (data.length > 8) blobs.push(Buffer.from(data));
      } else if (itemType === ITEM.offPage) {
        if (dataAt + 12 > pageSize) throw new BerkeleyDbError(`${owner}: an overflow reference past the page's end`);
        try {
          blobs.push(overflow(read.u32(current, dataAt + 4), read.u32(current, dataAt + 8), owner));
        } catch (error) {
          if (!(error instanceof TruncatedChain)) throw error;
          warnings.push(error.message);
        }
      } else if (itemType === ITEM.duplicate || itemType === ITEM.offDuplicate) {
        warnings.push(`${owner}: duplicate data items, which rpm never writes; skipped`);
      } else {
        throw new BerkeleyDbError(`${owner}: unknown item type ${itemType}`);
      }
    }
  }
  return { blobs, warnings };
}
