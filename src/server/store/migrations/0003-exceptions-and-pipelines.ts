/**
 * Migration 0003: the exceptions workflow (requested -> approved with an expiry, or rejected) and
 * the pipeline a scan was uploaded for (repository, branch, build), which the baseline, the trend
 * and the dashboard read. A scan's pipeline row goes with the scan (retention deletes both).
 */
import type { Kysely, Migration } from 'kysely';

export const exceptionsAndPipelines: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('exceptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('scope_repository', 'text')
      .addColumn('scope_digest', 'text')
      .addColumn('scope_host', 'text')
      .addColumn('scope_asset_group', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('decision_comment', 'text')
      .addColumn('expires_at', 'text')
      .execute();
    await db.schema.createIndex('exceptions_state_expiry').on('exceptions').columns(['state', 'expires_at']).execute();
    await db.schema.createIndex('exceptions_requested').on('exceptions').column('requested_at').execute();
    await db.schema
      .createTable('scan_pipelines')
      .addColumn('scan_id', 'text', (c) => c.primaryKey().references('scans.scan_id').onDelete('cascade'))
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('branch', 'text', (c) => c.notNull())
      .addColumn('build_number', 'text')
      .addColumn('job_name', 'text')
      .addColumn('gate_passed', 'integer')
      .addColumn('scanned_at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('scan_pipelines_branch_scanned').on('scan_pipelines').columns(['repository', 'branch', 'scanned_at']).execute();
  },
};
