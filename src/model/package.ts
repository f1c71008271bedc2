/**
 * The inventory's data model: what an image or filesystem contains, independent of where it
 * came from and of any advisory. Analyzers produce these; the matcher consumes them.
 */

/**
 * Package types, named as purl types (https://github.com/package-url/purl-spec). A closed list:
 * src/ecosystems/list.test.ts checks that each one has an ecosystem descriptor or is listed there
 * as known-unsupported, and that the result schema's enums say the same.
 */
export const PACKAGE_TYPES = ['deb', 'apk', 'rpm', 'npm', 'pypi', 'maven', 'golang', 'cargo', 'gem', 'composer', 'nuget'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** The operating system of an image or root filesystem. */
export interface OsInfo {
  /** Lower-case distribution id as in os-release `ID`: `debian`, `ubuntu`, `alpine`, `rhel`, ... */
  family: string;
  /** The release version as the distribution writes it: `12`, `12.5`, `3.19.1`, `22.04`. */
  version: string;
  /** Release code name where the distribution has one: `bookworm`, `jammy`. */
  codename?: string;
  /** Human-readable name, os-release `PRETTY_NAME`. */
  prettyName?: string;
  /** Ids of the distributions this one derives from (os-release `ID_LIKE`). */
  idLike?: string[];
  /** os-release `PLATFORM_ID` where the distribution sets one: `platform:el9`, `platform:f41`. */
  platformId?: string;
}

/** The image layer a package or file came from. */
export interface LayerRef {
  /** Position in the image's layer list, from 0 (the base). */
  index: number;
  /** `sha256:...` of the uncompressed layer tar; absent for a plain directory source. */
  diffId?: string;
  /** The history line that created the layer (`created_by`), when the image records one. */
  createdBy?: string;
}

/**
 * A package as an analyzer reports it, before the scan knows the OS and the layer:
 * the analyzer fills what its file says, nothing else.
 */
export interface PackageRecord {
  type: PackageType;
  name: string;
  version: string;
  /** Absolute path, inside the image root, of the file the package was read from. */
  location: string;
  /** Source package (dpkg `Source:`, apk origin `o:`); version only where it differs. */
  source?: { name: string; version?: string };
  /** The machine the package is built for; for a gem, its platform (`java`, `x86_64-linux`). */
  architecture?: string;
  /** npm, Composer: true when only a development dependency needs it (from a lock file). */
  dev?: boolean;
  /** npm, Composer: the folder the package is installed in (`/app/node_modules/a/node_modules/b`, `/app/vendor/psr/log`). */
  installPath?: string;
  /**
   * Java: where the identity came from — Maven's `pom.properties` or `pom.xml`, the manifest, or
   * (no metadata at all) the file name. Only pom files give a groupId, which advisories need.
   */
  identityFrom?: 'pom.properties' | 'pom.xml' | 'manifest' | 'file-name';
  licenses?: string[];
  /**
   * OS packages: who built the package, where its database says (dpkg `Origin`, rpm `Vendor`). A
   * vendor other than the distribution's marks a third-party package, whose files language
   * packages are still reported from.
   */
  vendor?: string;
  /**
   * Language packages read from a file an OS package installed, reported only when the scan is
   * asked to (`--scan-os-owned-files`): the OS package (`python3-requests`) that owns the file.
   */
  ownedBy?: string;
  /** rpm: the module stream a modular package was built for (`nodejs:18:8070020230306170042:bd1311ed`). */
  modularityLabel?: string;
}

/** A package in a scan result: the record plus what the scan learnt around it. */
export interface Package extends PackageRecord {
  /** Stable id within one scan result, used by findings and SBOM `bom-ref`s. */
  id: string;
  purl: string;
  /** The layer that introduced this package (in this version) into the image. */
  layer?: LayerRef;
}
