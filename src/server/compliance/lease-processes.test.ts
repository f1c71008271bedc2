/**
 * Leasing with several server processes on one store (two child processes on one SQLite file, and
 * on one PostgreSQL database): workers leasing through alternating nodes at once get every scan
 * exactly once, and a lease that expires is taken over through the other node, whose holder alone
 * can record the result.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type JsonBody, type StoreKind, type TestStore } from '../test-support/harness.js';
import { openStore } from '../store/open-store.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

async function call(base: string, method: string, url: string, body?: unknown, token = TEST_ADMIN_TOKEN): Promise<{ status: number; json: JsonBody }> {
  const response = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe.each(KINDS)('compliance leases across two server processes on %s', (kind) => {
  let store: TestStore;
  const nodes: ChildServer[] = [];
  let workerToken: string;

  beforeAll(async () => {
    store = await createTestStore(kind);
    const options = { host: '127.0.0.1', port: 0, ...store.options(), retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN, secretKey: randomBytes(32).toString('hex') };
    // One after the other: the first migrates the store, the second finds it migrated.
    for (let i = 0; i < 2; i++) nodes.push(await startChildServer(options));
    const [a] = nodes as [ChildServer];
    workerToken = (await call(a.url, 'POST', '/api/v1/tokens', { name: 'worker-x', role: 'worker' })).json.token as string;
    expect((await call(a.url, 'PUT', '/api/v1/hosts/node-host', { address: '127.0.0.1' })).status).toBe(201);
    expect((await call(a.url, 'PUT', '/api/v1/auth-records/rec', { type: 'unix', user: 'u', password: 'p-secret' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    await store?.dispose();
  });

  it('gives every scan to exactly one of many workers leasing through both nodes', async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const launched: string[] = [];
    for (let i = 0; i < 10; i++) launched.push((await call(i % 2 ? a.url : b.url, 'POST', '/api/v1/compliance-scans', { name: `race ${i}`, host: 'node-host', scanner: 'External', authRecord: 'rec', policies: ['ssh-server'] })).json.id as string);
    const leased: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let turn = 0; ; turn++) {
          const node = (worker + turn) % 2 === 0 ? a : b;
          const answer = await call(node.url, 'POST', '/api/v1/scanners/External/lease', { workerId: `w-${worker}` }, workerToken);
          if (answer.status === 204) return;
          expect(answer.status).toBe(200);
          leased.push(answer.json.scanId as string);
        }
      }),
    );
    expect(leased.sort()).toEqual([...launched].sort());
    const check = await openStore(store.options() as { dataDir: string; databaseUrl?: string });
    try {
      const rows = await check.db.selectFrom('compliance_scans').select(['attempts', 'state']).execute();
      expect(rows.map((row) => `${row.state}/${row.attempts}`)).toEqual(launched.map(() => 'Running/1'));
      const audits = await check.db.selectFrom('audit_log').select('target').where('action', '=', 'compliance-scan.lease').execute();
      expect(audits).toHaveLength(launched.length);
    } finally {
      await check.close();
    }
  }, 120_000);

  it('lets the other node hand an expired lease to a new worker, whose result alone is recorded', async () => {
    const [a, b] = nodes as [ChildServer, ChildServer];
    const scan = await call(a.url, 'POST', '/api/v1/compliance-scans', { name: 'takeover', host: 'node-host', scanner: 'External', authRecord: 'rec', policies: ['ssh-server'] });
    const first = await call(a.url, 'POST', '/api/v1/scanners/External/lease', { workerId: 'dies', leaseSeconds: 10 }, workerToken);
    expect(first.json.scanId).toBe(scan.json.id);
    expect((await call(b.url, 'POST', '/api/v1/scanners/External/lease', { workerId: 'waits' }, workerToken)).status).toBe(204);
    const check = await openStore(store.options() as { dataDir: string; databaseUrl?: string });
    try {
      await check.db.updateTable('compliance_scans').set({ lease_expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', scan.json.id as string).execute();
    } finally {
      await check.close();
    }
    const second = await call(b.url, 'POST', '/api/v1/scanners/External/lease', { workerId: 'takes-over' }, workerToken);
    expect([second.json.scanId, second.json.attempt]).toEqual([scan.json.id, 2]);
    const error = { code: 'unreachable', message: 'no route to host' };
    expect((await call(a.url, 'PUT', `/api/v1/compliance-scans/${scan.json.id}/result`, { leaseToken: first.json.leaseToken, error }, workerToken)).json.error.code).toBe('lease_lost');
    expect((await call(a.url, 'PUT', `/api/v1/compliance-scans/${scan.json.id}/result`, { leaseToken: second.json.leaseToken, error }, workerToken)).json).toEqual({ state: 'Error', recorded: true });
    expect((await call(b.url, 'PUT', `/api/v1/compliance-scans/${scan.json.id}/result`, { leaseToken: second.json.leaseToken, error }, workerToken)).json).toEqual({ state: 'Error', recorded: false });
    expect((await call(b.url, 'GET', `/api/v1/compliance-scans/${scan.json.id}`)).json).toMatchObject({ state: 'Error', workerId: 'takes-over', attempts: 2 });
  }, 60_000);
});
