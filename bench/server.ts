/**
 * The platform server's benchmark (`npm run bench -- server`), on SQLite and on PostgreSQL, the
 * server in its own process:
 * - 200 concurrent pollers on the result endpoint (a bounded loop of keep-alive requests): p50/p99
 *   latency and requests per second, for an image still processing (204) and one with a stored
 *   result (200). Baseline in the same run: the same load against a bare node:http server that
 *   answers the same bytes without a store, the floor of the load generator and HTTP itself.
 * - ingest of N scan results of 500 packages and 50 findings each, 8 uploads at a time: rate and
 *   the store's size afterwards. Baseline: the same bodies sent to the bare server.
 * - re-evaluation of the N stored inventories after the database changes: time. Baseline: the
 *   engine's matcher over the same inventories in this process, with no store.
 * Targets: p99 < 50 ms at 200 pollers, >= 50 ingests/s, 1,000 re-evaluations < 60 s.
 * TOLLGATE_BENCH_SERVER_RESULTS sets N (default 1,000).
 */
import { createServer } from 'node:http';
import { rename, stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Agent, request } from 'undici';
import { matchPackages } from '../src/match/matcher.js';
import { openVulnDatabase } from '../src/vulndb/database.js';
import { generateDatabase } from '../src/vulndb/test-support/generate.js';
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

/** POLLERS loops of POLLS_PER_POLLER sequential GETs each, over keep-alive connections. */
async function pollLoad(url: string, token: string): Promise<LoadFigures> {
  const agent = new Agent({ connections: POLLERS, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: POLLERS }, async () => {
      for (let i = 0; i < POLLS_PER_POLLER; i++) {
        const begun = process.hrtime.bigint();
        const response = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
        await response.body.arrayBuffer();
        latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await agent.close();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), statuses };
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

  // Baselines: the same load on a bare HTTP server.
  const small = Buffer.from(JSON.stringify({ status: 'complete', result: inventoryResult({ digest: digestFor('poll'), packages: 50, namePool: NAME_POOL, seed: 5 }) }));
  for (const status of [204, 200]) {
    const bare = await bareServer(small, status);
    const load = await pollLoad(`${bare.url}/poll`, 'x');
    await bare.close();
    figures[`bare${status}`] = load;
    rows.push([`server baseline: bare node:http, ${POLLERS} pollers, ${status}`, `${load.p99Ms.toFixed(1)} ms`, `p50 ${load.p50Ms.toFixed(1)} ms, ${load.perSecond.toFixed(0)} req/s (floor)`]);
  }
  const bareIngest = await bareServer(Buffer.from('{}'), 201);
  const bareUpload = await uploadAll(bareIngest.url, bodies, 8, (i) => `/scans/${i}`);
  await bareIngest.close();
  figures.bareIngestPerSecond = count / bareUpload.seconds;
  rows.push([`server baseline: ${count} uploads to a bare server, 8 at a time`, `${(count / bareUpload.seconds).toFixed(0)}/s`, `mean body ${(meanBody / 1024).toFixed(0)} KiB`]);

  for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
    const store = await createTestStore(kind);
    const vulndb = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndb, 2000, NAME_POOL, 71);
    const node = await startChildServer({ host: '127.0.0.1', port: 0, ...store.options(), retention: {}, rateLimitPerMinute: 100_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN, vulndbPath: vulndb });
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

      const processing = digestFor('bench-processing');
      await request(`${node.url}/api/v1/images/${processing}/processing`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{}' }).then((r) => r.body.arrayBuffer());
      const polledDigest = digestFor('bench-polled');
      await uploadAll(node.url, [JSON.stringify({ result: inventoryResult({ digest: polledDigest, packages: 50, namePool: NAME_POOL, seed: 5 }) })], 1, () => '/api/v1/scans/bench-polled');
      for (const [label, digest] of [['204', processing], ['200', polledDigest]] as const) {
        const load = await pollLoad(`${node.url}/api/v1/images/${digest}/scan`, TEST_ADMIN_TOKEN);
        kindFigures[`poll${label}`] = load;
        rows.push([`server ${kind}: ${POLLERS} pollers x ${POLLS_PER_POLLER}, result endpoint ${label}`, `${load.p99Ms.toFixed(1)} ms`, `p99 (target < 50 ms); p50 ${load.p50Ms.toFixed(1)} ms, ${load.perSecond.toFixed(0)} req/s; ${JSON.stringify(load.statuses)}`]);
      }

      // A new database: every stored inventory is matched again.
      const next = path.join(store.dir, 'next.sqlite');
      generateDatabase(next, 20_000, NAME_POOL, 72);
      await rename(next, vulndb);
      const finishedBefore = (node.output().match(/re-evaluated \d+ images/g) ?? []).length;
      const started = process.hrtime.bigint();
      const requested = await request(`${node.url}/api/v1/reevaluations`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      await requested.body.arrayBuffer();
      let seconds = 0;
      while ((node.output().match(/re-evaluated \d+ images/g) ?? []).length <= finishedBefore) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (Number(process.hrtime.bigint() - started) / 1e9 > 900) throw new Error(`re-evaluation did not finish: ${node.output().slice(-2000)}`);
      }
      seconds = Number(process.hrtime.bigint() - started) / 1e9;
      kindFigures.reevaluation = { images: count + 2, seconds };
      rows.push([`server ${kind}: re-evaluate ${count + 2} stored inventories after a database change`, `${seconds.toFixed(1)} s`, 'target 1,000 < 60 s']);
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
