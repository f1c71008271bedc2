/**
 * One installed file compared with what the rpm database says of it, as `rpm -V` compares (rpm's
 * lib/verify.c, rpmfilesVerify): which attributes apply depends on what the file is on disk (a
 * folder has no size, digest or time to compare; a link has no mode, size, digest or time, but a
 * target), the header's per-file verify flags (`%verify(not md5)`, config files), and the object's
 * behaviors. Each check is `pass`, `fail`, or `not performed`: left out by the behaviors, or not
 * observable here (the file's content cannot be read, its device number or file capabilities are
 * not in the target's view, its time is not known on image targets).
 */
import { createHash } from 'node:crypto';
import { TargetReadError, type FileInfo } from '../../../../targets/target.js';
import type { CollectContext } from '../test-type.js';
import { RPMFILE, RPMVERIFY, type RpmFileRecord } from './rpm-file-records.js';

export type CheckResult = 'pass' | 'fail' | 'not performed';

export interface FileVerification {
  size_differs: CheckResult;
  mode_differs: CheckResult;
  filedigest_differs: CheckResult;
  device_differs: CheckResult;
  link_mismatch: CheckResult;
  ownership_differs: CheckResult;
  group_differs: CheckResult;
  mtime_differs: CheckResult;
  capabilities_differ: CheckResult;
}

/** Largest file whose digest is computed; a bigger one is `not performed`, as rpm's `?` for an unreadable file. */
export const MAX_DIGESTED_FILE_BYTES = 256 * 1024 * 1024;

const TYPE_BITS: Record<FileInfo['type'], number> = { file: 0o100000, directory: 0o040000, symlink: 0o120000, other: -1 };
const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/** The checks the object's behaviors leave out (`nosize="true"`...). */
export function omittedBy(behaviors: Readonly<Record<string, string>>): number {
  const on = (name: string): boolean => behaviors[name] === 'true';
  let omit = 0;
  if (on('nolinkto')) omit |= RPMVERIFY.linkTo;
  if (on('nomd5') || on('nofiledigest')) omit |= RPMVERIFY.digest;
  if (on('nosize')) omit |= RPMVERIFY.size;
  if (on('nouser')) omit |= RPMVERIFY.user;
  if (on('nogroup')) omit |= RPMVERIFY.group;
  if (on('nomtime')) omit |= RPMVERIFY.mtime;
  if (on('nomode')) omit |= RPMVERIFY.mode;
  if (on('nordev')) omit |= RPMVERIFY.rdev;
  if (on('nocaps')) omit |= RPMVERIFY.caps;
  return omit;
}

async function digestOf(context: CollectContext, path: string, algorithm: string): Promise<string | undefined> {
  try {
    const bytes = await context.target.readFile(path, MAX_DIGESTED_FILE_BYTES);
    return createHash(algorithm).update(bytes).digest('hex');
  } catch (error) {
    if (error instanceof TargetReadError) return undefined;
    throw error;
  }
}

/**
 * Verifies one file. `omit`: the behaviors' checks. A file that is missing fails every check the
 * header asks for (rpm -V says `missing`; OVAL has no field for it, and a missing file is not one
 * that verifies).
 */
export async function verifyFile(record: RpmFileRecord, digestAlgorithm: string | undefined, omit: number, context: CollectContext): Promise<FileVerification> {
  const info = await context.target.stat(record.path);
  const wanted = record.verifyFlags;
  const result = (flag: number, outcome: () => Promise<CheckResult> | CheckResult): Promise<CheckResult> | CheckResult => {
    if (omit & flag) return 'not performed';
    if (!(wanted & flag)) return 'pass';
    if (!info) return 'fail';
    return outcome();
  };
  const isDevice = (record.mode & S_IFMT) === S_IFCHR || (record.mode & S_IFMT) === S_IFBLK;
  const isFile = info?.type === 'file';
  const isLink = info?.type === 'symlink';
  const isOther = info?.type === 'other';
  const ghost = (record.flags & RPMFILE.ghost) !== 0;
  const compareMode = (): CheckResult => {
    if (!info || isLink) return 'pass';
    if ((record.mode & 0o7777) !== info.mode) return 'fail';
    if (ghost) return 'pass';
    const typeBits = TYPE_BITS[info.type];
    // "other" is a fifo, a device or a socket: the view does not tell which, so any of them agrees.
    if (typeBits === -1) return [0o010000, S_IFCHR, S_IFBLK, 0o140000].includes(record.mode & S_IFMT) ? 'pass' : 'fail';
    return (record.mode & S_IFMT) === typeBits ? 'pass' : 'fail';
  };
  const [size, mode, digest, device, link, user, group, mtime] = await Promise.all([
    result(RPMVERIFY.size, () => (!isFile ? 'pass' : info?.size === record.size ? 'pass' : 'fail')),
    result(RPMVERIFY.mode, compareMode),
    result(RPMVERIFY.digest, async () => {
      if (!isFile) return 'pass';
      if (!digestAlgorithm || record.digest === '') return 'not performed';
      const actual = await digestOf(context, record.path, digestAlgorithm);
      if (actual === undefined) return 'not performed';
      return actual === record.digest.toLowerCase() ? 'pass' : 'fail';
    }),
    result(RPMVERIFY.rdev, () => (isDevice || isOther ? 'not performed' : 'pass')),
    result(RPMVERIFY.linkTo, async () => {
      if (!isLink) return 'pass';
      return (await context.target.readLink(record.path)) === record.linkTo ? 'pass' : 'fail';
    }),
    result(RPMVERIFY.user, async () => ((await context.facts.userName(info?.uid ?? -1)) === record.user ? 'pass' : 'fail')),
    result(RPMVERIFY.group, async () => ((await context.facts.groupName(info?.gid ?? -1)) === record.group ? 'pass' : 'fail')),
    result(RPMVERIFY.mtime, () => (!isFile ? 'pass' : info?.mtime === undefined ? 'not performed' : info.mtime === record.mtime ? 'pass' : 'fail')),
  ]);
  return {
    size_differs: size,
    mode_differs: mode,
    filedigest_differs: digest,
    device_differs: device,
    link_mismatch: link,
    ownership_differs: user,
    group_differs: group,
    mtime_differs: mtime,
    // File capabilities are extended attributes, which no target's view reads.
    capabilities_differ: 'not performed',
  };
}
