/**
 * One installed rpm package from its header: name, `[epoch:]version-release` (the epoch only when
 * it is not 0, as `rpm -q` prints it), architecture, vendor, licence, modularity label, the source
 * package (from SOURCERPM, `openssl-3.0.7-27.el9.src.rpm`), and, for a distribution's package
 * (vendor.ts), the files it installed (BASENAMES joined to DIRNAMES through DIRINDEXES, or the
 * OLDFILENAMES of headers older than rpm 4).
 *
 * `gpg-pubkey` entries are the keys rpm imported, stored as headers: they are not packages and are
 * left out (Syft and Trivy leave them out too).
 */
import type { OwnedFiles } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { RpmHeader, RpmHeaderError, RPMTAG } from './header.js';
import { isDistributionVendor } from './vendor.js';

export interface RpmPackage {
  record: PackageRecord;
  owned?: OwnedFiles;
}

const SOURCE_RPM_SUFFIX = /\.(?:no)?src\.rpm$/;

/** `openssl-3.0.7-27.el9.src.rpm` -> name `openssl`, version `3.0.7-27.el9`; undefined when it is not written that way. */
export function parseSourceRpm(fileName: string): { name: string; version: string } | undefined {
  const base = fileName.replace(SOURCE_RPM_SUFFIX, '');
  if (base === fileName) return undefined;
  const releaseDash = base.lastIndexOf('-');
  const versionDash = releaseDash > 0 ? base.lastIndexOf('-', releaseDash - 1) : -1;
  if (versionDash <= 0 || releaseDash === base.length - 1 || versionDash + 1 === releaseDash) return undefined;
  return { name: base.slice(0, versionDash), version: base.slice(versionDash + 1) };
}

function fileList(header: RpmHeader, name: string): string[] {
  const baseNames = header.strings(RPMTAG.baseNames);
  if (baseNames.length === 0) return header.strings(RPMTAG.oldFilenames);
  const dirNames = header.strings(RPMTAG.dirNames);
  const dirIndexes = header.int32s(RPMTAG.dirIndexes);
  if (dirIndexes.length !== baseNames.length) throw new RpmHeaderError(`${name}: ${baseNames.length} file names but ${dirIndexes.length} folder indexes`);
  return baseNames.map((base, index) => {
    const dir = dirNames[dirIndexes[index] as number];
    if (dir === undefined) throw new RpmHeaderError(`${name}: file ${base} names folder ${dirIndexes[index]} of ${dirNames.length}`);
    return dir + base;
  });
}

/**
 * The package a header describes, or undefined for a header that is not an installed package
 * (gpg-pubkey). Throws RpmHeaderError for a header without a name or version, or with lying fields.
 */
export function packageFromHeader(blob: Buffer, location: string, withFiles: boolean): RpmPackage | undefined {
  const header = RpmHeader.parse(blob);
  const name = header.string(RPMTAG.name);
  const version = header.string(RPMTAG.version);
  const release = header.string(RPMTAG.release);
  if (!name || !version) throw new RpmHeaderError('header without a NAME or VERSION');
  if (name === 'gpg-pubkey') return undefined;
  const epoch = header.int32s(RPMTAG.epoch)[0];
  const evr = `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
  const record: PackageRecord = { type: 'rpm', name, version: evr, location };
  const arch = header.string(RPMTAG.arch);
  if (arch) record.architecture = arch;
  const sourceRpm = header.string(RPMTAG.sourceRpm);
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  const ownVersion = `${version}${release ? `-${release}` : ''}`;
  if (source && (source.name !== name || source.version !== ownVersion)) record.source = { name: source.name, ...(source.version !== ownVersion ? { version: source.version } : {}) };
  const vendor = header.string(RPMTAG.vendor);
  if (vendor) record.vendor = vendor;
  const license = header.string(RPMTAG.license);
  if (license) record.licenses = [license];
  const modularityLabel = header.string(RPMTAG.modularityLabel);
  if (modularityLabel) record.modularityLabel = modularityLabel;
  // Only a distribution's packages own their files (vendor.ts): a third party's bundled libraries stay visible.
  if (!withFiles || !isDistributionVendor(vendor)) return { record };
  const paths = fileList(header, name);
  return { record, ...(paths.length > 0 ? { owned: { package: name, paths: paths.join('\n') } } : {}) };
}
