/**
 * What the rpm database says about each installed file, as `rpm -V` compares it: size, mode (type
 * and permission bits), modification time, digest and its algorithm, link target, owner and group
 * names, file flags (config, doc, ghost, licence, readme) and the per-file verify flags. Read from
 * the target's own database file with the inventory's readers (SQLite, Berkeley DB, ndb) and header
 * parser, never by running rpm; every per-file array must have one value per file, or the header is
 * skipped with a warning, as the inventory skips a header that lies.
 */
import { MAX_RPM_DATABASE_BYTES, RPM_DATABASE_FILES, RPM_DATABASE_FOLDERS, rpmHeaderBlobs } from '../../../../../inventory/rpm/index.js';
import { RpmHeader, RpmHeaderError, RPMTAG } from '../../../../../inventory/rpm/header.js';
import { TargetReadError, type Target } from '../../../../targets/target.js';

/** rpm's file flags (rpmfiles.h) that items report. */
export const RPMFILE = { config: 1, doc: 2, ghost: 64, license: 128, readme: 256 } as const;

/** rpm's verify flags (rpmvf.h): which attributes `rpm -V` compares for a file. */
export const RPMVERIFY = { digest: 1, size: 2, linkTo: 4, user: 8, group: 16, mtime: 32, mode: 64, rdev: 128, caps: 256 } as const;
const VERIFY_ALL = 0xffffffff;

/** PGP hash algorithm numbers rpm stores in FILEDIGESTALGO, as Node's hash names. */
const DIGEST_ALGORITHMS: Record<number, string> = { 1: 'md5', 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };

export interface RpmFileRecord {
  path: string;
  size: number;
  /** st_mode as rpm stores it: file type bits and permission bits. */
  mode: number;
  mtime: number;
  /** Hex digest; '' when the header has none for the file (folders, links, ghosts). */
  digest: string;
  linkTo: string;
  flags: number;
  user: string;
  group: string;
  verifyFlags: number;
}

export interface RpmPackageFiles {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  /** Node's name of the digest algorithm, undefined when rpm names one Node lacks. */
  digestAlgorithm: string | undefined;
  files: RpmFileRecord[];
}

function perFile<T>(values: T[], count: number, what: string, name: string, fallback?: T): T[] {
  if (values.length === count) return values;
  if (values.length === 0 && fallback !== undefined) return new Array<T>(count).fill(fallback);
  throw new RpmHeaderError(`${name}: ${count} files but ${values.length} ${what}`);
}

/** A header's package and files; undefined for gpg-pubkey. Throws RpmHeaderError for a header whose arrays disagree. */
export function packageFilesFromHeader(blob: Buffer): RpmPackageFiles | undefined {
  const header = RpmHeader.parse(blob);
  const name = header.string(RPMTAG.name);
  const version = header.string(RPMTAG.version);
  if (!name || !version) throw new RpmHeaderError('header without a NAME or VERSION');
  if (name === 'gpg-pubkey') return undefined;
  const baseNames = header.strings(RPMTAG.baseNames);
  const dirNames = header.strings(RPMTAG.dirNames);
  const count = baseNames.length;
  const dirIndexes = perFile(header.int32s(RPMTAG.dirIndexes), count, 'folder indexes', name);
  const longSizes = header.int64s(RPMTAG.longFileSizes);
  const sizes = perFile(longSizes.length > 0 ? longSizes : header.int32s(RPMTAG.fileSizes), count, 'sizes', name);
  const modes = perFile(header.int16s(RPMTAG.fileModes), count, 'modes', name);
  const mtimes = perFile(header.int32s(RPMTAG.fileMtimes), count, 'times', name);
  const digests = perFile(header.strings(RPMTAG.fileDigests), count, 'digests', name, '');
  const linkTos = perFile(header.strings(RPMTAG.fileLinkTos), count, 'link targets', name, '');
  const flags = perFile(header.int32s(RPMTAG.fileFlags), count, 'flags', name, 0);
  const users = perFile(header.strings(RPMTAG.fileUserName), count, 'owners', name);
  const groups = perFile(header.strings(RPMTAG.fileGroupName), count, 'groups', name);
  const verifyFlags = perFile(header.int32s(RPMTAG.fileVerifyFlags), count, 'verify flags', name, VERIFY_ALL);
  const files: RpmFileRecord[] = baseNames.map((base, index) => {
    const dir = dirNames[dirIndexes[index] as number];
    if (dir === undefined) throw new RpmHeaderError(`${name}: file ${base} names folder ${dirIndexes[index]} of ${dirNames.length}`);
    return {
      path: dir + base,
      size: sizes[index] as number,
      mode: modes[index] as number,
      mtime: mtimes[index] as number,
      digest: digests[index] as string,
      linkTo: linkTos[index] as string,
      flags: flags[index] as number,
      user: users[index] as string,
      group: groups[index] as string,
      verifyFlags: verifyFlags[index] as number,
    };
  });
  const algorithm = header.int32s(RPMTAG.fileDigestAlgo)[0] ?? 1;
  return {
    name,
    epoch: String(header.int32s(RPMTAG.epoch)[0] ?? 0),
    version,
    release: header.string(RPMTAG.release) ?? '',
    arch: header.string(RPMTAG.arch) ?? '',
    digestAlgorithm: DIGEST_ALGORITHMS[algorithm],
    files,
  };
}

export interface RpmDatabaseFiles {
  /** The database file read, undefined when the target has none. */
  database?: string;
  packages: RpmPackageFiles[];
  warnings: string[];
}

/**
 * Every installed package with its files, from the first rpm database file present on the target
 * in the inventory's order (rpm reads only one).
 */
export async function readRpmFileRecords(target: Target): Promise<RpmDatabaseFiles> {
  for (const folder of RPM_DATABASE_FOLDERS) {
    for (const file of RPM_DATABASE_FILES) {
      const path = `/${folder}/${file}`;
      let content: Buffer;
      try {
        content = await target.readFile(path, MAX_RPM_DATABASE_BYTES);
      } catch (error) {
        if (error instanceof TargetReadError && (error.failure === 'not-found' || error.failure === 'not-a-file')) continue;
        throw error;
      }
      if (content.length === 0) return { database: path, packages: [], warnings: [] };
      const { blobs, warnings } = rpmHeaderBlobs(content);
      const packages: RpmPackageFiles[] = [];
      blobs.forEach((blob, index) => {
        try {
          const found = packageFilesFromHeader(blob);
          if (found) packages.push(found);
        } catch (error) {
          warnings.push(`${path}: header ${index + 1}: ${(error as Error).message}; skipped`);
        }
      });
      return { database: path, packages, warnings };
    }
  }
  return { packages: [], warnings: [] };
}
