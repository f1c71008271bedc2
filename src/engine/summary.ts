/**
 * Summary counts and result filters (`--severity`, `--ignore-unfixed`) over a scan result.
 * Filters produce a new result whose summary matches what it holds; they never change packages.
 */
import type { Finding } from '../model/finding.js';
import { emptySeverityCounts, type Severity } from '../model/severity.js';
import type { ScanResult, ScanSummary } from '../model/image-scan.js';

export function summarize(packageCount: number, findings: readonly Finding[]): ScanSummary {
  const bySeverity = emptySeverityCounts();
  let fixable = 0;
  for (const finding of findings) {
    bySeverity[finding.severity] += 1;
    if (finding.fixState === 'fixed') fixable += 1;
  }
  return { packages: packageCount, findings: findings.length, bySeverity, fixable };
}

export interface ResultFilters {
  /** Keep only findings at these severities. */
  severities?: readonly Severity[];
  /** Drop findings without a fixed version. */
  ignoreUnfixed?: boolean;
}

export function filterFindings(findings: readonly Finding[], filters: ResultFilters): Finding[] {
  return findings.filter(
    (finding) => (!filters.severities || filters.severities.includes(finding.severity)) && (!filters.ignoreUnfixed || finding.fixState === 'fixed'),
  );
}

export function applyResultFilters(result: ScanResult, filters: ResultFilters): ScanResult {
  if (!filters.severities && !filters.ignoreUnfixed) return result;
  const findings = filterFindings(result.findings, filters);
  return { ...result, findings, summary: summarize(result.packages.length, findings) };
}
