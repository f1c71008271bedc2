/**
 * 0008: finding an image among many. Each image's tags as one lower-cased search text (one tag a
 * line, store/image-search.ts), filled here for the images stored before; an index in the list's
 * order (most recently seen first) holding the search text, so a page or a search stops after its
 * rows instead of sorting every image, and a search reads only the rows that match; and a covering index for the result endpoint's "latest scan of a digest after a
 * time", so the pollers' question is answered from the index without reading the scan's row
 * (whose stored document would be walked past on SQLite). It replaces the (digest, scanned_at)
 * index, which is its prefix.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { tagSearchText } from '../image-search.js';

const BATCH = 200;

async function fillTagSearch(db: Kysely<unknown>): Promise<void> {
  const images = db as unknown as Kysely<{ images: { digest: string; tags: string; tag_search: string } }>;
  let after = '';
  for (;;) {
    const rows = await images.selectFrom('images').select(['digest', 'tags']).where('digest', '>', after).orderBy('digest').limit(BATCH).execute();
    if (rows.length > 0) {
      // One statement per batch: SQLite runs a migration outside a transaction, so one per row would commit each.
      const texts = sql.join(rows.map((row) => sql`when ${row.digest} then ${tagSearchText(JSON.parse(row.tags) as string[])}`), sql` `);
      await images
        .updateTable('images')
        .set({ tag_search: sql<string>`case ${sql.ref('digest')} ${texts} else ${sql.ref('tag_search')} end` })
        .where('digest', 'in', rows.map((row) => row.digest))
        .execute();
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = last.digest;
  }
}

export const IMAGE_SEARCH_MIGRATION: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('images').addColumn('tag_search', 'text', (c) => c.notNull().defaultTo(sql`''`)).execute();
    await fillTagSearch(db);
    await db.schema.createIndex('images_last_seen').on('images').columns(['last_seen desc', 'digest', 'tag_search']).execute();
    await db.schema.createIndex('scans_latest').on('scans').columns(['digest', 'scanned_at', 'received_at', 'scan_id', 'status', 'database_built_at']).execute();
    await db.schema.dropIndex('scans_digest_scanned').execute();
  },
};
