/**
 * The server as processes: two nodes on one PostgreSQL answering alternating clients the same and
 * running a background job once between them; and `kill -9` in the middle of uploads, after which
 * nothing half-written is visible and the upload can be repeated (SQLite and PostgreSQL).
 */
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatabase } from '../vulndb/test-support/generate.js';
import { openVulnDatabase } from '../vulndb/database.js';
import { startChildServer, type ChildServer } from './test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, waitFor, type JsonBody, type StoreKind, type TestStore } from './test-support/harness.js';
import { digestFor, matchedResult } from './test-support/scan-results.js';
import { startWebhookReceiver, type WebhookReceiver } from './test-support/webhook-receiver.js';
import type { ServerOptions } from './start-server.js';

async function call(base: string, method: string, url: string, body?: unknown, token = TEST_ADMIN_TOKEN): Promise<{ status: number; json: JsonBody }> {
  const response = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

function serverOptions(store: TestStore, extra: Partial<ServerOptions> = {}): Omit<ServerOptions, 'announce' | 'log'> {
  return { host: '127.0.0.1', port: 0, ...store.options(), retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN, ...extra };
}

describe('two server processes on one PostgreSQL', () => {
  let store: TestStore;
  let receiver: WebhookReceiver;
  let nodes: ChildServer[] = [];
  let vulndbFile: string;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    receiver = await startWebhookReceiver();
    vulndbFile = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndbFile, 100, 100, 41);
    // Both start at once: the migrations run once under the advisory lock.
    nodes = await Promise.all([0, 1].map(() => startChildServer(serverOptions(store, { vulndbPath: vulndbFile, webhookUrl: receiver.url, watchIntervalMs: 500 }))));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    await receiver?.close();
    await store?.dispose();
  });

  it('answers alternating clients the same and runs the re-evaluation once for both', async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const token = (await call(b.url, 'POST', '/api/v1/tokens', { name: 'sensor-x', role: 'sensor' })).json.token as string;
    const database = openVulnDatabase(vulndbFile);
    const digests = [0, 1, 2, 3, 4, 5].map((i) => digestFor(`nodes-${i}`));
    for (const [i, digest] of digests.entries()) {
      const node = i % 2 === 0 ? a : b;
      expect((await call(node.url, 'PUT', `/api/v1/scans/nodes-${i}`, { result: matchedResult({ digest, packages: 40, namePool: 100, seed: 50 + i }, database) }, token)).status).toBe(201);
    }
    database.close();
    for (const digest of digests) {
      const [fromA, fromB] = await Promise.all([call(a.url, 'GET', `/api/v1/images/${digest}/scan`), call(b.url, 'GET', `/api/v1/images/${digest}/scan`)]);
      expect(fromA.status).toBe(200);
      expect(fromB).toEqual(fromA);
    }
    // A repeated upload on the other node is the same scan.
    const again = await call(b.url, 'PUT', '/api/v1/scans/nodes-0', { result: (await call(a.url, 'GET', `/api/v1/images/${digests[0]}/scan`)).json.result }, token);
    expect(again.status).toBe(200);

    const next = path.join(store.dir, 'next.sqlite');
    generateDatabase(next, 2500, 100, 42);
    await rename(next, vulndbFile);
    const builtAt = openVulnDatabase(vulndbFile).meta('built_at');
    const jobKey = `reevaluate:${builtAt}`;
    const audit = (await call(a.url, 'GET', '/api/v1/audit?limit=100')).json.entries as { token: string }[];
    expect(audit.filter((entry) => entry.token === 'sensor-x')).toHaveLength(6);
    // Both nodes notice the new file (watch interval 0.5 s) and queue the job; one runs it.
    const notice = await waitFor(async () => receiver.deliveries.find((delivery) => delivery.body.cause === 'reevaluation' && delivery.body.database === builtAt), 60_000);
    expect(notice.body.images.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const answers = await Promise.all([a, b].map((node) => call(node.url, 'GET', `/api/v1/changes?since=2000-01-01T00:00:00Z&limit=10000`)));
    expect(answers[1]).toEqual(answers[0]);
    const events = answers[0]?.json.images.flatMap((image: { digest: string; findings: { id: string; cause: string }[] }) => image.findings.filter((f) => f.cause === 'reevaluation').map((f) => `${image.digest} ${f.id}`)) as string[];
    const perImage = new Map<string, number>();
    for (const event of events) perImage.set(event, (perImage.get(event) ?? 0) + 1);
    // Re-evaluated once: no finding recorded twice by two nodes (a flaw may hit two packages, so compare with the notice).
    const noticed = notice.body.images.reduce((sum: number, image: { findings: unknown[] }) => sum + image.findings.length, 0);
    expect(events).toHaveLength(noticed);
    expect(receiver.deliveries.filter((delivery) => delivery.body.cause === 'reevaluation' && delivery.body.database === builtAt)).toHaveLength(1);
    expect(a.output() + b.output()).toContain(`re-evaluated 6 images`);
    expect((a.output() + b.output()).split('re-evaluated 6 images').length - 1).toBe(1);
    expect(jobKey).toMatch(/^reevaluate:/);
  });
});

describe.each(['sqlite', 'postgres'] as StoreKind[])('kill -9 in the middle of uploads on %s', (kind) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await createTestStore(kind);
  });

  afterAll(async () => {
    await store?.dispose();
  });

  it('leaves nothing half-written, and the upload can be repeated', async () => {
    const dbFile = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(dbFile, 3000, 2000, 61);
    const database = openVulnDatabase(dbFile);
    const digest = digestFor(`${kind}-kill`);
    const result = matchedResult({ digest, tags: ['big:1'], packages: 1500, namePool: 2000, seed: 62 }, database);
    database.close();
    const body = JSON.stringify({ result });
    const distinctFindings = (await import('./store/finding-identity.js')).findingIdentity;
    const expectedFindings = new Set(result.findings.map(distinctFindings)).size;
    const outcomes: string[] = [];
    // Bounded: each round kills the server a little later into the same upload.
    for (let round = 0; round < 8; round++) {
      const node = await startChildServer(serverOptions(store));
      const upload = fetch(`${node.url}/api/v1/scans/kill-${round}`, { method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, round * 150));
      await node.kill('SIGKILL');
      await upload;
      const check = await startChildServer(serverOptions(store));
      try {
        const image = await call(check.url, 'GET', `/api/v1/images/${digest}`);
        const scans = image.status === 200 ? (image.json.scans as { scanId: string }[]).map((scan) => scan.scanId) : [];
        outcomes.push(scans.includes(`kill-${round}`) ? 'stored' : 'absent');
        if (scans.includes(`kill-${round}`)) {
          expect(image.json.findings).toHaveLength(expectedFindings);
          const stored = await call(check.url, 'GET', `/api/v1/images/${digest}/scan`);
          expect(stored.json.result.packages).toHaveLength(result.packages.length);
        }
        // Either way the same upload now goes through, and once more changes nothing.
        const repeated = await call(check.url, 'PUT', `/api/v1/scans/kill-${round}`, { result });
        expect([200, 201]).toContain(repeated.status);
        expect(repeated.status === 200).toBe(scans.includes(`kill-${round}`));
        expect((await call(check.url, 'PUT', `/api/v1/scans/kill-${round}`, { result })).status).toBe(200);
        const after = await call(check.url, 'GET', `/api/v1/images/${digest}`);
        expect(after.json.findings).toHaveLength(expectedFindings);
        expect(after.json.scans.filter((scan: { scanId: string }) => scan.scanId === `kill-${round}`)).toHaveLength(1);
      } finally {
        await check.kill();
      }
    }
    process.stderr.write(`kill -9 rounds on ${kind}: ${outcomes.join(' ')}\n`);
    // The rounds catch the server both before the upload was stored and after.
    expect(new Set(outcomes)).toEqual(new Set(['absent', 'stored']));
  }, 300_000);
});
