/**
 * The trend of a repository and branch build by build, as the connectors' reports show it: for
 * each complete scan uploaded with that pipeline, its findings by severity and what is new and
 * what was fixed compared with the build before. "The same finding" is the baseline gate's notion
 * (gate/baseline.ts: the flaw in a package of the same type and name), so the trend's `new` is
 * what a baseline-aware gate would judge.
 */
import type { Kysely } from 'kysely';
import { baselineKey } from '../../gate/baseline.js';
import type { ScanResult } from '../../model/image-scan.js';
import { emptySeverityCounts, type Severity } from '../../model/severity.js';
import type { Tables } from '../store/tables.js';
import { pipelineViewOf, type PipelineView } from './pipeline-record.js';

export interface BuildPoint {
  scanId: string;
  digest: string;
  scannedAt: string;
  pipeline: PipelineView;
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Compared with the build before (null for the first build the server has). */
  previousScanId: string | null;
  new: number | null;
  fixed: number | null;
}

function severityCounts(result: ScanResult): Record<Severity, number> {
  const counts = emptySeverityCounts();
  for (const finding of result.findings) counts[finding.severity] += 1;
  return counts;
}

function difference(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let count = 0;
  for (const key of a) if (!b.has(key)) count += 1;
  return count;
}

/** The last `limit` builds, oldest first. */
export async function buildTrend(db: Kysely<Tables>, repository: string, branch: string, limit: number): Promise<BuildPoint[]> {
  // One more than asked: the oldest build shown is compared with the one before it.
  const rows = await db
    .selectFrom('scan_pipelines')
    .innerJoin('scans', 'scans.scan_id', 'scan_pipelines.scan_id')
    .select(['scans.scan_id', 'scans.digest', 'scans.scanned_at', 'scans.result', 'scan_pipelines.repository', 'scan_pipelines.branch', 'scan_pipelines.build_number', 'scan_pipelines.job_name', 'scan_pipelines.gate_passed'])
    .where('scan_pipelines.repository', '=', repository)
    .where('scan_pipelines.branch', '=', branch)
    .where('scans.status', '=', 'complete')
    .orderBy('scans.scanned_at', 'desc')
    .orderBy('scans.received_at', 'desc')
    .limit(limit + 1)
    .execute();
  const builds = rows.reverse().map((row) => {
    const result = JSON.parse(row.result) as ScanResult;
    return { row, result, keys: new Set(result.findings.map(baselineKey)) };
  });
  const points: BuildPoint[] = [];
  builds.forEach((build, index) => {
    const previous = index > 0 ? builds[index - 1] : undefined;
    points.push({
      scanId: build.row.scan_id,
      digest: build.row.digest,
      scannedAt: build.row.scanned_at,
      pipeline: pipelineViewOf(build.row),
      findings: build.result.findings.length,
      bySeverity: severityCounts(build.result),
      previousScanId: previous?.row.scan_id ?? null,
      new: previous ? difference(build.keys, previous.keys) : null,
      fixed: previous ? difference(previous.keys, build.keys) : null,
    });
  });
  return points.slice(-limit);
}
