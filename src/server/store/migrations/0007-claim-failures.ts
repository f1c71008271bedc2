/**
 * 0007: a claim's scan that failed for good. The claiming sensor reports when it gave up on an
 * image (every attempt failed) with a short reason; the result endpoint answers that failure to a
 * poller whose mark it concerns. A new claim or the claim's completion clears it.
 */
import type { Kysely, Migration } from 'kysely';

export const CLAIM_FAILURES_MIGRATION: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('image_claims').addColumn('failed_at', 'text').execute();
    await db.schema.alterTable('image_claims').addColumn('failure_reason', 'text').execute();
  },
};
