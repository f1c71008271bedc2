/**
 * The API suite, run against both stores: the embedded SQLite file and a throwaway PostgreSQL
 * database. Result-endpoint semantics, idempotent uploads, current findings and what appeared
 * since a time, tokens, audit, retention, the mirror and the OpenAPI document.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatabase } from '../../vulndb/test-support/generate.js';
import { openVulnDatabase, type VulnDatabase } from '../../vulndb/database.js';
import { createTestStore, startTestServer, waitFor, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult, matchedResult } from '../test-support/scan-results.js';
import { ROUTES } from './routes/list.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

describe.each(KINDS)('the API on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  let vulndb: VulnDatabase;
  let vulndbFile: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await createTestStore(kind);
    vulndbFile = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndbFile, 1500, 200, 7);
    vulndb = openVulnDatabase(vulndbFile);
    server = await startTestServer(store, { vulndbPath: vulndbFile });
    for (const role of ['ci', 'sensor', 'worker', 'viewer']) {
      const created = await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: `${role}-1`, role } });
      expect(created.status).toBe(201);
      tokens[role] = created.json.token as string;
    }
  });

  afterAll(async () => {
    vulndb?.close();
    await server?.close();
    await store?.dispose();
  });

  it('answers 404 for an unknown image, 204 while a sensor processes it, then 200 with the latest scan', async () => {
    const digest = digestFor(`${kind}-poll`);
    const poll = (query = ''): ReturnType<TestServer['call']> => server.call('GET', `/api/v1/images/${digest}/scan${query}`, { token: tokens.ci });
    expect((await poll()).status).toBe(404);
    expect((await poll()).json.error).toMatchObject({ code: 'not_found', field: 'params.digest' });
    expect((await server.call('POST', `/api/v1/images/${digest}/processing`, { token: tokens.sensor, body: { tags: ['app:1'] } })).status).toBe(202);
    expect((await poll()).status).toBe(204);
    const first = matchedResult({ digest, tags: ['app:1'], packages: 40, namePool: 200, seed: 1, scannedAt: '2026-01-01T00:00:00.000Z' }, vulndb);
    expect((await server.call('PUT', '/api/v1/scans/poll-1', { token: tokens.sensor, body: { result: first } })).status).toBe(201);
    const answer = await poll();
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'complete', scanId: 'poll-1' });
    expect(answer.json.result.findings.length).toBe(first.findings.length);
    expect(answer.json.result.packages[0].layer.diffId).toBe(first.packages[0]?.layer?.diffId);
    // Asking for a scan newer than the one stored: known image, nothing newer yet.
    expect((await poll('?scannedAfter=2026-01-02T00:00:00Z')).status).toBe(204);
    const second = matchedResult({ digest, tags: ['app:2'], packages: 40, namePool: 200, seed: 1, scannedAt: '2026-01-03T00:00:00.000Z' }, vulndb);
    await server.call('PUT', '/api/v1/scans/poll-2', { token: tokens.sensor, body: { result: second } });
    expect((await poll('?scannedAfter=2026-01-02T00:00:00Z')).json.scanId).toBe('poll-2');
    expect((await poll()).json.scanId).toBe('poll-2');
    const image = await server.call('GET', `/api/v1/images/${digest}`, { token: tokens.viewer });
    expect(image.json.tags).toEqual(['app:1', 'app:2']);
    expect(image.json.scans.map((scan: { scanId: string }) => scan.scanId)).toEqual(['poll-2', 'poll-1']);
  });

  it('answers 400 naming the field for a bad time, 401 without a token and 403 for a role that may not poll', async () => {
    const digest = digestFor(`${kind}-poll`);
    const bad = await server.call('GET', `/api/v1/images/${digest}/scan?scannedAfter=yesterday`, { token: tokens.ci });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('querystring.scannedAfter');
    expect((await server.call('GET', `/api/v1/images/${digest}/scan`)).status).toBe(401);
    expect((await server.call('GET', `/api/v1/images/${digest}/scan`, { token: 'tg_ci_not-a-real-token' })).status).toBe(401);
    expect((await server.call('GET', `/api/v1/images/${digest}/scan`, { token: tokens.worker })).status).toBe(403);
  });

  it('stores an upload once: the same scan id again changes nothing, under another image it is a conflict', async () => {
    const digest = digestFor(`${kind}-idempotent`);
    const result = matchedResult({ digest, packages: 30, namePool: 200, seed: 2 }, vulndb);
    const first = await server.call('PUT', '/api/v1/scans/idem-1', { token: tokens.sensor, body: { result } });
    const again = await server.call('PUT', '/api/v1/scans/idem-1', { token: tokens.sensor, body: { result } });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json.created).toBe(false);
    const other = inventoryResult({ digest: digestFor('another'), packages: 3, namePool: 200, seed: 3 });
    const conflict = await server.call('PUT', '/api/v1/scans/idem-1', { token: tokens.sensor, body: { result: other } });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.field).toBe('scanId');
    const image = await server.call('GET', `/api/v1/images/${digest}`, { token: tokens.viewer });
    expect(image.json.scans).toHaveLength(1);
    expect(image.json.findings).toHaveLength(new Set(result.findings.map((f) => `${f.id}|${f.package.purl}`)).size);
    expect((await server.call('GET', `/api/v1/images/${digestFor('another')}`, { token: tokens.viewer })).status).toBe(404);
  });

  it('stores text that spells \\u0000 without holding a NUL as sent, and refuses a real NUL naming its field', async () => {
    const digest = digestFor(`${kind}-nul-spelling`);
    const result = inventoryResult({ digest, packages: 3, namePool: 200, seed: 4 });
    result.warnings = ['a path with \\u0000 in its text'];
    expect((await server.call('PUT', '/api/v1/scans/nul-spelled', { token: tokens.sensor, body: { result } })).status).toBe(201);
    const stored = await server.call('GET', `/api/v1/images/${digest}/scan`, { token: tokens.ci });
    expect(stored.json.result.warnings).toEqual(['a path with \\u0000 in its text']);
    const broken = structuredClone(result);
    (broken.packages[2] as { version: string }).version = '1.0\u0000';
    const refused = await server.call('PUT', '/api/v1/scans/nul-real', { token: tokens.sensor, body: { result: { ...broken, warnings: [] } } });
    expect([refused.status, refused.json.error.field]).toEqual([400, 'body.result.packages.2.version']);
  });

  it('answers partial for an unmatched inventory and completes it with its own database', async () => {
    const digest = digestFor(`${kind}-partial`);
    const inventory = inventoryResult({ digest, packages: 50, namePool: 200, seed: 4 });
    const stored = await server.call('PUT', '/api/v1/scans/partial-1', { token: tokens.sensor, body: { result: inventory, matched: false } });
    expect(stored.json.status).toBe('partial');
    // Matching is a background job: the first answers may still be partial.
    let answer = await server.call('GET', `/api/v1/images/${digest}/scan`, { token: tokens.ci });
    expect(['partial', 'complete']).toContain(answer.json.status);
    for (let i = 0; i < 100 && answer.json.status === 'partial'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await server.call('GET', `/api/v1/images/${digest}/scan`, { token: tokens.ci });
    }
    expect(answer.json.status).toBe('complete');
    expect(answer.json.result.findings).toEqual(matchedResult({ digest, packages: 50, namePool: 200, seed: 4 }, vulndb).findings);
  });

  it('records when each finding first appeared and lists what became vulnerable since a time', async () => {
    const digest = digestFor(`${kind}-history`);
    const early = matchedResult({ digest, packages: 20, namePool: 200, seed: 5, scannedAt: '2026-02-01T00:00:00.000Z' }, vulndb);
    const firstFindings = early.findings.slice(0, Math.max(1, early.findings.length - 3));
    await server.call('PUT', '/api/v1/scans/history-1', { token: tokens.sensor, body: { result: { ...early, findings: firstFindings } } });
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await server.call('PUT', '/api/v1/scans/history-2', { token: tokens.sensor, body: { result: { ...early, scannedAt: '2026-02-02T00:00:00.000Z' } } });
    const changes = await server.call('GET', `/api/v1/changes?since=${encodeURIComponent(between)}`, { token: tokens.viewer });
    expect(changes.status).toBe(200);
    const mine = changes.json.images.find((image: { digest: string }) => image.digest === digest);
    expect(mine.findings).toHaveLength(early.findings.length - firstFindings.length);
    expect(mine.findings.every((finding: { cause: string }) => finding.cause === 'scan')).toBe(true);
    const image = await server.call('GET', `/api/v1/images/${digest}`, { token: tokens.viewer });
    const seen = new Set(image.json.findings.map((finding: { firstSeen: string }) => finding.firstSeen < between));
    expect(seen).toEqual(new Set([true, false]));
  });

  it('gates an image from its history, on findings new compared with a baseline image', async () => {
    const base = digestFor(`${kind}-gate-base`);
    const next = digestFor(`${kind}-gate-next`);
    const baseResult = matchedResult({ digest: base, packages: 40, namePool: 200, seed: 11 }, vulndb);
    const nextResult = matchedResult({ digest: next, packages: 40, namePool: 200, seed: 11 }, vulndb);
    expect(nextResult.findings.length).toBeGreaterThan(1);
    await server.call('PUT', '/api/v1/scans/gate-base', { token: tokens.sensor, body: { result: { ...baseResult, findings: baseResult.findings.slice(1) } } });
    await server.call('PUT', '/api/v1/scans/gate-next', { token: tokens.sensor, body: { result: nextResult } });
    const plain = await server.call('GET', `/api/v1/images/${next}/verdict?failOn=NEGLIGIBLE`, { token: tokens.ci });
    expect(plain.json.verdict.passed).toBe(false);
    const against = await server.call('GET', `/api/v1/images/${next}/verdict?failOn=NEGLIGIBLE&baseline=${base}`, { token: tokens.ci });
    const firstId = nextResult.findings[0]?.id;
    expect(against.json.newFindings.map((f: { id: string }) => f.id)).toEqual(nextResult.findings.filter((f) => f.id === firstId && f.package.name === nextResult.findings[0]?.package.name).map((f) => f.id));
    expect(against.json.verdict.violatingFindings.every((ref: { id: string }) => ref.id === firstId)).toBe(true);
    const self = await server.call('GET', `/api/v1/images/${next}/verdict?failOn=NEGLIGIBLE&baseline=${next}`, { token: tokens.ci });
    expect(self.json.verdict.passed).toBe(true);
    expect((await server.call('GET', `/api/v1/images/${next}/verdict?failOn=NEGLIGIBLE&baseline=${digestFor('nothing')}`, { token: tokens.ci })).json.error.field).toBe('querystring.baseline');
  });

  it('lets an admin make tokens (shown once) and audits every write with the token name, never its value', async () => {
    const created = await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: 'pipeline-7', role: 'ci' } });
    expect(created.json.token).toMatch(/^tg_ci_[A-Za-z0-9_-]{43}$/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const listed = await server.call('GET', '/api/v1/tokens', { token: server.adminToken });
    expect(listed.text).not.toContain(created.json.token);
    expect(listed.json.tokens.map((token: { name: string }) => token.name)).toContain('pipeline-7');
    expect((await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: 'pipeline-7', role: 'ci' } })).status).toBe(409);
    expect((await server.call('POST', '/api/v1/tokens', { token: tokens.ci, body: { name: 'sneaky', role: 'admin' } })).status).toBe(403);
    const audit = await server.call('GET', '/api/v1/audit', { token: server.adminToken });
    const actions = audit.json.entries.map((entry: { token: string; action: string }) => `${entry.token} ${entry.action}`);
    expect(actions).toContain('admin token.create');
    expect(actions).toContain('sensor-1 scan.upload');
    expect(actions).toContain('sensor-1 image.processing');
    expect(actions.some((action: string) => action.startsWith('ci-1'))).toBe(false);
    for (const value of [server.adminToken, ...Object.values(tokens), created.json.token as string]) expect(audit.text).not.toContain(value);
    expect((await server.call('DELETE', '/api/v1/tokens/pipeline-7', { token: server.adminToken })).status).toBe(204);
    expect((await server.call('GET', '/api/v1/images', { token: created.json.token as string })).status).toBe(401);
  });

  it('keeps scans by count and age, never the newest of an image', async () => {
    const digest = digestFor(`${kind}-retention`);
    for (let day = 1; day <= 5; day++) {
      const result = inventoryResult({ digest, packages: 5, namePool: 200, seed: 6, scannedAt: `2020-03-0${day}T00:00:00.000Z` });
      await server.call('PUT', `/api/v1/scans/retention-${day}`, { token: tokens.sensor, body: { result, matched: true } });
    }
    const applied = await server.call('POST', '/api/v1/retention', { token: server.adminToken, body: { keepPerImage: 2 } });
    expect(applied.status).toBe(200);
    let image = await server.call('GET', `/api/v1/images/${digest}`, { token: tokens.viewer });
    expect(image.json.scans.map((scan: { scanId: string }) => scan.scanId)).toEqual(['retention-5', 'retention-4']);
    await server.call('POST', '/api/v1/retention', { token: server.adminToken, body: { maxAgeDays: 30 } });
    image = await server.call('GET', `/api/v1/images/${digest}`, { token: tokens.viewer });
    expect(image.json.scans.map((scan: { scanId: string }) => scan.scanId)).toEqual(['retention-5']);
  });

  it('applies the configured retention at start', async () => {
    const retained = await createTestStore(kind);
    const first = await startTestServer(retained);
    const digest = digestFor(`${kind}-retention-start`);
    for (let day = 1; day <= 4; day++) {
      const result = inventoryResult({ digest, packages: 3, namePool: 200, seed: 8, scannedAt: `2021-04-0${day}T00:00:00.000Z` });
      await first.call('PUT', `/api/v1/scans/start-${day}`, { token: first.adminToken, body: { result } });
    }
    await first.close();
    const second = await startTestServer(retained, { retention: { keepPerImage: 2 } });
    try {
      await second.context.reevaluator.idle();
      const image = await waitFor(async () => {
        const answer = await second.call('GET', `/api/v1/images/${digest}`, { token: second.adminToken });
        return answer.json.scans.length === 2 ? answer : undefined;
      });
      expect(image.json.scans.map((scan: { scanId: string }) => scan.scanId)).toEqual(['start-4', 'start-3']);
    } finally {
      await second.close();
      await retained.dispose();
    }
  });

  it('serves an OpenAPI 3.1 document naming every route, whose schemas compile', async () => {
    const document = await server.call('GET', '/api/v1/openapi.json');
    expect(document.json.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const operation = document.json.paths[route.url.replace(/:([A-Za-z]+)/g, '{$1}')][route.method.toLowerCase()];
      expect(operation.operationId).toBe(route.operationId);
    }
    const resultSchema = document.json.paths['/api/v1/scans/{scanId}'].put.requestBody.content['application/json'].schema.properties.result;
    expect(resultSchema).toEqual({ $ref: '#/components/schemas/ScanResult' });
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(document.json.components.schemas.ScanResult);
    expect(validate(inventoryResult({ digest: digestFor('x'), packages: 2, namePool: 10, seed: 1 }))).toBe(true);
    expect(validate({ schemaVersion: 1 })).toBe(false);
  });

  it('mirrors the database artifact file with its digest', async () => {
    const artifact = path.join(store.dir, 'tollgate-db.tar');
    await writeFile(artifact, Buffer.from('artifact bytes for the mirror test'));
    // Its own store: two servers of one process on one SQLite file would wait on each other's locks.
    const mirrorStore = await createTestStore(kind);
    const mirrored = await startTestServer(mirrorStore, { mirrorArtifact: artifact });
    try {
      const status = await mirrored.call('GET', '/api/v1/vulndb');
      expect(status.json.digest).toBe('sha256:' + createHash('sha256').update('artifact bytes for the mirror test').digest('hex'));
      const file = await mirrored.call('GET', '/api/v1/vulndb/tollgate-db.tar');
      expect(file.text).toBe('artifact bytes for the mirror test');
      expect(file.headers.get('etag')).toBe(`"${status.json.digest}"`);
      expect((await server.call('GET', '/api/v1/vulndb', { token: tokens.ci })).status).toBe(404);
    } finally {
      await mirrored.close();
      await mirrorStore.dispose();
    }
  });
});
