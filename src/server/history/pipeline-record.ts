/**
 * The pipeline a scan was made for, sent with the upload: the source repository and branch, the
 * build number and job name, and whether the pipeline's gate passed. Stored beside the scan in the
 * upload's transaction; the baseline (the last passing scan of a branch), the trend (build by
 * build) and the dashboard read it.
 */
import type { Kysely, Transaction } from 'kysely';
import { audit } from '../store/audit.js';
import type { Tables } from '../store/tables.js';

export interface PipelineMetadata {
  repository: string;
  branch: string;
  buildNumber?: string | number;
  jobName?: string;
  gatePassed?: boolean;
}

const text = (maxLength: number): Record<string, unknown> => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

/** The upload body's `pipeline` field. */
export const PIPELINE_SCHEMA = {
  type: 'object',
  required: ['repository', 'branch'],
  additionalProperties: false,
  properties: {
    repository: { ...text(512), description: 'the source repository the pipeline builds (`group/project`, a clone URL)' },
    branch: { ...text(256), description: 'the branch (or ref) built' },
    buildNumber: { anyOf: [text(64), { type: 'integer', minimum: 0 }] },
    jobName: text(512),
    gatePassed: { type: 'boolean', description: "the pipeline's gate passed: this scan can be the branch's baseline" },
  },
} as const;

/** Repository and branch as query parameters (baseline, trend). */
export const BRANCH_QUERY = { repository: text(512), branch: text(256) } as const;

export async function recordPipeline(trx: Transaction<Tables>, scan: { scanId: string; digest: string; scannedAt: string; receivedAt: string }, pipeline: PipelineMetadata): Promise<void> {
  await trx
    .insertInto('scan_pipelines')
    .values({
      scan_id: scan.scanId,
      digest: scan.digest,
      repository: pipeline.repository,
      branch: pipeline.branch,
      build_number: pipeline.buildNumber !== undefined ? String(pipeline.buildNumber) : null,
      job_name: pipeline.jobName ?? null,
      gate_passed: pipeline.gatePassed === undefined ? null : pipeline.gatePassed ? 1 : 0,
      scanned_at: scan.scannedAt,
      received_at: scan.receivedAt,
    })
    .execute();
}

export interface PipelineView {
  repository: string;
  branch: string;
  buildNumber?: string;
  jobName?: string;
  gatePassed?: boolean;
}

export function pipelineViewOf(row: Pick<Tables['scan_pipelines'], 'repository' | 'branch' | 'build_number' | 'job_name' | 'gate_passed'>): PipelineView {
  return {
    repository: row.repository,
    branch: row.branch,
    ...(row.build_number !== null ? { buildNumber: row.build_number } : {}),
    ...(row.job_name !== null ? { jobName: row.job_name } : {}),
    ...(row.gate_passed !== null ? { gatePassed: Number(row.gate_passed) === 1 } : {}),
  };
}

export class UnknownScanError extends Error {
  readonly field = 'params.scanId';
}

/**
 * A pipeline's report on a stored scan, after the upload: a sensor uploads the scan, the pipeline's
 * connector learns whether its gate passed and says so here. Replaces what was reported before;
 * audited in the same transaction.
 */
export async function reportPipeline(db: Kysely<Tables>, scanId: string, pipeline: PipelineMetadata, tokenName: string, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const scan = await trx.selectFrom('scans').select(['digest', 'scanned_at']).where('scan_id', '=', scanId).executeTakeFirst();
    if (!scan) throw new UnknownScanError(`no scan ${scanId} is stored`);
    await trx.deleteFrom('scan_pipelines').where('scan_id', '=', scanId).execute();
    await recordPipeline(trx, { scanId, digest: scan.digest, scannedAt: scan.scanned_at, receivedAt: now }, pipeline);
    const outcome = pipeline.gatePassed === undefined ? '' : pipeline.gatePassed ? ' gate passed' : ' gate failed';
    await audit(trx, { tokenName, action: 'scan.pipeline', target: `${scanId} ${pipeline.repository} ${pipeline.branch}${outcome}` });
  });
}
