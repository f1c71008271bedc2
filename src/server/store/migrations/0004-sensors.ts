/**
 * Sensors (issue 14): the sensors that heartbeat, the claims that let two sensors on one daemon
 * scan an image once, image ids filed under another digest (aliases), and what general-mode sensors
 * report of their daemon (images, containers, events).
 */
import type { Kysely, Migration } from 'kysely';

export const SENSORS_MIGRATION: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sensors')
      .addColumn('sensor_id', 'text', (c) => c.primaryKey())
      .addColumn('daemon_id', 'text', (c) => c.notNull())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('interval_seconds', 'integer', (c) => c.notNull())
      .addColumn('first_seen', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text', (c) => c.notNull())
      .addColumn('token_name', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sensors_daemon').on('sensors').column('daemon_id').execute();
    await db.schema
      .createTable('image_claims')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('claim_id', 'text', (c) => c.notNull())
      .addColumn('sensor_id', 'text', (c) => c.notNull())
      .addColumn('marker', 'text', (c) => c.notNull())
      .addColumn('claimed_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .execute();
    await db.schema
      .createTable('image_aliases')
      .addColumn('alias', 'text', (c) => c.primaryKey())
      .addColumn('digest', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sensor_images')
      .addColumn('sensor_id', 'text', (c) => c.notNull())
      .addColumn('image_id', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('repo_digests', 'text', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sensor_images_pk', ['sensor_id', 'image_id'])
      .execute();
    await db.schema
      .createTable('sensor_containers')
      .addColumn('sensor_id', 'text', (c) => c.notNull())
      .addColumn('container_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('image', 'text', (c) => c.notNull())
      .addColumn('image_id', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('ports', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sensor_containers_pk', ['sensor_id', 'container_id'])
      .execute();
    await db.schema.createIndex('sensor_containers_image').on('sensor_containers').column('image_id').execute();
    await db.schema
      .createTable('sensor_events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('sensor_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('image', 'text')
      .addColumn('container', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sensor_events_sensor_at').on('sensor_events').columns(['sensor_id', 'at']).execute();
  },
};
