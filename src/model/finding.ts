/**
 * A finding: one flaw (one group of aliased advisories) affecting one installed package.
 */
import type { LayerRef, PackageType } from './package.js';
import type { Severity } from './severity.js';

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  vector: string;
  baseScore: number;
  /** Where the vector came from: the advisory id, or the enrichment source. */
  source: string;
}

/**
 * `fixed`: a fixed version exists; `not-fixed`: none yet; `wont-fix`: the distribution has
 * decided not to fix it (Debian `<no-dsa>`/`<ignored>`-style decisions recorded in the advisory).
 */
export type FixState = 'fixed' | 'not-fixed' | 'wont-fix';

/** Where the finding's severity came from. */
export type SeveritySource = 'cvss' | 'advisory' | 'none';

export interface Finding {
  /** The flaw's primary id: its CVE where it has one, else the first advisory id. */
  id: string;
  /** Every other id of the same flaw (advisory ids and their aliases), sorted. */
  aliases: string[];
  /** The ids of the database records that matched, sorted. */
  advisoryIds: string[];
  package: {
    id: string;
    name: string;
    version: string;
    type: PackageType;
    purl: string;
    location: string;
    /** The advisory ecosystem it was matched in: `Debian:12`, `npm`, `PyPI`. */
    ecosystem: string;
    /** The name it was looked up by (the source package for Debian, the origin for Alpine). */
    matchedName: string;
    /** The version it was compared as (the source version for Debian). */
    matchedVersion: string;
    layer?: LayerRef;
  };
  fixState: FixState;
  /** Versions that fix the flaw for this package's line, lowest first. */
  fixedVersions: string[];
  severity: Severity;
  severitySource: SeveritySource;
  /** The score the severity came from, when it came from CVSS. */
  cvss?: CvssScore;
  /** Every CVSS score known for the flaw, highest version first. */
  cvssScores: CvssScore[];
  title?: string;
  description?: string;
  references: string[];
  published?: string;
  modified?: string;
}
