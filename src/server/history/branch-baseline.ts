/**
 * The baseline of a repository and branch: its last passing scan (the newest scan uploaded with
 * `pipeline.gatePassed: true`), complete, as the stored ScanResult. The document is what
 * `tollgate image scan --baseline <file>` reads, so a pipeline can fetch it and gate on new findings.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../store/tables.js';
import { pipelineViewOf, type PipelineView } from './pipeline-record.js';

export interface BranchBaseline {
  scanId: string;
  digest: string;
  scannedAt: string;
  pipeline: PipelineView;
  /** The ScanResult as stored (JSON text). */
  result: string;
}

export async function lastPassingScan(db: Kysely<Tables>, repository: string, branch: string): Promise<BranchBaseline | undefined> {
  const row = await db
    .selectFrom('scan_pipelines')
    .innerJoin('scans', 'scans.scan_id', 'scan_pipelines.scan_id')
    .select(['scans.scan_id', 'scans.digest', 'scans.scanned_at', 'scans.result', 'scan_pipelines.repository', 'scan_pipelines.branch', 'scan_pipelines.build_number', 'scan_pipelines.job_name', 'scan_pipelines.gate_passed'])
    .where('scan_pipelines.repository', '=', repository)
    .where('scan_pipelines.branch', '=', branch)
    .where('scan_pipelines.gate_passed', '=', 1)
    .where('scans.status', '=', 'complete')
    .orderBy('scans.scanned_at', 'desc')
    .orderBy('scans.received_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return { scanId: row.scan_id, digest: row.digest, scannedAt: row.scanned_at, pipeline: pipelineViewOf(row), result: row.result };
}
