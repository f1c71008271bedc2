/**
 * Cloud connectors (AWS accounts the server resolves `ec2:` instances through) and the last state
 * seen of each instance. The secret access key is stored sealed (AES-256-GCM, the compliance
 * secrets module), never in clear.
 */
import type { Kysely, Migration } from 'kysely';

export const CLOUD_CONNECTORS_MIGRATION: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cloud_connectors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text', (c) => c.notNull())
      .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
      .addColumn('secret_iv', 'text', (c) => c.notNull())
      .addColumn('secret_tag', 'text', (c) => c.notNull())
      .addColumn('secret_key_id', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('run_connector', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('cloud_instances')
      .addColumn('connector', 'text', (c) => c.notNull())
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('private_address', 'text')
      .addColumn('detail', 'text')
      .addColumn('refreshed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cloud_instances_pk', ['connector', 'instance_id'])
      .execute();
  },
};
