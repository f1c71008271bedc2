/**
 * rpm packages from the rpm database, in each of its three on-disk formats, read by Tollgate itself
 * (never by running `rpm`: an image or a root folder has no rpm binary to trust, and the host's rpm
 * may not read another release's format):
 * - SQLite `rpmdb.sqlite` (rpm 4.16+: Fedora 33+, RHEL 9, AlmaLinux and Rocky 9, Amazon Linux 2023),
 * - Berkeley DB hash `Packages` (up to rpm 4.15: RHEL/CentOS 7 and 8, Amazon Linux 2, SLES 12),
 * - ndb `Packages.db` (SUSE Linux Enterprise 15 SP3+, openSUSE Leap 15.3+ and Tumbleweed),
 * at `var/lib/rpm/` or `usr/lib/sysimage/rpm/`. The format is told by the file's first bytes, not its
 * name. Each record is an rpm header blob (header.ts) giving the package (package.ts) and the files it
 * installed, which the scan uses as owned files.
 *
 * A header that does not parse is skipped with a warning naming it; a file that is not a database in
 * any of the three formats, or whose structure does not hold, is an error naming the file.
 */
import type { Analyzer, AnalyzerResult, OwnedFiles } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { berkeleyDbHeaderBlobs, isBerkeleyDbHash, type HeaderBlobs } from './berkeley-db.js';
import { isNdb, ndbHeaderBlobs } from './ndb.js';
import { packageFromHeader } from './package.js';
import { SQLITE_MAGIC, sqliteHeaderBlobs } from './sqlite.js';

/** The folders rpm keeps its database in: the traditional one, and the one of Fedora 36+ and SUSE (often linked from the first). */
export const RPM_DATABASE_FOLDERS = ['var/lib/rpm', 'usr/lib/sysimage/rpm'] as const;
export const RPM_DATABASE_FILES = ['rpmdb.sqlite', 'Packages', 'Packages.db'] as const;

const MAX_WARNINGS = 20;

/**
 * The largest rpm database read. A database of several thousand packages with their file lists is
 * tens of megabytes; 256 MiB is far beyond any real one and still bounded.
 */
export const MAX_RPM_DATABASE_BYTES = 256 * 1024 * 1024;

export type RpmDatabaseFormat = 'sqlite' | 'bdb' | 'ndb';

/** The format of an rpm database file, from its first bytes; undefined when it is none of the three. */
export function rpmDatabaseFormat(content: Buffer): RpmDatabaseFormat | undefined {
  if (content.length >= 16 && content.subarray(0, 16).equals(SQLITE_MAGIC)) return 'sqlite';
  if (isNdb(content)) return 'ndb';
  if (isBerkeleyDbHash(content)) return 'bdb';
  return undefined;
}

/** The header blobs of an rpm database file, whatever its format. Throws when the file is none of them. */
export function rpmHeaderBlobs(content: Buffer): HeaderBlobs & { format: RpmDatabaseFormat } {
  const format = rpmDatabaseFormat(content);
  if (format === 'sqlite') return { format, blobs: sqliteHeaderBlobs(content), warnings: [] };
  if (format === 'ndb') return { format, ...ndbHeaderBlobs(content) };
  if (format === 'bdb') return { format, ...berkeleyDbHeaderBlobs(content) };
  throw new Error(`not an rpm database: neither SQLite, Berkeley DB hash nor ndb (starts with ${content.subarray(0, 8).toString('hex') || 'nothing'})`);
}

/** Packages (and, with `withFiles`, their files) of an rpm database file's bytes. */
export function readRpmDatabase(content: Buffer, location: string, withFiles = true): AnalyzerResult {
  if (content.length === 0) return {};
  const { blobs, warnings } = rpmHeaderBlobs(content);
  const packages: PackageRecord[] = [];
  const ownedFiles: OwnedFiles[] = [];
  let skipped = 0;
  blobs.forEach((blob, index) => {
    try {
      const found = packageFromHeader(blob, location, withFiles);
      if (!found) return;
      packages.push(found.record);
      if (found.owned) ownedFiles.push(found.owned);
    } catch (error) {
      skipped += 1;
      if (warnings.length < MAX_WARNINGS) warnings.push(`header ${index + 1}: ${(error as Error).message}; skipped`);
    }
  });
  if (skipped > 0 && warnings.length >= MAX_WARNINGS) warnings.push(`${skipped} unreadable headers in all; skipped`);
  return { packages, ...(ownedFiles.length ? { ownedFiles } : {}), ...(warnings.length ? { warnings } : {}) };
}

export const rpmAnalyzer: Analyzer = {
  id: 'rpm',
  version: 1,
  packageKind: 'os',
  patterns: RPM_DATABASE_FOLDERS.flatMap((folder) => RPM_DATABASE_FILES.map((file) => `${folder}/${file}`)),
  maxFileSize: MAX_RPM_DATABASE_BYTES,
  analyze({ path, content }) {
    return readRpmDatabase(content, path);
  },
};
