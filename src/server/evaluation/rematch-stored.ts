/**
 * One stored scan matched again, from its stored text to what the store writes back: the result's
 * text, its database's build time, its package names and the identities of its findings (what the
 * current findings are brought up to date from). The one path both the main thread and the match
 * workers (match-pool.ts) take, so a result cannot depend on where it was matched. Pure: reads only
 * the database view it is given; never touches the store.
 */
import { rematchScan } from '../../jobs/rematch.js';
import type { ScanResult } from '../../model/image-scan.js';
import type { CurrentFinding } from '../store/current-findings.js';
import { findingIdentity } from '../store/finding-identity.js';
import type { CachedMatchDatabase } from './cached-database.js';
import { encodePackageNames, packageNamesOf } from './package-names.js';

/** A scan as read from the store for matching. */
export interface StoredScan {
  scanId: string;
  digest: string;
  /** scans.result: the result document's JSON text. */
  result: string;
  /** scans.package_names; NULL for scans stored before migration 0006. */
  packageNames: string | null;
}

/** A scan matched again, ready to be stored. Plain data: it crosses from a worker thread as is. */
export interface RematchedScan {
  scanId: string;
  digest: string;
  /** The new result document's JSON text. */
  result: string;
  databaseBuiltAt: string | null;
  /** Matching again keeps the packages, so the stored names are kept; NULL is filled in. */
  packageNames: string;
  findings: CurrentFinding[];
}

export function rematchStored(scan: StoredScan, view: CachedMatchDatabase): RematchedScan {
  const result = rematchScan(JSON.parse(scan.result) as ScanResult, view);
  return {
    scanId: scan.scanId,
    digest: scan.digest,
    result: JSON.stringify(result),
    databaseBuiltAt: result.database?.builtAt ?? null,
    packageNames: scan.packageNames ?? encodePackageNames(packageNamesOf(result)),
    findings: result.findings.map((finding) => ({ key: findingIdentity(finding), id: finding.id, packageName: finding.package.name, packageVersion: finding.package.version, severity: finding.severity })),
  };
}
