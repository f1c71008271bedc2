/**
 * The inventory's data model: what an image or filesystem contains, independent of where it
 * came from and of any advisory. Analyzers produce these; the matcher consumes them.
 */

/**
 * Package types, named as purl types (https://github.com/package-url/purl-spec). A closed list:
 * src/ecosystems/list.test.ts checks that each one has an ecosystem descriptor or is listed there
 * as known-unsupported, and that the result schema's enums say the same.
 */
export const PACKAGE_TYPES = ['deb', 'apk', 'rpm', 'npm', 'pypi'] as const;
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
  architecture?: string;
  /** npm: true when only a development dependency needs it (from a lock file). */
  dev?: boolean;
  /** npm: the folder the package is installed in (`/app/node_modules/a/node_modules/b`). */
  installPath?: string;
  licenses?: string[];
}

/** A package in a scan result: the record plus what the scan learnt around it. */
export interface Package extends PackageRecord {
  /** Stable id within one scan result, used by findings and SBOM `bom-ref`s. */
  id: string;
  purl: string;
  /** The layer that introduced this package (in this version) into the image. */
  layer?: LayerRef;
}
