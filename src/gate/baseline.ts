/**
 * Baseline-aware gating: "fail only on findings that are new compared with a baseline" (the last
 * passing scan of the same repository and branch, or a given image). A finding is known to the
 * baseline when the baseline had the same flaw in a package of the same type and name; the
 * version is left out on purpose, so a flaw still present after a package update is not new. The
 * CLI builds a baseline from a result file (config/baseline-file.ts), the server from its history.
 */
import type { Finding } from '../model/finding.js';
import type { ScanResult } from '../model/image-scan.js';

export interface GateBaseline {
  /** What the baseline is, for messages: a file name, `sha256:...`, `main@1234`. */
  label: string;
  /** baselineKey of every finding of the baseline. */
  keys: ReadonlySet<string>;
}

export function baselineKey(finding: Pick<Finding, 'id'> & { package: Pick<Finding['package'], 'type' | 'name'> }): string {
  return `${finding.id}\u0000${finding.package.type}\u0000${finding.package.name}`;
}

export function baselineOf(results: readonly Pick<ScanResult, 'findings'>[], label: string): GateBaseline {
  return { label, keys: new Set(results.flatMap((result) => result.findings.map(baselineKey))) };
}

/** The findings a baseline does not know: the ones a baseline-aware gate judges. */
export function newComparedWith(findings: readonly Finding[], baseline: GateBaseline): Finding[] {
  return findings.filter((finding) => !baseline.keys.has(baselineKey(finding)));
}
