/**
 * Matching a stored inventory again: the platform keeps each scan's packages (with their layers)
 * and, when the vulnerability database changes, asks for the findings of the same inventory under
 * the new database, without the image. The same matcher and summary as a scan, so a re-evaluated
 * result cannot differ from a fresh scan of the same packages.
 */
import { matchPackages, type MatchDatabase } from '../match/matcher.js';
import type { VulnDatabase } from '../vulndb/database.js';
import type { ScanResult } from '../model/image-scan.js';
import { summarize } from '../engine/summary.js';

/** The result with findings, summary and database summary replaced; packages, image and layers kept. Warnings from an earlier match are replaced by this one's. */
export function rematchScan(result: ScanResult, database: MatchDatabase & Pick<VulnDatabase, 'summary'>): ScanResult {
  const matched = matchPackages(result.packages, result.os, database);
  const inventoryWarnings = result.warnings.filter((warning) => !warning.startsWith('match: '));
  return {
    ...result,
    findings: matched.findings,
    summary: summarize(result.packages.length, matched.findings),
    database: database.summary(),
    warnings: [...inventoryWarnings, ...matched.warnings.map((warning) => `match: ${warning}`)],
  };
}
