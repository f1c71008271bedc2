/**
 * Versioned migrations, run at start by Kysely's Migrator. On PostgreSQL the Migrator holds a
 * transaction-scoped advisory lock while it migrates, so several server processes starting at once
 * migrate once; on SQLite the single connection serialises them. A migration is never edited once
 * released: a change is a new entry.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { COMPLIANCE_MIGRATION } from './migrations/0002-compliance.js';
import { exceptionsAndPipelines } from './migrations/0003-exceptions-and-pipelines.js';
import { SENSORS_MIGRATION } from './migrations/0004-sensors.js';
import { scanPackageNames } from './migrations/0006-scan-package-names.js';
import { CLOUD_CONNECTORS_MIGRATION } from './migrations/0005-cloud-connectors.js';
import { CLAIM_FAILURES_MIGRATION } from './migrations/0007-claim-failures.js';
import { IMAGE_SEARCH_MIGRATION } from './migrations/0008-image-search.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-core': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tokens')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('token_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      await db.schema
        .createTable('images')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('processing_since', 'text')
        .execute();
      await db.schema
        .createTable('scans')
        .addColumn('scan_id', 'text', (c) => c.primaryKey())
        .addColumn('digest', 'text', (c) => c.notNull().references('images.digest'))
        .addColumn('scanned_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('database_built_at', 'text')
        .execute();
      await db.schema.createIndex('scans_digest_scanned').on('scans').columns(['digest', 'scanned_at']).execute();
      await db.schema
        .createTable('image_findings')
        .addColumn('digest', 'text', (c) => c.notNull().references('images.digest'))
        .addColumn('finding_key', 'text', (c) => c.notNull())
        .addColumn('finding_id', 'text', (c) => c.notNull())
        .addColumn('package_name', 'text', (c) => c.notNull())
        .addColumn('package_version', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addPrimaryKeyConstraint('image_findings_pk', ['digest', 'finding_key'])
        .execute();
      await db.schema
        .createTable('finding_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('finding_key', 'text', (c) => c.notNull())
        .addColumn('finding_id', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('appeared_at', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('finding_events_appeared').on('finding_events').column('appeared_at').execute();
      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('job_runs')
        .addColumn('job_key', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
    },
  },
  '0002-compliance': COMPLIANCE_MIGRATION,
  '0003-exceptions-and-pipelines': exceptionsAndPipelines,
  '0004-sensors': SENSORS_MIGRATION,
  '0005-cloud-connectors': CLOUD_CONNECTORS_MIGRATION,
  '0006-scan-package-names': scanPackageNames,
  '0007-claim-failures': CLAIM_FAILURES_MIGRATION,
  '0008-image-search': IMAGE_SEARCH_MIGRATION,
};

class ListedMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  }
}

/** Brings the store to the named migration (tests of a migration over data stored before it). */
export async function migrateUpTo(db: Kysely<unknown>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: new ListedMigrations() }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Brings the store to the newest version; throws (naming the migration) when one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new ListedMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
