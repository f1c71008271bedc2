/**
 * The platform server's benchmark (`npm run bench -- server`), on SQLite and on PostgreSQL, the
 * server in its own process:
 * - 200 concurrent pollers on the result endpoint (a bounded loop of keep-alive requests, as fast
 *   as they can: saturation): p50/p99 latency and requests per second, for an image still
 *   processing (204), one with a stored result (200), and the same with the ETag sent back (304).
 *   Then 200 pollers at the connectors' cadence (each polls every 1 s, then every 5 s, start times
 *   spread over the period): latency at a realistic load. Baseline in the same run for each: the
 *   same load against a bare node:http server that answers the same bytes without a store, the
 *   floor of the load generator (which shares the machine) and HTTP itself.
 * - ingest of N scan results of 500 packages and 50 findings each, 8 uploads at a time: rate and
 *   the store's size afterwards. Baseline: the same bodies sent to the bare server.
 * - re-evaluation of the N stored inventories after the database changes: time, for a new
 *   database that changes the advisories of every name (all inventories matched again) and for
 *   one that changes the advisories of 5 of the 5,000 names (incremental: only the inventories
 *   holding one are matched again). Baseline: the engine's matcher over the same inventories in
 *   this process, with no store.
 * Targets: p99 < 50 ms at 200 pollers, >= 50 ingests/s, 1,000 re-evaluations < 60 s.
 * TOLLGATE_BENCH_SERVER_RESULTS sets N (default 1,000). TOLLGATE_BENCH_SERVER_PHASES=reevaluation
 * runs only the ingest and the re-evaluations (no pollers); TOLLGATE_BENCH_SERVER_STORES=sqlite (or
 * postgres) only that store; TOLLGATE_BENCH_SERVER_MATCH_WORKERS sets the server's
 * --match-workers (default: the server's own). TOLLGATE_SERVER_CPU_PROF_DIR profiles the server
 * (child-server.ts).
 */
import { createServer } from 'node:http';
import { copyFile, rename, stat, readdir } from 'node:fs/promises';
import Database from 'better-sqlite3';
import path from 'node:path';
import { Agent, request } from 'undici';
import { matchPackages } from '../src/match/matcher.js';
import { openVulnDatabase } from '../src/vulndb/database.js';
import { generateDatabase, packageName } from '../src/vulndb/test-support/generate.js';
import type { ScanResult } from '../src/model/image-scan.js';
import type { Finding } from '../src/model/finding.js';
import { emptySeverityCounts, SEVERITIES } from '../src/model/severity.js';
import { startChildServer } from '../src/server/test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type StoreKind } from '../src/server/test-support/harness.js';
import { digestFor, inventoryResult } from '../src/server/test-support/scan-results.js';
import type { Rows } from './compliance.js';

const POLLERS = 200;
const POLLS_PER_POLLER = 50;
const NAME_POOL = 5000;
/** The connectors' cadences, and how long each is held. */
const CADENCES = [
  { intervalMs: 1000, seconds: 15 },
  { intervalMs: 5000, seconds: 30 },
];
/** Names whose advisories the small database change touches. */
const CHANGED_NAMES = 5;

interface LoadFigures {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** The figures of a set of latencies over a period. */
function loadFigures(latencies: number[], statuses: Record<number, number>, seconds: number): LoadFigures {
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), statuses };
}

/**
 * POLLERS pollers, each polling every `intervalMs` for `seconds` (the first poll of each at a
 * random point of the first interval, as independent pipelines would), over keep-alive connections.
 */
async function cadenceLoad(url: string, token: string, intervalMs: number, seconds: number): Promise<LoadFigures> {
  const agent = new Agent({ connections: POLLERS, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const start = process.hrtime.bigint();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: POLLERS }, async () => {
      let next = Date.now() + Math.random() * intervalMs;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
        if (Date.now() >= end) return;
        const begun = process.hrtime.bigint();
        const response = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
        await response.body.arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        next += intervalMs;
      }
    }),
  );
  await agent.close();
  return loadFigures(latencies, statuses, Number(process.hrtime.bigint() - start) / 1e9);
}

/** POLLERS loops of POLLS_PER_POLLER sequential GETs each, over keep-alive connections (saturation). */
async function pollLoad(url: string, token: string, extraHeaders: Record<string, string> = {}): Promise<LoadFigures> {
  const agent = new Agent({ connections: POLLERS, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: POLLERS }, async () => {
      for (let i = 0; i < POLLS_PER_POLLER; i++) {
        const begun = process.hrtime.bigint();
        const response = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${token}`, ...extraHeaders } });
        await response.body.arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await agent.close();
  return loadFigures(latencies, statuses, seconds);
}

/** A copy of the database with the advisories of `names` changed (a fixed version moved) and a new build time, renamed over `file`. */
async function changeSomeAdvisories(file: string, names: readonly string[]): Promise<void> {
  const next = `${file}.next`;
  await copyFile(file, next);
  const db = new Database(next);
  const change = db.prepare("UPDATE affected SET ranges = json_array(json_object('type', 'ECOSYSTEM', 'events', json_array(json_object('introduced', '0'), json_object('fixed', '0.0.1')))) WHERE name = ?");
  for (const name of names) change.run(name);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'built_at'").run(new Date().toISOString());
  db.close();
  await rename(next, file);
}

/** Asks the server to look at its database, and waits for the re-evaluation's log line: seconds, the line, and its phases' timings. */
async function timedReevaluation(node: { url: string; output: () => string }): Promise<{ seconds: number; line: string; timings: string }> {
  const finishedBefore = (node.output().match(/re-evaluated \d+ images[^\n]*/g) ?? []).length;
  const started = process.hrtime.bigint();
  const requested = await request(`${node.url}/api/v1/reevaluations`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  await requested.body.arrayBuffer();
  for (;;) {
    const lines = node.output().match(/re-evaluated \d+ images[^\n]*/g) ?? [];
    if (lines.length > finishedBefore) return { seconds: Number(process.hrtime.bigint() - started) / 1e9, line: lines.at(-1) as string, timings: (node.output().match(/re-evaluation timings: ([^\n]*)/g) ?? []).at(-1) ?? '' };
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (Number(process.hrtime.bigint() - started) / 1e9 > 900) throw new Error(`re-evaluation did not finish: ${node.output().slice(-2000)}`);
  }
}

/** 50 findings over the result's packages, shaped as the matcher makes them. */
function withFindings(result: ScanResult, index: number): ScanResult {
  const findings: Finding[] = result.packages.slice(0, 50).map((pkg, i) => ({
    id: `CVE-2025-${100000 + ((index * 7 + i) % 5000)}`,
    aliases: [`GHSA-bench-${i}`],
    advisoryIds: [`GHSA-bench-${i}`],
    package: { id: pkg.id, name: pkg.name, version: pkg.version, type: pkg.type, purl: pkg.purl, location: pkg.location, ecosystem: 'npm', matchedName: pkg.name, matchedVersion: pkg.version, ...(pkg.layer ? { layer: pkg.layer } : {}) },
    fixState: 'fixed',
    fixedVersions: ['9.9.9'],
    severity: SEVERITIES[i % 5] ?? 'LOW',
    severitySource: 'cvss',
    cvssScores: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8, source: `GHSA-bench-${i}` }],
    title: `Benchmark flaw ${i}`,
    references: [`https://example.invalid/advisory/${i}`],
  }));
  const bySeverity = emptySeverityCounts();
  for (const finding of findings) bySeverity[finding.severity] += 1;
  return { ...result, findings, summary: { ...result.summary, findings: findings.length, bySeverity, fixable: findings.length } };
}

async function uploadAll(base: string, bodies: readonly string[], concurrency: number, urlOf: (i: number) => string): Promise<{ seconds: number; failures: number }> {
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  let failures = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const response = await request(`${base}${urlOf(i)}`, { method: 'PUT', dispatcher: agent, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: bodies[i] });
        await response.body.arrayBuffer();
        if (response.statusCode >= 300) failures += 1;
      }
    }),
  );
  await agent.close();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, failures };
}

async function bareServer(answer: Buffer, status: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': status === 204 ? 0 : answer.length });
      res.end(status === 204 ? undefined : answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) total += entry.isFile() ? (await stat(path.join(dir, entry.name))).size : 0;
  return total;
}

export async function benchServer(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const count = Number(process.env.TOLLGATE_BENCH_SERVER_RESULTS ?? 1000);
  const inventories = Array.from({ length: count }, (_, i) => withFindings(inventoryResult({ digest: digestFor(`bench-${i}`), tags: [`bench/app:${i}`], packages: 500, namePool: NAME_POOL, seed: 1000 + i }), i));
  const bodies = inventories.map((result) => JSON.stringify({ result }));
  const meanBody = bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length;
  const figures: Record<string, unknown> = { results: count, packagesPerResult: 500, findingsPerResult: 50, meanUploadBytes: Math.round(meanBody) };

  const polling = process.env.TOLLGATE_BENCH_SERVER_PHASES !== 'reevaluation';
  const kinds = (['sqlite', 'postgres'] as StoreKind[]).filter((kind) => (process.env.TOLLGATE_BENCH_SERVER_STORES ?? kind) === kind);
  const workersOverride = process.env.TOLLGATE_BENCH_SERVER_MATCH_WORKERS;
  const matchWorkers = workersOverride === undefined ? {} : { matchWorkers: Number(workersOverride) };
  figures.matchWorkers = workersOverride ?? 'default';

  // Baselines: the same load on a bare HTTP server.
  const small = Buffer.from(JSON.stringify({ status: 'complete', result: inventoryResult({ digest: digestFor('poll'), packages: 50, namePool: NAME_POOL, seed: 5 }) }));
  for (const status of polling ? [204, 200] : []) {
    const bare = await bareServer(small, status);
    const load = await pollLoad(`${bare.url}/poll`, 'x');
    await bare.close();
    figures[`bare${status}`] = load;
    rows.push([`server baseline: bare node:http, ${POLLERS} pollers, ${status}`, `${load.p99Ms.toFixed(1)} ms`, `p50 ${load.p50Ms.toFixed(1)} ms, ${load.perSecond.toFixed(0)} req/s (floor)`]);
  }
  if (polling) {
    const bare = await bareServer(small, 200);
    for (const cadence of CADENCES) {
      const load = await cadenceLoad(`${bare.url}/poll`, 'x', cadence.intervalMs, cadence.seconds);
      figures[`bareCadence${cadence.intervalMs}`] = load;
      rows.push([`server baseline: bare node:http, ${POLLERS} pollers every ${cadence.intervalMs / 1000} s, 200`, `${load.p99Ms.toFixed(1)} ms`, `p50 ${load.p50Ms.toFixed(1)} ms, ${load.perSecond.toFixed(0)} req/s over ${cadence.seconds} s (floor)`]);
    }
    await bare.close();
  }
  const bareIngest = await bareServer(Buffer.from('{}'), 201);
  const bareUpload = await uploadAll(bareIngest.url, bodies, 8, (i) => `/scans/${i}`);
  await bareIngest.close();
  figures.bareIngestPerSecond = count / bareUpload.seconds;
  rows.push([`server baseline: ${count} uploads to a bare server, 8 at a time`, `${(count / bareUpload.seconds).toFixed(0)}/s`, `mean body ${(meanBody / 1024).toFixed(0)} KiB`]);

  for (const kind of kinds) {
    const store = await createTestStore(kind);
    const vulndb = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndb, 2000, NAME_POOL, 71);
    const node = await startChildServer({ host: '127.0.0.1', port: 0, ...store.options(), retention: {}, rateLimitPerMinute: 100_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN, vulndbPath: vulndb, ...matchWorkers });
    try {
      const kindFigures: Record<string, unknown> = {};
      const ingest = await uploadAll(node.url, bodies, 8, (i) => `/api/v1/scans/bench-${i}`);
      const size = kind === 'sqlite' ? await sizeOf(path.join(store.dir, 'data')) : await (async () => {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: store.postgres?.url });
        await client.connect();
        const row = await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size');
        await client.end();
        return Number(row.rows[0]?.size);
      })();
      kindFigures.ingest = { seconds: ingest.seconds, perSecond: count / ingest.seconds, failures: ingest.failures, storeBytes: size };
      rows.push([`server ${kind}: ingest ${count} results (500 packages, 50 findings), 8 at a time`, `${(count / ingest.seconds).toFixed(0)}/s`, `target >= 50/s; store ${(size / 1024 / 1024).toFixed(0)} MiB; ${ingest.failures} failed`]);

      if (polling) {
        const processing = digestFor('bench-processing');
        await request(`${node.url}/api/v1/images/${processing}/processing`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{}' }).then((r) => r.body.arrayBuffer());
        const polledDigest = digestFor('bench-polled');
        await uploadAll(node.url, [JSON.stringify({ result: inventoryResult({ digest: polledDigest, packages: 50, namePool: NAME_POOL, seed: 5 }) })], 1, () => '/api/v1/scans/bench-polled');
        const polledUrl = `${node.url}/api/v1/images/${polledDigest}/scan`;
        const etag = (await request(polledUrl, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }).then(async (r) => (await r.body.arrayBuffer(), r.headers.etag))) as string;
        for (const [label, digest, headers] of [['204', processing, {}], ['200', polledDigest, {}], ['304 (If-None-Match)', polledDigest, { 'if-none-match': etag }]] as const) {
          const load = await pollLoad(`${node.url}/api/v1/images/${digest}/scan`, TEST_ADMIN_TOKEN, headers);
          kindFigures[`poll${label.slice(0, 3)}`] = load;
          rows.push([`server ${kind}: ${POLLERS} pollers x ${POLLS_PER_POLLER} (saturation), result endpoint ${label}`, `${load.p99Ms.toFixed(1)} ms`, `p99 (target < 50 ms); p50 ${load.p50Ms.toFixed(1)} ms, ${load.perSecond.toFixed(0)} req/s; ${JSON.stringify(load.statuses)}`]);
        }
        for (const cadence of CADENCES) {
          const load = await cadenceLoad(polledUrl, TEST_ADMIN_TOKEN, cadence.intervalMs, cadence.seconds);
          kindFigures[`cadence${cadence.intervalMs}`] = load;
          rows.push([`server ${kind}: ${POLLERS} pollers every ${cadence.intervalMs / 1000} s, result endpoint 200`, `${load.p99Ms.toFixed(1)} ms`, `p99 (target < 50 ms); p50 ${load.p50Ms.toFixed(1)} ms, ${load.perSecond.toFixed(0)} req/s over ${cadence.seconds} s; ${JSON.stringify(load.statuses)}`]);
        }
      }

      // A new database that changes every name's advisories: every stored inventory is matched again.
      const next = path.join(store.dir, 'next.sqlite');
      generateDatabase(next, 20_000, NAME_POOL, 72);
      await rename(next, vulndb);
      const full = await timedReevaluation(node);
      const images = count + (polling ? 2 : 0);
      kindFigures.reevaluation = { images, seconds: full.seconds, log: full.line, timings: full.timings };
      rows.push([`server ${kind}: re-evaluate ${images} stored inventories, every name's advisories changed`, `${full.seconds.toFixed(1)} s`, `target 1,000 < 60 s; ${full.line.replace(/^.*\((.*)\).*$/, '$1')}; ${full.timings}`]);

      // A small change (a fixed version moved for 5 of the 5,000 names): incremental.
      await changeSomeAdvisories(vulndb, Array.from({ length: CHANGED_NAMES }, (_, i) => packageName(i * Math.floor(NAME_POOL / CHANGED_NAMES))));
      const incremental = await timedReevaluation(node);
      kindFigures.incrementalReevaluation = { images, changedNames: CHANGED_NAMES, seconds: incremental.seconds, log: incremental.line, timings: incremental.timings };
      rows.push([`server ${kind}: re-evaluate ${images} stored inventories, ${CHANGED_NAMES} of ${NAME_POOL} names' advisories changed`, `${incremental.seconds.toFixed(1)} s`, `incremental; ${incremental.line.replace(/^.*\((.*)\).*$/, '$1')}`]);
      (figures as Record<string, unknown>)[kind] = kindFigures;
    } finally {
      await node.kill();
      await store.dispose();
    }
  }

  // Baseline for the re-evaluation: the matcher alone over the same inventories.
  const store = await createTestStore('sqlite');
  try {
    const file = path.join(store.dir, 'match.sqlite');
    generateDatabase(file, 20_000, NAME_POOL, 72);
    const database = openVulnDatabase(file);
    const start = process.hrtime.bigint();
    for (const result of inventories) matchPackages(result.packages, result.os, database);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    database.close();
    figures.matcherOnlySeconds = seconds;
    rows.push([`server baseline: the matcher alone over the same ${count} inventories`, `${seconds.toFixed(1)} s`, 'no store, no JSON']);
  } finally {
    await store.dispose();
  }
  results.server = figures;
}
