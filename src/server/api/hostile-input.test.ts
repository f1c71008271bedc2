/**
 * Untrusted input at every route, on both stores, by a bounded loop on loopback: junk bodies
 * derived from the routes' schemas (fast-check), oversized bodies, wrong content types, invalid
 * JSON, path traversal and SQL metacharacters in ids and queries. Every answer is a 4xx with a JSON
 * error (naming the field for a 400), never a 500, and nothing is stored. Then the role matrix: a
 * token of each role against each route.
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, allows } from '../auth/roles.js';
import { createRoleTokens, createTestStore, startTestServer, type JsonBody, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult } from '../test-support/scan-results.js';
import type { RouteSpec } from './route.js';
import { ROUTES } from './routes/list.js';
import { MAX_SCAN_BYTES } from './routes/scans.js';
import { SMALL_BODY_LIMIT } from './build-app.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const HOSTILE_IDS = ['..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e%2f', "x'%20OR%20'1'%3D'1", 'x%3BDROP%20TABLE%20scans%3B--', '%00', 'sha256%3A..%2F..', 'a'.repeat(150), '%E2%80%AE', 'sha256:' + 'g'.repeat(64)];
const HOSTILE_QUERIES = ["scannedAfter=' OR 1=1--", 'scannedAfter=2026-13-45T99:99:99Z', 'limit=-1', 'limit=abc', 'limit=1e99', 'since[$gt]=x', 'offset=1;DROP TABLE images', 'unknown=1', 'since=', 'keepPerImage=0', 'scannedAfter=2026-12-31T23:59:60Z', 'since=2026-06-30T23:59:60%2B00:00'];

function sampleUrl(route: RouteSpec, override?: string): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_match, name: string) => override ?? (name === 'digest' ? digestFor('hostile-sample') : 'sample-1'));
}

/**
 * A hostile-looking id that every path parameter of the route accepts (`sha256:ggg…` is a legal
 * compliance name such as a host's): the route may take it (a PUT creates), but never with a 5xx.
 */
function legalFor(route: RouteSpec, id: string): boolean {
  const properties = Object.values((route.params?.properties ?? {}) as Record<string, { pattern?: string }>);
  let decoded: string;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    return false;
  }
  return properties.length > 0 && properties.every((property) => property.pattern !== undefined && new RegExp(property.pattern, 'u').test(decoded));
}

/** A valid upload with one field broken: the schema must catch each. */
function brokenUploads(): unknown[] {
  const valid = inventoryResult({ digest: digestFor('hostile-upload'), packages: 3, namePool: 20, seed: 9 });
  const breakages: ((result: JsonBody) => void)[] = [
    (r) => (r.schemaVersion = 2),
    (r) => (r.image.manifestDigest = '../../etc/passwd'),
    (r) => (r.packages[0].name = 123),
    (r) => (r.packages[0].type = "deb' OR 1=1"),
    (r) => (r.packages[0].layer.index = -1),
    (r) => delete r.scannedAt,
    (r) => (r.summary.bySeverity = 'all'),
    (r) => (r.findings = [{ id: 'CVE-1' }]),
    (r) => (r.scannedAt = "2026'; DROP TABLE scans; --"),
    (r) => (r.scannedAt = '2026-12-31T23:59:60Z'),
    (r) => (r.packages[1].name = 'left\u0000right'),
    (r) => (r.image.repoTags = ['app:\u0000']),
    (r) => (r.warnings = ['\u0000']),
  ];
  return breakages.map((breakage) => {
    const copy = structuredClone(valid) as JsonBody;
    breakage(copy);
    return { result: copy };
  });
}

async function counts(server: TestServer): Promise<Record<string, number>> {
  const db = server.context.store.db;
  const out: Record<string, number> = {};
  for (const table of ['images', 'scans', 'tokens', 'image_findings', 'finding_events', 'hosts', 'asset_groups', 'auth_records', 'policies', 'option_profiles', 'scanners', 'compliance_scans'] as const) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

function expectClientError(answer: { status: number; json: JsonBody; text: string }, what: string): void {
  expect(answer.status, `${what}: ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, what).toBeLessThan(500);
  expect(typeof answer.json?.error?.code, what).toBe('string');
  if (answer.status === 400) expect(answer.json.error.field, what).toMatch(/\S/);
}

describe.each(KINDS)('hostile input on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await createTestStore(kind);
    server = await startTestServer(store);
    tokens.admin = server.adminToken;
    Object.assign(tokens, await createRoleTokens(server, ROLES.filter((role) => role !== 'admin'), 't'));
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it('answers every hostile id, query, body and content type with a 4xx naming the field, and stores nothing', async () => {
    const before = await counts(server);
    for (const route of ROUTES) {
      const hasBody = route.body !== undefined;
      const send = (url: string, extra: Parameters<TestServer['call']>[2] = {}): ReturnType<TestServer['call']> => server.call(route.method, url, { token: tokens.admin, ...(hasBody && extra.rawBody === undefined && extra.body === undefined ? { body: {} } : {}), ...extra });
      if (route.params)
        for (const id of HOSTILE_IDS) {
          const answer = await send(sampleUrl(route, id));
          if (legalFor(route, id)) expect(answer.status, `${route.method} ${route.url} legal id ${id}`).toBeLessThan(500);
          else expectClientError(answer, `${route.method} ${route.url} id ${id}`);
        }
      if (route.querystring) for (const query of HOSTILE_QUERIES) {
        const answer = await send(`${sampleUrl(route)}?${query}`);
        // A query a route does not take is refused by name; one it takes, if junk, too.
        if (answer.status !== 404 && answer.status !== 204) expectClientError(answer, `${route.method} ${route.url}?${query}`);
      }
      if (!hasBody) continue;
      const url = sampleUrl(route);
      expectClientError(await send(url, { rawBody: '{"result": ', contentType: 'application/json' }), `${route.url} truncated JSON`);
      expectClientError(await send(url, { rawBody: '<scan/>', contentType: 'application/xml' }), `${route.url} XML`);
      expectClientError(await send(url, { rawBody: 'name=x', contentType: 'text/plain' }), `${route.url} text`);
      expectClientError(await send(url, { rawBody: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' }), `${route.url} prototype keys`);
      const limit = route.bodyLimit ?? SMALL_BODY_LIMIT;
      const oversized = await send(url, { rawBody: Buffer.alloc(limit + 1, 0x20) });
      expect(oversized.status, `${route.url} oversized`).toBe(413);
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('result', 'matched', 'name', 'role', 'tags', 'keepPerImage', 'maxAgeDays', '__proto__'), fc.anything())), async (body) => {
          const answer = await send(url, { rawBody: JSON.stringify(body) ?? 'null' });
          if (answer.status < 300) return; // a junk body that happens to be valid (e.g. {} for retention) is fine
          expectClientError(answer, `${route.url} body ${JSON.stringify(body)?.slice(0, 80)}`);
        }),
        { numRuns: 25, seed: 13 },
      );
    }
    for (const body of brokenUploads()) expectClientError(await server.call('PUT', '/api/v1/scans/broken-1', { token: tokens.sensor, body }), `broken upload ${JSON.stringify(body).slice(0, 60)}`);
    const after = await counts(server);
    // A junk-but-valid body ({} to announce processing, to apply retention) may be accepted; then
    // only the sample image may exist. Nothing else may change.
    const images = await server.context.store.db.selectFrom('images').select('digest').execute();
    expect(images.map((image) => image.digest).filter((digest) => digest !== digestFor('hostile-sample'))).toEqual([]);
    // A legal name (sha256:ggg…) PUT as a host or scanner label with a valid empty body is stored; nothing else is.
    const hosts = await server.context.store.db.selectFrom('hosts').select('name').execute();
    expect(hosts.map((host) => host.name).filter((name) => !HOSTILE_IDS.includes(name) && name !== 'sample-1')).toEqual([]);
    expect({ ...after, tokens: 0, images: 0, hosts: 0, scanners: 0 }).toEqual({ ...before, tokens: 0, images: 0, hosts: 0, scanners: 0 });
    expect(server.logged.filter((line) => /failed|error/i.test(line))).toEqual([]);
  });

  it('refuses an upload larger than its limit before reading it all', async () => {
    const { hostname, port } = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: hostname, port, method: 'PUT', path: '/api/v1/scans/huge-1', headers: { authorization: `Bearer ${tokens.sensor}`, 'content-type': 'application/json', 'content-length': String(MAX_SCAN_BYTES + 1) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      // Only a kilobyte is ever sent: the answer must come from the announced length alone.
      request.write(Buffer.alloc(1024, 0x20));
    });
    expect(status).toBe(413);
  });

  it('lets each role do only its own routes: 401 without a token, 403 for another role, nothing stored by a refused write', async () => {
    for (const route of ROUTES) {
      if (!route.permission) continue;
      const url = sampleUrl(route);
      const body = route.body ? {} : undefined;
      expect((await server.call(route.method, url, { ...(body ? { body } : {}) })).status, `${route.url} without token`).toBe(401);
      for (const role of ROLES) {
        const before = await counts(server);
        const answer = await server.call(route.method, url, { token: tokens[role] as string, ...(body ? { body } : {}) });
        if (allows(role, route.permission)) expect([401, 403], `${role} ${route.method} ${route.url}`).not.toContain(answer.status);
        else {
          expect(answer.status, `${role} ${route.method} ${route.url}`).toBe(403);
          expect(await counts(server)).toEqual(before);
        }
      }
    }
  });
});
