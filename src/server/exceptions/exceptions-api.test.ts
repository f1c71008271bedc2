/**
 * The exceptions workflow through the API, on both stores: request (ci, viewer), approve with an
 * expiry or reject (admin only, never the requester), expiry, the audit log, and the exception
 * applied where findings are shown: the image page and the verdict.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatabase } from '../../vulndb/test-support/generate.js';
import { openVulnDatabase, type VulnDatabase } from '../../vulndb/database.js';
import { createTestStore, startTestServer, type JsonBody, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, matchedResult } from '../test-support/scan-results.js';
import { allows, type Role } from '../auth/roles.js';
import type { ComplianceResult, ControlResult } from '../../model/compliance-result.js';
import { applyComplianceExceptions } from './compliance-exceptions.js';
import { parseIgnoreFile } from '../../config/ignore-file.js';
import { evaluateImageGate } from '../../gate/evaluate.js';
import { emptyGateConfig } from '../../gate/gate-config.js';
import { approvedExceptions } from './exception-store.js';
import { EXCEPTION_ROUTES } from '../api/routes/exceptions.js';
import { HISTORY_ROUTES } from '../api/routes/history.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

describe.each(KINDS)('exceptions on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  let vulndb: VulnDatabase;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await createTestStore(kind);
    const vulndbFile = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndbFile, 1500, 200, 7);
    vulndb = openVulnDatabase(vulndbFile);
    // Without a database of its own the server never re-matches the hand-shaped uploads in the background.
    server = await startTestServer(store);
    tokens.admin = server.adminToken;
    for (const [name, role] of [['ci-1', 'ci'], ['viewer-1', 'viewer'], ['sensor-1', 'sensor'], ['worker-1', 'worker'], ['admin-2', 'admin']] as const) {
      tokens[name] = (await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name, role } })).json.token as string;
    }
  });

  afterAll(async () => {
    vulndb?.close();
    await server?.close();
    await store?.dispose();
  });

  const ask = (token: string, body: unknown): ReturnType<TestServer['call']> => server.call('POST', '/api/v1/exceptions', { token, body });

  it('lets ci and viewer tokens request, only an admin other than the requester decide, and audits every step', async () => {
    const requested = await ask(tokens['ci-1'] as string, { advisoryId: 'CVE-2024-0001', scope: { repository: 'registry.example/team/app' }, reason: 'not reachable: the parser is never called' });
    expect(requested.status).toBe(201);
    expect(requested.json).toMatchObject({ kind: 'advisory', advisoryId: 'CVE-2024-0001', state: 'requested', requester: 'ci-1', scope: { repository: 'registry.example/team/app' } });
    expect((await ask(tokens['viewer-1'] as string, { cid: 'TG-SSH-007', scope: { host: 'bastion-1' }, reason: 'agent forwarding, SEC-114' })).status).toBe(201);
    for (const role of ['sensor-1', 'worker-1']) expect((await ask(tokens[role] as string, { cid: 'TG-SSH-007', scope: { host: 'x' }, reason: 'r' })).status).toBe(403);
    const id = requested.json.id as string;
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    expect((await server.call('POST', `/api/v1/exceptions/${id}/approve`, { token: tokens['ci-1'] as string, body: { expiresAt } })).status).toBe(403);
    expect((await server.call('POST', `/api/v1/exceptions/${id}/reject`, { token: tokens['viewer-1'] as string, body: {} })).status).toBe(403);
    const approved = await server.call('POST', `/api/v1/exceptions/${id}/approve`, { token: server.adminToken, body: { expiresAt, comment: 'until the fix ships' } });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ state: 'approved', approver: 'admin', expiresAt, comment: 'until the fix ships' });
    // A decision is final: a second one is a conflict.
    expect((await server.call('POST', `/api/v1/exceptions/${id}/reject`, { token: server.adminToken, body: {} })).status).toBe(409);
    const audit = await server.call('GET', '/api/v1/audit', { token: server.adminToken });
    const actions = audit.json.entries.map((entry: { token: string; action: string; target: string }) => `${entry.token} ${entry.action} ${entry.target.split(' ')[0]}`);
    expect(actions).toContain(`ci-1 exception.request ${id}`);
    expect(actions).toContain(`admin exception.approve ${id}`);
  });

  it('refuses self-approval, a past or missing expiry, a wildcard or foreign scope, and names the field', async () => {
    const own = await ask(server.adminToken, { advisoryId: 'CVE-2024-0002', scope: { digest: digestFor('own') }, reason: 'mine' });
    expect(own.status).toBe(201);
    const self = await server.call('POST', `/api/v1/exceptions/${own.json.id}/approve`, { token: server.adminToken, body: { expiresAt: new Date(Date.now() + 60_000).toISOString() } });
    expect(self.status).toBe(403);
    expect(self.json.error.code).toBe('forbidden');
    const past = await server.call('POST', `/api/v1/exceptions/${own.json.id}/approve`, { token: tokens['admin-2'] as string, body: { expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.json.error.field).toBe('body.expiresAt');
    const missing = await server.call('POST', `/api/v1/exceptions/${own.json.id}/approve`, { token: tokens['admin-2'] as string, body: {} });
    expect(missing.json.error.field).toBe('body.expiresAt');
    expect((await server.call('GET', `/api/v1/exceptions/${own.json.id}`, { token: tokens['ci-1'] as string })).json.state).toBe('requested');
    const cases: [unknown, string][] = [
      [{ advisoryId: 'CVE-1', scope: { repository: '*' }, reason: 'r' }, 'body.scope.repository'],
      [{ advisoryId: 'CVE-*', scope: { repository: 'app' }, reason: 'r' }, 'body.advisoryId'],
      [{ advisoryId: 'CVE-1', scope: {}, reason: 'r' }, 'body.scope'],
      [{ advisoryId: 'CVE-1', scope: { host: 'web-1' }, reason: 'r' }, 'body.scope.host'],
      [{ cid: 'TG-1', scope: { digest: digestFor('x') }, reason: 'r' }, 'body.scope.digest'],
      [{ advisoryId: 'CVE-1', cid: 'TG-1', scope: { repository: 'app' }, reason: 'r' }, 'body.cid'],
      [{ scope: { repository: 'app' }, reason: 'r' }, 'body.advisoryId'],
      [{ advisoryId: 'CVE-1', scope: { repository: 'app' }, reason: ' ' }, 'body.reason'],
      [{ advisoryId: 'CVE-1', scope: { repository: 'app' }, reason: 'a\u0000b' }, 'body.reason'],
    ];
    for (const [body, field] of cases) {
      const answer = await ask(tokens['ci-1'] as string, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.field, JSON.stringify(body)).toBe(field);
    }
    expect((await server.call('POST', '/api/v1/exceptions/00000000-0000-4000-8000-000000000000/approve', { token: server.adminToken, body: { expiresAt: new Date(Date.now() + 60_000).toISOString() } })).status).toBe(404);
  });

  it('shows a rejection, and an approved exception past its expiry as expired, no longer applied', async () => {
    const digest = digestFor(`${kind}-expiring`);
    const result = matchedResult({ digest, tags: ['registry.example/shop/cart:7'], packages: 40, namePool: 200, seed: 21 }, vulndb);
    const target = result.findings[0];
    expect(target).toBeDefined();
    await server.call('PUT', '/api/v1/scans/expiring-1', { token: tokens['sensor-1'] as string, body: { result } });
    const rejected = await ask(tokens['ci-1'] as string, { advisoryId: 'CVE-2099-0001', scope: { digest }, reason: 'no' });
    const rejection = await server.call('POST', `/api/v1/exceptions/${rejected.json.id}/reject`, { token: server.adminToken, body: { comment: 'fix it instead' } });
    expect(rejection.json).toMatchObject({ state: 'rejected', decidedBy: 'admin', comment: 'fix it instead' });
    expect(rejection.json.approver).toBeUndefined();
    const requested = await ask(tokens['ci-1'] as string, { advisoryId: target?.id, scope: { digest }, reason: 'short-lived' });
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    expect((await server.call('POST', `/api/v1/exceptions/${requested.json.id}/approve`, { token: server.adminToken, body: { expiresAt } })).status).toBe(200);
    const verdict = (): Promise<JsonBody> => server.call('GET', `/api/v1/images/${digest}/verdict?failOn=NEGLIGIBLE`, { token: tokens['ci-1'] as string }).then((answer) => answer.json);
    const during = await verdict();
    expect(during.exceptedFindings.map((f: { id: string }) => f.id)).toContain(target?.id);
    const approvedList = await server.call('GET', '/api/v1/exceptions?state=approved', { token: tokens['viewer-1'] as string });
    expect(approvedList.json.exceptions.map((e: { id: string }) => e.id)).toContain(requested.json.id);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 100));
    const after = await verdict();
    expect(after.exceptedFindings).toEqual([]);
    expect(after.verdict.exclusions).toEqual([]);
    const expired = await server.call('GET', '/api/v1/exceptions?state=expired', { token: tokens['viewer-1'] as string });
    expect(expired.json.exceptions.map((e: { id: string; state: string }) => `${e.id} ${e.state}`)).toContain(`${requested.json.id} expired`);
    expect((await server.call('GET', '/api/v1/exceptions?state=approved', { token: tokens['viewer-1'] as string })).json.exceptions.map((e: { id: string }) => e.id)).not.toContain(requested.json.id);
    expect((await server.call('GET', '/api/v1/exceptions?state=rejected', { token: tokens['viewer-1'] as string })).json.exceptions.map((e: { id: string }) => e.id)).toEqual([rejected.json.id]);
  });

  it('marks covered findings excepted on the image page and leaves them out of the verdict, by repository or digest', async () => {
    const digest = digestFor(`${kind}-excepted`);
    const result = matchedResult({ digest, tags: ['registry.example/shop/api:3'], packages: 60, namePool: 200, seed: 22 }, vulndb);
    const ids = [...new Set(result.findings.map((finding) => finding.id))];
    expect(ids.length).toBeGreaterThan(2);
    await server.call('PUT', '/api/v1/scans/excepted-1', { token: tokens['sensor-1'] as string, body: { result } });
    const before = await server.call('GET', `/api/v1/images/${digest}/verdict?failOn=NEGLIGIBLE`, { token: tokens['ci-1'] as string });
    expect(before.json.verdict.passed).toBe(false);
    expect(before.json.verdict.counts.excluded).toBe(0);
    // Every flaw but the first excepted for the repository; then the first for the digest alone.
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const grant = async (advisoryId: string, scope: Record<string, string>): Promise<string> => {
      const requested = await ask(tokens['ci-1'] as string, { advisoryId, scope, reason: `accepted ${advisoryId}` });
      await server.call('POST', `/api/v1/exceptions/${requested.json.id}/approve`, { token: server.adminToken, body: { expiresAt } });
      return requested.json.id as string;
    };
    for (const id of ids.slice(1)) await grant(id.toLowerCase(), { repository: 'registry.example/shop/api' });
    // Another repository's exception does not apply here.
    await grant(ids[0] as string, { repository: 'registry.example/shop/other' });
    const partly = await server.call('GET', `/api/v1/images/${digest}/verdict?failOn=NEGLIGIBLE`, { token: tokens['ci-1'] as string });
    expect(partly.json.verdict.passed).toBe(false);
    expect(new Set(partly.json.verdict.violatingFindings.map((f: { id: string }) => f.id))).toEqual(new Set([ids[0]]));
    expect(partly.json.verdict.counts.excluded).toBe(result.findings.filter((f) => f.id !== ids[0]).length);
    const firstId = await grant(ids[0] as string, { digest });
    const all = await server.call('GET', `/api/v1/images/${digest}/verdict?failOn=NEGLIGIBLE`, { token: tokens['ci-1'] as string });
    expect(all.json.verdict.passed).toBe(true);
    expect(all.json.exceptedFindings).toHaveLength(result.findings.length);
    // The same exceptions as an ignore file: the CLI's gate, fed it, leaves the same findings out.
    const ignoreFile = await server.call('GET', `/api/v1/images/${digest}/ignore-file`, { token: tokens['ci-1'] as string });
    const entries = parseIgnoreFile(ignoreFile.text, 'server.json');
    expect(entries).toHaveLength(ids.length);
    const local = evaluateImageGate(result, { ...emptyGateConfig(), failOn: 'NEGLIGIBLE', ignoreEntries: entries });
    expect(local.passed).toBe(true);
    expect(local.counts.excluded).toBe(result.findings.length);
    expect(entries.every((entry) => entry.expires !== undefined && entry.expires < expiresAt.slice(0, 10))).toBe(true);
    const image = await server.call('GET', `/api/v1/images/${digest}`, { token: tokens['viewer-1'] as string });
    expect(image.json.findings.every((f: { state: string }) => f.state === 'excepted')).toBe(true);
    const first = image.json.findings.find((f: { id: string }) => f.id === ids[0]);
    expect(first.exception).toEqual({ id: firstId, reason: `accepted ${ids[0]}`, expiresAt });
    // Another image in another repository: nothing excepted.
    const otherDigest = digestFor(`${kind}-not-excepted`);
    await server.call('PUT', '/api/v1/scans/not-excepted-1', { token: tokens['sensor-1'] as string, body: { result: { ...result, image: { ...result.image, manifestDigest: otherDigest, repoTags: ['registry.example/shop/web:1'] } } } });
    const other = await server.call('GET', `/api/v1/images/${otherDigest}`, { token: tokens['viewer-1'] as string });
    expect(other.json.findings.every((f: { state: string }) => f.state === 'open')).toBe(true);
  });

  it('applies approved control exceptions from the store to a compliance result of their host', async () => {
    const requested = await ask(tokens['viewer-1'] as string, { cid: 'TG-SSH-011', scope: { host: `db-${kind}` }, reason: 'root login over the console only' });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await server.call('POST', `/api/v1/exceptions/${requested.json.id}/approve`, { token: server.adminToken, body: { expiresAt } });
    const failed: ControlResult = { cid: 'TG-SSH-011', title: 'root login', policy: 'ssh', criticality: 'URGENT', statement: '', state: 'FAIL', message: 'PermitRootLogin yes', unexpected: [{ value: 'yes' }], missing: [], observed: [] };
    const result: ComplianceResult = {
      schemaVersion: 1,
      kind: 'compliance',
      scan: { id: 's', name: 'n', startedAt: new Date().toISOString(), durationMs: 1, tool: { name: 'tollgate', version: '0' } },
      target: { name: `db-${kind}`, kind: 'ssh' },
      authentication: { status: 'succeeded' },
      policies: [{ id: 'ssh', title: 'SSH', version: '1', origin: 'builtin', applicable: true, totals: { passed: 0, failed: 1, error: 0, exception: 0, notApplicable: 0 }, controls: [failed] }],
      expiredExceptions: [],
      warnings: [],
    };
    const now = new Date().toISOString();
    const applied = applyComplianceExceptions(result, { host: `db-${kind}` }, await approvedExceptions(server.context.store.db, 'control', now), now);
    expect(applied.policies[0]?.controls[0]).toMatchObject({ state: 'EXCEPTION', exception: { reason: 'root login over the console only', approver: 'admin', expires: expiresAt, origin: `exception:${requested.json.id}` } });
    expect(applyComplianceExceptions(result, { host: 'other-host' }, await approvedExceptions(server.context.store.db, 'control', now), now).policies[0]?.controls[0]?.state).toBe('FAIL');
  });

  it('lets each role call only the exception and history routes its permission names; a refused write stores nothing', async () => {
    const tokenOf: Record<Role, string> = { admin: tokens['admin-2'] as string, ci: tokens['ci-1'] as string, viewer: tokens['viewer-1'] as string, sensor: tokens['sensor-1'] as string, worker: tokens['worker-1'] as string };
    const fresh = async (): Promise<string> => (await ask(tokens['ci-1'] as string, { cid: 'TG-MATRIX', scope: { assetGroup: 'matrix' }, reason: 'role matrix' })).json.id as string;
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const calls: Record<string, () => Promise<{ url: string; body?: unknown }>> = {
      requestException: async () => ({ url: '/api/v1/exceptions', body: { advisoryId: 'CVE-2024-9999', scope: { repository: 'matrix/app' }, reason: 'matrix' } }),
      listExceptions: async () => ({ url: '/api/v1/exceptions?state=requested' }),
      getException: async () => ({ url: `/api/v1/exceptions/${await fresh()}` }),
      approveException: async () => ({ url: `/api/v1/exceptions/${await fresh()}/approve`, body: { expiresAt } }),
      rejectException: async () => ({ url: `/api/v1/exceptions/${await fresh()}/reject`, body: { comment: 'no' } }),
      branchBaseline: async () => ({ url: '/api/v1/baselines?repository=matrix&branch=main' }),
      buildTrend: async () => ({ url: '/api/v1/trend?repository=matrix&branch=main' }),
      dashboard: async () => ({ url: '/api/v1/dashboard' }),
      imageIgnoreFile: async () => ({ url: `/api/v1/images/${digestFor(`${kind}-expiring`)}/ignore-file` }),
      reportPipeline: async () => ({ url: '/api/v1/scans/expiring-1/pipeline', body: { repository: 'matrix', branch: 'main', gatePassed: true } }),
    };
    const db = server.context.store.db;
    const stored = async (): Promise<string> => JSON.stringify([await db.selectFrom('exceptions').selectAll().orderBy('id').execute(), await db.selectFrom('scan_pipelines').selectAll().orderBy('scan_id').execute()]);
    for (const route of [...EXCEPTION_ROUTES, ...HISTORY_ROUTES]) {
      const call = calls[route.operationId];
      expect(call, route.operationId).toBeDefined();
      for (const role of Object.keys(tokenOf) as Role[]) {
        const { url, body } = await (call as () => Promise<{ url: string; body?: unknown }>)();
        const before = await stored();
        const answer = await server.call(route.method, url, { token: tokenOf[role], ...(body !== undefined ? { body } : {}) });
        if (allows(role, route.permission as NonNullable<typeof route.permission>)) {
          expect(answer.status, `${role} ${route.operationId}: ${answer.text.slice(0, 120)}`).toBeLessThan(route.operationId === 'branchBaseline' ? 405 : 300);
        } else {
          expect(answer.status, `${role} ${route.operationId}`).toBe(403);
          expect(await stored(), `${role} ${route.operationId}`).toBe(before);
        }
      }
    }
  });
});
