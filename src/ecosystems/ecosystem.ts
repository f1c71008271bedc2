/**
 * The ecosystem-descriptor contract: what Tollgate knows of one ecosystem, in one place — the
 * package type it covers and, for an OS ecosystem, the distribution it serves; how its packages'
 * purls are written; which version scheme orders them; which OSV advisories apply and under which
 * name a package is looked up; what `tollgate db update` downloads for it; and when its releases'
 * support ends.
 *
 * Each ecosystem is a folder (`src/ecosystems/<id>/index.ts`) registered in `src/ecosystems/list.ts`.
 * A descriptor is data and pure functions: it never reads files, never touches the database, and
 * never throws on what an image says (an OS release it cannot place is `undefined`, not an error).
 */
import type { OsInfo, PackageRecord, PackageType } from '../model/package.js';

/** Builds a package's purl; `os` is the scanned image's OS, when one was found. */
export type PurlBuilder = (record: PackageRecord, os: OsInfo | undefined) => string;

/** The name and version a package's advisories are looked up by. */
export interface AdvisoryQuery {
  name: string;
  version: string;
}

/** What an advisory says about where it applies, beyond name and version ranges. */
export interface AdvisoryScope {
  summary?: string;
  /** Every version the entry's ranges and version list name (`introduced`, `fixed`, ...). */
  rangeVersions: readonly string[];
}

/** One release of an OS, as the descriptor knows it. */
export interface OsRelease {
  /** The release as `releaseOf` names it: `12`, `22.04`, `3.19`. */
  release: string;
  codename?: string;
  /**
   * The last day of the release's free security support (`YYYY-MM-DD`): the end of Debian LTS,
   * of Ubuntu standard support, of an Alpine branch. Absent where no date is published or known
   * for sure; such a release is never flagged.
   */
  endOfSupport?: string;
}

export interface EcosystemDescriptor {
  /** The folder name: `debian`, `ubuntu`, `alpine`, `npm`, `pypi`. */
  readonly id: string;
  /** The purl type of the packages this ecosystem covers. */
  readonly packageType: PackageType;
  /**
   * OS ecosystems: the os-release `ID` of the distribution served. A package of this type on an
   * OS no descriptor serves is not matched, and the scan says so. Absent for language ecosystems,
   * whose packages match wherever they are installed.
   */
  readonly osFamily?: string;
  /** The id, in src/versions/list.ts, of the scheme that orders this ecosystem's versions. */
  readonly versionScheme: string;
  readonly osv: {
    /**
     * The OSV ecosystem name, alone (`npm`, `PyPI`) or before `:<release>` (`Debian:12`): the
     * advisories this descriptor matches against, and the archive `db update` downloads.
     */
    readonly ecosystem: string;
    /** True when `tollgate db update` downloads this ecosystem unless told otherwise. */
    readonly downloadByDefault: boolean;
  };
  /**
   * The OSV ecosystem a package on `os` is matched in (`Debian:12`, `Ubuntu:22.04:LTS`,
   * `Alpine:v3.19`, `npm`); undefined when the release cannot be told from what the OS says.
   */
  osvEcosystemFor(os: OsInfo | undefined): string | undefined;
  /**
   * OS ecosystems whose advisories are split into product streams an installed package cannot
   * name (Red Hat: `Red Hat:enterprise_linux:9::baseos`, `::appstream`, `::crb`, ...): whether one
   * stored stream whose name begins with `osvEcosystemFor(os)` serves `os`. The matcher then looks
   * each package up in every stored stream this accepts. Absent: `osvEcosystemFor(os)` is the one
   * ecosystem looked in.
   */
  streamApplies?(ecosystem: string, os: OsInfo): boolean;
  /** The name as this ecosystem's advisories are stored and looked up: PEP 503 for PyPI, as-is elsewhere. */
  readonly normalizeName: (name: string) => string;
  /** The package's purl; byte-stable, since findings, SBOMs and stored results refer to it. */
  readonly purl: PurlBuilder;
  /** Which name and version advisories are written against: for Debian the source package and its version. */
  advisoryQuery(pkg: PackageRecord): AdvisoryQuery;
  /**
   * Whether an advisory's entry for the package's name applies to this package at all, before its
   * ranges are compared (rpm module streams). Absent: every entry for the name applies.
   */
  advisoryApplies?(pkg: PackageRecord, scope: AdvisoryScope): boolean;
  /** OS ecosystems: the release an OS is, as `releases` names it; undefined when it cannot be told. */
  releaseOf?(os: OsInfo): string | undefined;
  /** OS ecosystems: the releases known by name and, where sure, by end of support. */
  readonly releases?: readonly OsRelease[];
}
