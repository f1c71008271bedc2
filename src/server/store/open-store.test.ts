import pg from 'pg';
import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './open-store.js';
import { createThrowawayDatabase, POSTGRES_ADMIN_URL, type ThrowawayDatabase } from '../test-support/stores.js';

describe('a PostgreSQL store', () => {
  let database: ThrowawayDatabase;
  let dataDir: string;
  let store: Store;
  beforeAll(async () => {
    database = await createThrowawayDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'tollgate-store-'));
    store = await openStore({ databaseUrl: database.url, dataDir });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('survives PostgreSQL ending its idle connections and answers the next query on a new one', async () => {
    await sql`select 1`.execute(store.db);
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    const databaseName = new URL(database.url).pathname.slice(1);
    try {
      const ended = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName]);
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { rows } = await sql<{ answer: number }>`select 2 as answer`.execute(store.db);
    expect(rows[0]?.answer).toBe(2);
  });
});
