/**
 * Migration 0002: the server's compliance half. Hosts and asset groups, authentication records
 * (their secrets only as AES-256-GCM ciphertext with IV, tag and key id, never in clear), uploaded
 * policies, option profiles, scanner labels with their workers' heartbeats, and compliance scans
 * with their lease (the token's hash, never the token) and result. The "External" scanner exists
 * from the start.
 */
import type { Kysely, Migration } from 'kysely';

export const COMPLIANCE_MIGRATION: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('hosts')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('address', 'text')
      .addColumn('cloud_instance_id', 'text')
      .addColumn('cloud_connector', 'text')
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('asset_groups')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('hosts', 'text', (c) => c.notNull())
      .addColumn('policies', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('auth_records')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('sudo', 'integer', (c) => c.notNull())
      .addColumn('has_password', 'integer', (c) => c.notNull())
      .addColumn('has_private_key', 'integer', (c) => c.notNull())
      // The secrets (password, private key, passphrase, sudo password) as one sealed JSON document.
      .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
      .addColumn('secret_iv', 'text', (c) => c.notNull())
      .addColumn('secret_tag', 'text', (c) => c.notNull())
      .addColumn('secret_key_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('policies')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('policy_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('yaml', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('option_profiles')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('policies', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('scanners')
      .addColumn('label', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('scanner_workers')
      .addColumn('label', 'text', (c) => c.notNull().references('scanners.label'))
      .addColumn('worker_id', 'text', (c) => c.notNull())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('scanner_workers_pk', ['label', 'worker_id'])
      .execute();
    await db.schema
      .createTable('compliance_scans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('asset_group', 'text')
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('scanner', 'text', (c) => c.notNull())
      .addColumn('option_profile', 'text')
      .addColumn('policies', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('auth_record', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('worker_id', 'text')
      .addColumn('lease_token_hash', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .execute();
    await db.schema.createIndex('compliance_scans_lease').on('compliance_scans').columns(['scanner', 'state', 'created_at']).execute();
    await db.schema.createIndex('compliance_scans_host').on('compliance_scans').columns(['host', 'created_at']).execute();
    await db
      .insertInto('scanners' as never)
      .values({ label: 'External', created_at: new Date().toISOString() } as never)
      .execute();
  },
};
