/**
 * 0006: each scan's package names (evaluation/package-names.ts, one per line), written at upload,
 * so a re-evaluation can pass over an inventory no changed advisory can touch without reading its
 * result; NULL for scans stored before (they are always matched again). And an index for the
 * pending-match queue, read after every unmatched upload.
 */
import type { Kysely, Migration } from 'kysely';

export const scanPackageNames: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('scans').addColumn('package_names', 'text').execute();
    await db.schema.createIndex('scans_status_received').on('scans').columns(['status', 'received_at']).execute();
  },
};
