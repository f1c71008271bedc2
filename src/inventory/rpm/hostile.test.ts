/**
 * Hostile rpm databases: truncated and corrupt SQLite, Berkeley DB and ndb files, and header blobs
 * whose counts, offsets and lengths lie. Every one ends in one of the reader's own errors or in
 * warnings, never in another exception, a hang or an allocation the file did not pay for.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rpmFixture, sqliteRows, writeNdb } from '../../../test/support/rpm-fixtures.js';
import { BerkeleyDbError, berkeleyDbHeaderBlobs } from './berkeley-db.js';
import { RpmHeader, RpmHeaderError } from './header.js';
import { readRpmDatabase } from './index.js';
import { NdbError, ndbHeaderBlobs } from './ndb.js';
import { packageFromHeader } from './package.js';
import { RpmSqliteError } from './sqlite.js';

let sqlite: Buffer;
let bdbLittle: Buffer;
let bdbBig: Buffer;
let ndb: Buffer;
let blobs: Buffer[];
beforeAll(async () => {
  const fixture = await rpmFixture();
  const file = path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite');
  sqlite = await readFile(file);
  bdbLittle = await readFile(fixture.bdbLittle);
  bdbBig = await readFile(fixture.bdbBig);
  ndb = await readFile(fixture.ndb);
  blobs = sqliteRows(file).map((row) => row.blob);
}, 300_000);

const READER_ERRORS = [RpmHeaderError, BerkeleyDbError, NdbError, RpmSqliteError];
const isReaderError = (error: unknown): boolean => READER_ERRORS.some((type) => error instanceof type) || (error instanceof Error && /^not an rpm database/.test(error.message));

/** Runs `read`; passes when it returns or throws one of the reader's own errors. */
function survives(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (error) {
    if (isReaderError(error)) return true;
    throw error;
  }
}

function header(entries: { tag: number; type: number; offset: number; count: number }[], data: Buffer, claimedCount = entries.length, claimedLength = data.length): Buffer {
  const blob = Buffer.alloc(8 + entries.length * 16);
  blob.writeUInt32BE(claimedCount, 0);
  blob.writeUInt32BE(claimedLength, 4);
  entries.forEach((entry, index) => {
    blob.writeInt32BE(entry.tag, 8 + index * 16);
    blob.writeUInt32BE(entry.type, 12 + index * 16);
    blob.writeInt32BE(entry.offset, 16 + index * 16);
    blob.writeUInt32BE(entry.count, 20 + index * 16);
  });
  return Buffer.concat([blob, data]);
}

describe('rpm header blobs that lie', () => {
  const name = { tag: 1000, type: 6, offset: 0, count: 1 };
  const version = { tag: 1001, type: 6, offset: 4, count: 1 };
  const data = Buffer.from('bad\u00001.0\u0000', 'latin1');

  it('reads an honest hand-made header', () => {
    expect(packageFromHeader(header([name, version], data), '/var/lib/rpm/rpmdb.sqlite', true)?.record).toMatchObject({ name: 'bad', version: '1.0' });
  });

  it('refuses counts and lengths larger than the blob or than rpm allows', () => {
    expect(() => RpmHeader.parse(header([name, version], data, 3))).toThrow(/more than the blob/);
    expect(() => RpmHeader.parse(header([name, version], data, 2, 1000))).toThrow(/more than the blob/);
    expect(() => RpmHeader.parse(header([name], data, 0x7fffffff))).toThrow(/index entries/);
    expect(() => RpmHeader.parse(header([name], data, 1, 0x7fffffff))).toThrow(/bytes of data/);
    expect(() => RpmHeader.parse(Buffer.from([0, 0, 0]))).toThrow(/shorter than/);
  });

  it('refuses offsets outside the data store, strings without an end, arrays past the end', () => {
    expect(() => RpmHeader.parse(header([{ ...name, offset: 1 << 20 }, version], data))).toThrow(/outside the/);
    expect(() => RpmHeader.parse(header([{ ...name, offset: -16 }, version], data))).toThrow(/outside the/);
    expect(() => packageFromHeader(header([name, version], Buffer.from('bad\u00001.0', 'latin1')), '/x', false)).toThrow(/runs past the end/);
    expect(() => packageFromHeader(header([name, version, { tag: 1003, type: 4, offset: 6, count: 2 }], data), '/x', false)).toThrow(/past the end/);
    expect(() => packageFromHeader(header([name, version, { tag: 1011, type: 6, offset: 0, count: 1 }, { tag: 1117, type: 8, offset: 0, count: 200 }], Buffer.from('Red Hat\u00001.0\u0000', 'latin1')), '/x', true)).toThrow(/claims 200 values|runs past/);
  });

  it('refuses a file list whose folder indexes do not match its names', () => {
    // A distribution's package (a third party's owns no files, so its list is never read).
    const withVendor = Buffer.concat([data, Buffer.from('AlmaLinux\u0000', 'latin1')]);
    const vendor = { tag: 1011, type: 6, offset: data.length, count: 1 };
    const files = Buffer.concat([withVendor, Buffer.from('a\u0000/usr/\u0000', 'latin1'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 9])]);
    const base = { tag: 1117, type: 8, offset: withVendor.length, count: 1 };
    const dirs = { tag: 1118, type: 8, offset: withVendor.length + 2, count: 1 };
    const indexes = { tag: 1116, type: 4, offset: withVendor.length + 12, count: 1 };
    expect(packageFromHeader(header([name, version, vendor, base, dirs, { ...indexes, offset: withVendor.length + 8 }], files), '/x', true)?.owned).toEqual({ package: 'bad', paths: '/usr/a' });
    expect(() => packageFromHeader(header([name, version, vendor, base, dirs, indexes], files), '/x', true)).toThrow(/names folder 9 of 1/);
    expect(() => packageFromHeader(header([name, version, vendor, base, dirs, { ...indexes, count: 0 }], files), '/x', true)).toThrow(/1 file names but 0 folder indexes/);
  });

  it('never throws anything but its own error on random bytes or on real headers with bytes changed', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => survives(() => packageFromHeader(Buffer.from(bytes), '/x', true))), { numRuns: 300 });
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (which, changes) => {
        const blob = Buffer.from(blobs[which % blobs.length] as Buffer);
        for (const [at, value] of changes) blob[at % blob.length] = value;
        return survives(() => packageFromHeader(blob, '/x', true));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile Berkeley DB files', () => {
  it('reads a truncated file as far as it goes and says it is truncated', () => {
    const result = berkeleyDbHeaderBlobs(bdbLittle.subarray(0, bdbLittle.length - 4096 * 3));
    expect(result.warnings.join('\n')).toMatch(/truncated/);
  });

  it('refuses an overflow chain that loops, and one that runs off the file', () => {
    for (const [file, write] of [
      [bdbLittle, (b: Buffer, at: number, v: number) => b.writeUInt32LE(v, at)],
      [bdbBig, (b: Buffer, at: number, v: number) => b.writeUInt32BE(v, at)],
    ] as const) {
      const pageSize = 4096;
      const read = file === bdbLittle ? (at: number) => file.readUInt32LE(at) : (at: number) => file.readUInt32BE(at);
      // An overflow page with a next page: following its chain needs more than one page.
      let first = 0;
      for (let pgno = 1; pgno * pageSize < file.length && first === 0; pgno++) if (file[pgno * pageSize + 25] === 7 && read(pgno * pageSize + 16) !== 0) first = pgno;
      expect(first).toBeGreaterThan(0);
      const looping = Buffer.from(file);
      write(looping, first * pageSize + 16, first);
      write(looping, first * pageSize + 22, 0);
      expect(() => berkeleyDbHeaderBlobs(looping)).toThrow(BerkeleyDbError);
      const loopingFull = Buffer.from(file);
      write(loopingFull, first * pageSize + 16, first);
      expect(() => berkeleyDbHeaderBlobs(loopingFull)).toThrow(/loops back|overflow/);
      const offTheEnd = Buffer.from(file);
      write(offTheEnd, first * pageSize + 16, 0x7fffffff);
      expect(() => berkeleyDbHeaderBlobs(offTheEnd)).toThrow(/outside the file/);
    }
  });

  it('does not allocate what a meta page claims: a huge page count is a truncation warning', () => {
    const lying = Buffer.from(bdbLittle);
    lying.writeUInt32LE(0xffffffff, 32);
    expect(berkeleyDbHeaderBlobs(lying).warnings.join('\n')).toMatch(/truncated/);
  });

  it('never throws anything but its own errors on truncated or corrupted files', () => {
    for (const file of [bdbLittle, bdbBig]) {
      fc.assert(fc.property(fc.nat({ max: file.length }), (length) => survives(() => readRpmDatabase(file.subarray(0, length), '/var/lib/rpm/Packages'))), { numRuns: 100 });
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), (changes) => {
          const copy = Buffer.from(file);
          for (const [at, value] of changes) copy[at] = value;
          return survives(() => readRpmDatabase(copy, '/var/lib/rpm/Packages'));
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('hostile ndb files', () => {
  it('skips a blob whose checksum, head or tail does not match, with a warning naming it', () => {
    const corrupt = Buffer.from(ndb);
    const firstBlob = corrupt.readUInt32LE(32 + 8) * 16;
    corrupt[firstBlob + 40] = (corrupt[firstBlob + 40] as number) ^ 0xff;
    const result = ndbHeaderBlobs(corrupt);
    expect(result.warnings).toEqual([expect.stringMatching(/package 1 \(slot 0\): the blob's checksum does not match/)]);
    expect(result.blobs).toHaveLength(blobs.length - 1);
    const lyingSlot = Buffer.from(ndb);
    lyingSlot.writeUInt32LE(0x7fffffff, 32 + 12);
    expect(ndbHeaderBlobs(lyingSlot).warnings.join('\n')).toMatch(/outside the file's data area/);
  });

  it('refuses slot pages the file does not hold and a broken slot page', () => {
    const lying = Buffer.from(ndb);
    lying.writeUInt32LE(100000, 12);
    expect(() => ndbHeaderBlobs(lying)).toThrow(/slot pages/);
    const broken = Buffer.from(ndb);
    broken.write('XXXX', 48, 'latin1');
    expect(() => ndbHeaderBlobs(broken)).toThrow(/no Slot magic/);
  });

  it('writes and reads back any set of blobs (the test writer and the reader agree)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 300 }), (parts) => {
        const written = parts.map((part) => Buffer.from(part));
        const read = ndbHeaderBlobs(writeNdb(written));
        expect(read.warnings).toEqual([]);
        expect(read.blobs).toEqual(written);
      }),
      { numRuns: 50 },
    );
  });

  it('never throws anything but its own errors on truncated or corrupted files', () => {
    fc.assert(fc.property(fc.nat({ max: ndb.length }), (length) => survives(() => readRpmDatabase(ndb.subarray(0, length), '/var/lib/rpm/Packages.db'))), { numRuns: 100 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: ndb.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), (changes) => {
        const copy = Buffer.from(ndb);
        for (const [at, value] of changes) copy[at] = value;
        return survives(() => readRpmDatabase(copy, '/var/lib/rpm/Packages.db'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile SQLite files', () => {
  it('refuses a truncated database and one without a Packages table with its own error', () => {
    expect(() => readRpmDatabase(sqlite.subarray(0, 4096), '/var/lib/rpm/rpmdb.sqlite')).toThrow(RpmSqliteError);
    expect(() => readRpmDatabase(sqlite.subarray(0, 50), '/var/lib/rpm/rpmdb.sqlite')).toThrow(/not an SQLite 3 database/);
  });

  it('never throws anything but its own errors on truncated or corrupted files', () => {
    fc.assert(fc.property(fc.nat({ max: sqlite.length }), (length) => survives(() => readRpmDatabase(sqlite.subarray(0, length), '/var/lib/rpm/rpmdb.sqlite'))), { numRuns: 60 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: sqlite.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), (changes) => {
        const copy = Buffer.from(sqlite);
        for (const [at, value] of changes) copy[at] = value;
        return survives(() => readRpmDatabase(copy, '/var/lib/rpm/rpmdb.sqlite'));
      }),
      { numRuns: 150 },
    );
  });

  it('leaves the image\'s bytes untouched (the write-ahead-log flag is changed on a copy)', () => {
    const before = Buffer.from(sqlite);
    readRpmDatabase(sqlite, '/var/lib/rpm/rpmdb.sqlite');
    expect(sqlite.equals(before)).toBe(true);
  });
});
