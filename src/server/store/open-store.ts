/**
 * Opens the server's store: an embedded SQLite file (the single-node default) or PostgreSQL
 * (`postgres://...`, several server processes sharing one state), behind one Kysely query layer,
 * migrated to the newest version before it is handed out.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { UsageError } from '../../errors.js';
import { redactUrl } from '../../util/redact-url.js';
import { migrateToLatest } from './migrations.js';
import { CachedStatements } from './sqlite-statements.js';
import type { Tables } from './tables.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Tables>;
  kind: StoreKind;
  /** Where it lives, without credentials: the SQLite file or the redacted database URL. */
  location: string;
  /** PostgreSQL only: the connection string, for the job queue sharing the database. */
  databaseUrl?: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://` or `postgresql://` URL; without it, `tollgate.sqlite` in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  let store: Store;
  if (options.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) throw new UsageError(`--database-url must be a postgres:// URL (got ${redactUrl(options.databaseUrl)})`);
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle pooled connection that PostgreSQL ends (a restart, a failover, an administrator's
    // pg_terminate_backend) is reported here; the pool has already dropped it and the next query
    // opens a new one. Without a listener the event would end the whole server process.
    pool.on('error', () => undefined);
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    store = { db, kind: 'postgres', location: redactUrl(options.databaseUrl), databaseUrl: options.databaseUrl, close: () => db.destroy() };
  } else {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(options.dataDir, 'tollgate.sqlite');
    const sqlite = new Database(file);
    // WAL: readers (pollers) never wait for the writer; synchronous=NORMAL is durable at each
    // checkpoint and never corrupts; a kill -9 mid-transaction rolls the transaction back.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Statements prepared once per SQL text (sqlite-statements.ts), not once per query.
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new CachedStatements(sqlite) }) });
    store = { db, kind: 'sqlite', location: file, close: () => db.destroy() };
  }
  try {
    await migrateToLatest(store.db as unknown as Kysely<unknown>);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
