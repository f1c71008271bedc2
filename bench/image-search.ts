/**
 * Finding an image among many, and the result endpoint's "latest scan of a digest after a time",
 * in the store (`npm run bench -- image-search`), on SQLite and on PostgreSQL, over 20,000 images
 * (one in ten with current findings) of which 2,000 have three scans of ~30 KB results each.
 * Baseline in the same run, on the same data: the store without migration 0008's indexes (the list
 * order index and the covering latest-scan index; the (digest, scanned_at) index it replaced put
 * back), measured first; then the indexes are made and everything is measured again. The query
 * plans (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN ANALYZE) are printed for both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { tagSearchText, searchImages, type ImageSearch } from '../src/server/store/image-search.js';
import { migrateToLatest } from '../src/server/store/migrations.js';
import { latestResult } from '../src/server/store/result-query.js';
import type { Tables } from '../src/server/store/tables.js';
import { createThrowawayDatabase } from '../src/server/test-support/stores.js';
import { digestFor } from '../src/server/test-support/scan-results.js';
import type { Rows } from './compliance.js';

const IMAGES = 20_000;
const SCANNED_IMAGES = 2_000;
const SCANS_PER_IMAGE = 3;
const RESULT_BYTES = 30_000;
const START = Date.parse('2026-01-01T00:00:00Z');

interface Bench {
  kind: 'sqlite' | 'postgres';
  db: Kysely<Tables>;
  /** The SQL and parameters of the last query run. */
  last(): CompiledQuery;
  explain(query: CompiledQuery): Promise<string>;
  close(): Promise<void>;
}

async function openBench(kind: Bench['kind'], dir: string): Promise<Bench> {
  let last: CompiledQuery | undefined;
  const log = (event: { query: CompiledQuery }): void => {
    last = event.query;
  };
  if (kind === 'sqlite') {
    const sqlite = new Database(path.join(dir, 'search.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }), log });
    return {
      kind,
      db,
      last: () => last as CompiledQuery,
      explain: (query) => Promise.resolve((sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[]).map((row) => row.detail).join(' | ')),
      close: () => db.destroy(),
    };
  }
  const database = await createThrowawayDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }), log });
  return {
    kind,
    db,
    last: () => last as CompiledQuery,
    async explain(query) {
      const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${query.sql}`, query.parameters as unknown[]);
      return plan.rows.map((row) => row['QUERY PLAN'].trim()).join(' | ');
    },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
}

async function seed(db: Kysely<Tables>): Promise<void> {
  const filler = 'x'.repeat(RESULT_BYTES);
  for (let start = 0; start < IMAGES; start += 500) {
    const images = [];
    const findings = [];
    for (let n = start; n < Math.min(IMAGES, start + 500); n++) {
      const digest = digestFor(`search-bench/${n}`);
      const tags = [`registry.example/team-${n % 50}/service-${n}:${n % 7}.0`, `registry.example/team-${n % 50}/service-${n}:latest`];
      const seen = new Date(START + n * 60_000).toISOString();
      images.push({ digest, tags: JSON.stringify(tags), tag_search: tagSearchText(tags), first_seen: seen, last_seen: seen, processing_since: null });
      if (n % 10 === 0) {
        for (let f = 0; f < 20; f++) findings.push({ digest, finding_key: `CVE-2026-${f}|npm:p${f}`, finding_id: `CVE-2026-${f}`, package_name: `p${f}`, package_version: '1.0.0', severity: n % 100 === 0 && f === 0 ? 'CRITICAL' : f % 2 ? 'MEDIUM' : 'LOW', first_seen: seen, resolved_at: f % 4 === 3 ? seen : null });
      }
    }
    await db.insertInto('images').values(images).execute();
    if (findings.length > 0) await db.insertInto('image_findings').values(findings).execute();
  }
  for (let start = 0; start < SCANNED_IMAGES; start += 50) {
    const scans = [];
    for (let n = start; n < Math.min(SCANNED_IMAGES, start + 50); n++) {
      for (let s = 0; s < SCANS_PER_IMAGE; s++) {
        const at = new Date(START + n * 60_000 + s * 86_400_000).toISOString();
        scans.push({ scan_id: `scan-${n}-${s}`, digest: digestFor(`search-bench/${n * 10}`), scanned_at: at, received_at: at, status: 'complete', result: `{"filler":"${filler}"}`, database_built_at: '2026-01-01T00:00:00.000Z', package_names: null });
      }
    }
    await db.insertInto('scans').values(scans).execute();
  }
}

/** Median and 95th percentile of `runs` timed calls, in ms. */
async function timed(runs: number, call: (index: number) => Promise<unknown>): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const start = process.hrtime.bigint();
    await call(index);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, p95: times[Math.floor(times.length * 0.95)] ?? 0 };
}

const SEARCHES: [string, ImageSearch][] = [
  ['list, first page of 100', { limit: 100, offset: 0 }],
  ['list, page at offset 10,000', { limit: 100, offset: 10_000 }],
  ['search a tag seen long ago (1 match)', { query: 'team-7/service-7:', limit: 100, offset: 0 }],
  ['search a common part ("team-1", 2,000 matches)', { query: 'TEAM-1/', limit: 100, offset: 0 }],
  ['search a digest prefix', { query: digestFor('search-bench/17').slice(7, 19), limit: 100, offset: 0 }],
  ['minSeverity=CRITICAL (200 images)', { minSeverity: 'CRITICAL', limit: 100, offset: 0 }],
];

async function measure(bench: Bench, label: string, rows: Rows, results: Record<string, unknown>, plans: string[]): Promise<void> {
  for (const [name, search] of SEARCHES) {
    const figures = await timed(30, () => searchImages(bench.db, search));
    plans.push(`${bench.kind} ${label} ${name}: ${await bench.explain(bench.last())}`);
    rows.push([`image-search ${bench.kind} ${label}: ${name} (median of 30)`, `${figures.median.toFixed(2)} ms`, `p95 ${figures.p95.toFixed(2)} ms`]);
    results[`${bench.kind} ${label} ${name}`] = figures;
  }
  // The result endpoint's question with the poller's ETag sent back: which scan is the latest, no document read.
  const digests = Array.from({ length: SCANNED_IMAGES }, (_, n) => digestFor(`search-bench/${n * 10}`));
  const after = new Date(START + 86_400_000).toISOString();
  const figures = await timed(2_000, (index) => latestResult(bench.db, digests[index % digests.length] as string, after, '*'));
  plans.push(`${bench.kind} ${label} latest scan after T: ${await bench.explain(bench.last())}`);
  rows.push([`image-search ${bench.kind} ${label}: latest scan of a digest after T, 304 path (median of 2,000)`, `${figures.median.toFixed(3)} ms`, `p95 ${figures.p95.toFixed(3)} ms`]);
  results[`${bench.kind} ${label} latest`] = figures;
}

export async function benchImageSearch(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const plans: string[] = [];
  const out: Record<string, unknown> = {};
  for (const kind of ['sqlite', 'postgres'] as const) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-search-bench-'));
    const bench = await openBench(kind, dir);
    try {
      await migrateToLatest(bench.db as unknown as Kysely<unknown>);
      // The baseline: the store as it was before migration 0008's indexes.
      await bench.db.schema.dropIndex('images_last_seen').execute();
      await bench.db.schema.dropIndex('scans_latest').execute();
      await bench.db.schema.createIndex('scans_digest_scanned').on('scans').columns(['digest', 'scanned_at']).execute();
      await seed(bench.db);
      if (kind === 'postgres') await sql`VACUUM ANALYZE`.execute(bench.db);
      else await sql`ANALYZE`.execute(bench.db);
      await measure(bench, 'without 0008 indexes (baseline)', rows, out, plans);
      await bench.db.schema.dropIndex('scans_digest_scanned').execute();
      await bench.db.schema.createIndex('images_last_seen').on('images').columns(['last_seen desc', 'digest', 'tag_search']).execute();
      await bench.db.schema.createIndex('scans_latest').on('scans').columns(['digest', 'scanned_at', 'received_at', 'scan_id', 'status', 'database_built_at']).execute();
      if (kind === 'postgres') await sql`VACUUM ANALYZE`.execute(bench.db);
      else await sql`ANALYZE`.execute(bench.db);
      await measure(bench, 'with 0008 indexes', rows, out, plans);
    } finally {
      await bench.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  results.imageSearch = out;
  process.stdout.write(`image-search query plans:\n${plans.map((plan) => `  ${plan}`).join('\n')}\n`);
}
