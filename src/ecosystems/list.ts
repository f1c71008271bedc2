/**
 * The one list of ecosystem descriptors, and the lookups the rest of the code goes through: the
 * descriptor serving a package type on an OS, a record's purl, a package type's version scheme, an
 * advisory name's normalisation, the ecosystems `db update` downloads by default.
 *
 * Adding an ecosystem: a folder under src/ecosystems/ and one line in ECOSYSTEMS. Every lookup is a
 * map lookup built once here, since the matcher asks once per package. Importing this module
 * registers nothing anywhere and never does I/O.
 */
import type { OsInfo, PackageRecord, PackageType } from '../model/package.js';
import { getVersionScheme } from '../versions/list.js';
import type { VersionScheme } from '../versions/scheme.js';
import { almalinux } from './almalinux/index.js';
import { alpine } from './alpine/index.js';
import { azurelinux } from './azurelinux/index.js';
import { cargo } from './cargo/index.js';
import { chainguard } from './chainguard/index.js';
import { composer } from './composer/index.js';
import { debian } from './debian/index.js';
import type { EcosystemDescriptor, PurlBuilder } from './ecosystem.js';
import { gem } from './gem/index.js';
import { golang } from './golang/index.js';
import { mariner } from './mariner/index.js';
import { maven } from './maven/index.js';
import { npm } from './npm/index.js';
import { nuget } from './nuget/index.js';
import { opensuse } from './opensuse/index.js';
import { opensuseTumbleweed } from './opensuse-tumbleweed/index.js';
import { pypi } from './pypi/index.js';
import { redhat } from './redhat/index.js';
import { rocky } from './rocky/index.js';
import { suse } from './suse/index.js';
import { ubuntu } from './ubuntu/index.js';
import { wolfi } from './wolfi/index.js';

export const ECOSYSTEMS: readonly EcosystemDescriptor[] = [debian, ubuntu, alpine, wolfi, chainguard, npm, pypi, almalinux, rocky, redhat, suse, opensuse, opensuseTumbleweed, azurelinux, mariner, maven, golang, cargo, gem, composer, nuget];

/** A package type Tollgate inventories but matches against no advisories yet, and why. */
export interface UnsupportedPackageType {
  /** Shown in the scan's warning about the packages left unmatched. */
  readonly reason: string;
  /** Its packages still have a purl and a version order (the gate's software ranges use it). */
  readonly versionScheme: string;
  readonly purl: PurlBuilder;
}

/** Known-unsupported package types: their packages are inventoried, and the scan warns they are not matched. */
export const UNSUPPORTED_PACKAGE_TYPES: ReadonlyMap<PackageType, UnsupportedPackageType> = new Map<PackageType, UnsupportedPackageType>([]);

/** Language descriptors by package type: they serve every OS. */
const LANGUAGE_BY_TYPE = new Map<PackageType, EcosystemDescriptor>();
/** OS descriptors by package type, then os-release `ID`. */
const OS_BY_TYPE = new Map<PackageType, Map<string, EcosystemDescriptor>>();
/** The first descriptor of each type: the purl and scheme of a package whose OS no descriptor serves. */
const FIRST_BY_TYPE = new Map<PackageType, EcosystemDescriptor>();
/** Descriptors by OSV ecosystem name (`Debian`, `PyPI`), for advisory-name normalisation. */
const BY_OSV_ECOSYSTEM = new Map<string, EcosystemDescriptor>();
/** The first OS descriptor of each os-release `ID`. */
const OS_BY_FAMILY = new Map<string, EcosystemDescriptor>();
for (const descriptor of ECOSYSTEMS) {
  if (!FIRST_BY_TYPE.has(descriptor.packageType)) FIRST_BY_TYPE.set(descriptor.packageType, descriptor);
  if (!BY_OSV_ECOSYSTEM.has(descriptor.osv.ecosystem)) BY_OSV_ECOSYSTEM.set(descriptor.osv.ecosystem, descriptor);
  if (descriptor.osFamily === undefined) {
    if (!LANGUAGE_BY_TYPE.has(descriptor.packageType)) LANGUAGE_BY_TYPE.set(descriptor.packageType, descriptor);
    continue;
  }
  if (!OS_BY_FAMILY.has(descriptor.osFamily)) OS_BY_FAMILY.set(descriptor.osFamily, descriptor);
  const byFamily = OS_BY_TYPE.get(descriptor.packageType) ?? new Map<string, EcosystemDescriptor>();
  if (!byFamily.has(descriptor.osFamily)) byFamily.set(descriptor.osFamily, descriptor);
  OS_BY_TYPE.set(descriptor.packageType, byFamily);
}

/** The descriptor serving packages of `type` on `os`, or undefined when none does. */
export function ecosystemFor(type: PackageType, os: OsInfo | undefined): EcosystemDescriptor | undefined {
  const language = LANGUAGE_BY_TYPE.get(type);
  if (language) return language;
  return os ? OS_BY_TYPE.get(type)?.get(os.family) : undefined;
}

/** The first OS descriptor serving an os-release `ID`: whose release table says when that OS's releases end. */
export function osDescriptorFor(family: string): EcosystemDescriptor | undefined {
  return OS_BY_FAMILY.get(family);
}

/** The os-release IDs whose packages of `type` are matched; empty for language and unsupported types. */
export function osFamiliesServing(type: PackageType): string[] {
  return [...(OS_BY_TYPE.get(type)?.keys() ?? [])];
}

function purlBuilderFor(type: PackageType, os: OsInfo | undefined): PurlBuilder {
  const builder = (ecosystemFor(type, os) ?? FIRST_BY_TYPE.get(type))?.purl ?? UNSUPPORTED_PACKAGE_TYPES.get(type)?.purl;
  // Unreachable while list.test.ts holds: every package type has a descriptor or an unsupported entry.
  if (!builder) throw new Error(`no ecosystem descriptor or unsupported entry for package type "${type}"`);
  return builder;
}

/**
 * The package URL of an inventory record. A package on an OS no descriptor serves (a deb on
 * Devuan) still gets its type's purl, with that OS as the namespace.
 */
export function purlFor(record: PackageRecord, os: OsInfo | undefined): string {
  return purlBuilderFor(record.type, os)(record, os);
}

/** The version scheme packages of `type` are ordered by (every descriptor of a type shares it). */
export function schemeForPackageType(type: PackageType): VersionScheme {
  const id = FIRST_BY_TYPE.get(type)?.versionScheme ?? UNSUPPORTED_PACKAGE_TYPES.get(type)?.versionScheme;
  if (!id) throw new Error(`no ecosystem descriptor or unsupported entry for package type "${type}"`);
  return getVersionScheme(id);
}

/** The name normalisation of an OSV ecosystem (`PyPI`, `Debian:12`); names of ecosystems no descriptor claims stay as they are. */
export function advisoryNameNormalizer(osvEcosystem: string): (name: string) => string {
  const colon = osvEcosystem.indexOf(':');
  const descriptor = BY_OSV_ECOSYSTEM.get(colon === -1 ? osvEcosystem : osvEcosystem.slice(0, colon));
  return descriptor ? descriptor.normalizeName : keepName;
}

function keepName(name: string): string {
  return name;
}

/** A package name as advisories of `osvEcosystem` store it; applied at import and at lookup alike. */
export function normalizeAdvisoryName(osvEcosystem: string, name: string): string {
  return advisoryNameNormalizer(osvEcosystem)(name);
}

/** The OSV ecosystems `tollgate db update` downloads unless told otherwise, in list order. */
export function defaultDownloads(): string[] {
  return [...new Set(ECOSYSTEMS.filter((descriptor) => descriptor.osv.downloadByDefault).map((descriptor) => descriptor.osv.ecosystem))];
}
