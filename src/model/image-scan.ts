/**
 * The image scan result: plain, versioned JSON (DESIGN.md, "Results are plain, documented,
 * versioned JSON"). Its schema is `docs/schema/scan-result.schema.json`; bump
 * SCAN_RESULT_SCHEMA_VERSION on any change that is not a pure addition.
 */
import type { OsInfo, Package } from './package.js';
import type { Finding } from './finding.js';
import type { Severity } from './severity.js';

export const SCAN_RESULT_SCHEMA_VERSION = 1;

export type ImageSourceType = 'docker-archive' | 'oci' | 'dir' | 'docker' | 'registry' | 'sbom';

export interface LayerSummary {
  index: number;
  diffId?: string;
  /** Blob digest as stored (compressed form), where the source has one. */
  digest?: string;
  /** Stored (compressed) size in bytes, where known. */
  size?: number;
  createdBy?: string;
}

export interface ImageSummary {
  /** The reference as the user gave it. */
  reference: string;
  source: ImageSourceType;
  /** Image id: digest of the image config (`sha256:...`). */
  id?: string;
  /** Digest of the manifest, where the source has one. */
  manifestDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  /** Sum of the stored layer sizes in bytes, where known. */
  size?: number;
  layers: LayerSummary[];
}

export interface DatabaseSummary {
  path: string;
  builtAt?: string;
  /** Hours from the database's build to the scan, one decimal: how fresh the advisories were. */
  ageHours?: number;
  sources: { name: string; fetchedAt?: string; records: number }[];
}

export interface ScanSummary {
  packages: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Findings for which a fixed version exists. */
  fixable: number;
}

/** The OS of a scanned image: what the inventory found, plus what the scan judged of its support. */
export interface ScannedOs extends OsInfo {
  /**
   * Present only when the release's free security support had ended on the scan's date: `date` is
   * the last day of that support (Debian LTS, Ubuntu standard support, an Alpine branch), as
   * `YYYY-MM-DD`. A release Tollgate has no date for is never flagged.
   */
  endOfLife?: { date: string };
}

export interface ScanResult {
  schemaVersion: typeof SCAN_RESULT_SCHEMA_VERSION;
  tool: { name: 'tollgate'; version: string };
  scannedAt: string;
  image: ImageSummary;
  os?: ScannedOs;
  packages: Package[];
  findings: Finding[];
  summary: ScanSummary;
  database?: DatabaseSummary;
  /** Problems that did not stop the scan (a malformed package entry skipped). */
  warnings: string[];
}
