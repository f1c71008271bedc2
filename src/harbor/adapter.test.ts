/**
 * The adapter's HTTP contract, with a scan function the test controls (so pending, done and failed
 * states are reached on demand), served on loopback and driven by a client that behaves as Harbor's
 * does. The real pull-and-scan path is proven in test/e2e/harbor-adapter.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HarborClient, harborRequest } from '../../test/support/harbor-client.js';
import { Secret } from '../util/secret.js';
import { createHarborAdapter, negotiateReportMime, type HarborAdapterOptions } from './adapter.js';
import type { ScanRequest } from './scan-request.js';
import type { HarborVulnerabilityReport } from './spec.js';

const DIGEST = `sha256:${'cd'.repeat(32)}`;
const PASSWORD = 'Harbor-r0bot-secret';
const AUTHORIZATION = `Basic ${Buffer.from(`robot$tollgate:${PASSWORD}`).toString('base64')}`;
const REQUEST = { registry: { url: 'http://127.0.0.1:5000', authorization: AUTHORIZATION }, artifact: { repository: 'library/app', digest: DIGEST, mime_type: 'application/vnd.oci.image.manifest.v1+json' } };

function report(request: ScanRequest): HarborVulnerabilityReport {
  return { generated_at: '2026-01-01T00:00:00.000Z', artifact: request.artifact, scanner: { name: 'Tollgate', vendor: 'Tollgate', version: 'test' }, severity: 'High', vulnerabilities: [{ id: 'CVE-2026-0001', package: 'openssl', version: '3.0.1', severity: 'High', links: [] }] };
}

let app: FastifyInstance | undefined;

async function serve(options: Partial<HarborAdapterOptions> & Pick<HarborAdapterOptions, 'scan'>, authorization?: string): Promise<{ client: HarborClient; log: string[]; base: string }> {
  const log: string[] = [];
  app = await createHarborAdapter({ describeError: (error) => (error as Error).message, refreshAfterSeconds: 1, accessLog: (line) => log.push(line), ...options });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { client: new HarborClient(base, authorization), log, base };
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A scan that finishes when the test says so. */
function gate() {
  let release: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  return { scan: async (request: ScanRequest) => (await done, report(request)), release: () => release(), fail: (error: Error) => fail(error) };
}

describe('the adapter as Harbor sees it', () => {
  it('describes itself: the vulnerability capability for image manifests, both report types', async () => {
    const { client } = await serve({ scan: async (request) => report(request), properties: { 'harbor.scanner-adapter/vulnerability-database-updated-at': '2026-01-01T00:00:00Z' } });
    const answer = await client.metadata();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.scanner.adapter.metadata+json; version=1.1');
    expect(answer.json()).toMatchObject({
      scanner: { name: 'Tollgate', vendor: 'Tollgate' },
      capabilities: [{ type: 'vulnerability', consumes_mime_types: ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'], produces_mime_types: ['application/vnd.security.vulnerability.report; version=1.1', 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0'] }],
      properties: { 'harbor.scanner-adapter/vulnerability-database-updated-at': '2026-01-01T00:00:00Z' },
    });
  });

  it('accepts a scan at once (202 with an id), answers 302 + Refresh-After while it runs, then 200 with the report in the asked type', async () => {
    const scan = gate();
    const { client } = await serve({ scan: scan.scan });
    const accepted = await client.scan(REQUEST);
    expect(accepted.status).toBe(202);
    expect(accepted.headers['content-type']).toBe('application/vnd.scanner.adapter.scan.response+json; version=1.0');
    const { id } = accepted.json() as { id: string };
    const pending = await client.report(id);
    expect(pending.status).toBe(302);
    expect(pending.headers['refresh-after']).toBe('1');
    expect(pending.headers.location).toBeUndefined();
    scan.release();
    const done = await client.poll(id, { speedup: 10 });
    expect(done.status).toBe(200);
    expect(done.headers['content-type']).toBe('application/vnd.security.vulnerability.report; version=1.1');
    expect(done.json()).toMatchObject({ artifact: { repository: 'library/app', digest: DIGEST }, vulnerabilities: [{ id: 'CVE-2026-0001' }] });
    const older = await client.report(id, 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0');
    expect(older.headers['content-type']).toBe('application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0');
    expect(older.body).toBe(done.body);
  });

  it('answers 500 with the cause for a scan that failed, and 404 for an id it does not know', async () => {
    const scan = gate();
    const { client } = await serve({ scan: scan.scan });
    const { id } = (await client.scan(REQUEST)).json() as { id: string };
    scan.fail(new Error('registry 127.0.0.1:5000 refused access to library/app (HTTP 401)'));
    const failed = await client.poll(id, { speedup: 10 });
    expect(failed.status).toBe(500);
    expect(failed.headers['content-type']).toBe('application/vnd.scanner.adapter.error+json; version=1.0');
    expect(failed.json()).toEqual({ error: { message: 'registry 127.0.0.1:5000 refused access to library/app (HTTP 401)' } });
    for (const unknown of ['00000000-0000-4000-8000-000000000000', 'not-an-id', '..%2F..%2Fetc']) expect((await client.report(unknown)).status).toBe(404);
  });

  it('refuses what it cannot produce: SBOM reports (501), an Accept it does not serve (400), the sbom query (400)', async () => {
    const { client, base } = await serve({ scan: async (request) => report(request) });
    const { id } = (await client.scan(REQUEST)).json() as { id: string };
    expect((await client.report(id, 'application/vnd.security.sbom.report+json; version=1.0')).status).toBe(501);
    expect((await client.report(id, 'text/html')).status).toBe(400);
    expect((await harborRequest(base, 'GET', `/api/v1/scan/${id}/report?sbom_media_type=application/spdx%2Bjson`)).status).toBe(400);
  });

  it('answers junk with 4xx, never 500: bad JSON, wrong types, wrong content type, huge bodies, unknown paths', async () => {
    const { client, base } = await serve({ scan: async (request) => report(request) });
    expect((await client.scan('{"registry":')).status).toBe(400);
    expect((await client.scan('[1,2]')).status).toBe(400);
    expect((await client.scan({ registry: { url: 5 }, artifact: {} })).status).toBe(400);
    expect((await client.scan({ ...REQUEST, artifact: { repository: 'x', digest: 'latest' } })).status).toBe(422);
    expect((await client.scan(REQUEST, 'text/plain')).status).toBe(415);
    expect((await client.scan(`{"pad":"${'x'.repeat(100_000)}"}`)).status).toBe(413);
    expect((await harborRequest(base, 'DELETE', '/api/v1/scan')).status).toBe(404);
    expect((await harborRequest(base, 'GET', '/api/v1/../../etc/passwd')).status).toBe(404);
    const statuses = await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value)), fc.string()), async (body) => {
        const answer = await client.scan(body);
        expect(answer.status === 202 || (answer.status >= 400 && answer.status < 500) || answer.status === 501, `${answer.status} for ${body}`).toBe(true);
        expect(() => answer.json()).not.toThrow();
      }),
      { numRuns: 150 },
    );
    expect(statuses).toBeUndefined();
  });

  it('never writes the robot credentials into its log or any answer', async () => {
    const scan = gate();
    const { client, log } = await serve({ scan: scan.scan });
    const { id } = (await client.scan(REQUEST)).json() as { id: string };
    const rejected = await client.scan({ ...REQUEST, registry: { url: 'http://127.0.0.1:5000', authorization: `Bearer ${PASSWORD}` } });
    scan.release();
    const answers = [rejected.body, (await client.poll(id, { speedup: 10 })).body, log.join('\n')].join('\n');
    expect(answers).not.toContain(PASSWORD);
    expect(answers).not.toContain(AUTHORIZATION.slice(6));
    expect(log).toContain('POST /api/v1/scan 202');
  });

  it('with a token configured, refuses requests without it (401) and serves those with it', async () => {
    const token = 'tollgate-harbor-token-0123456789';
    await serve({ scan: async (request) => report(request), token: new Secret(token) });
    const base = (app?.server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${base}`;
    expect((await new HarborClient(url).metadata()).status).toBe(401);
    expect((await new HarborClient(url, 'Bearer wrong').metadata()).status).toBe(401);
    expect((await new HarborClient(url, `Bearer ${token}`).metadata()).status).toBe(200);
  });

  it('refuses a new request with 429 when every kept request is still waiting', async () => {
    const scan = gate();
    const { client } = await serve({ scan: scan.scan, capacity: 2 });
    expect((await client.scan(REQUEST)).status).toBe(202);
    expect((await client.scan(REQUEST)).status).toBe(202);
    const full = await client.scan(REQUEST);
    expect(full.status).toBe(429);
    scan.release();
  });

  it('refuses a Refresh-After outside 1..127', async () => {
    await expect(createHarborAdapter({ scan: async (request) => report(request), describeError: String, refreshAfterSeconds: 128 })).rejects.toThrow('1 to 127');
    await expect(createHarborAdapter({ scan: async (request) => report(request), describeError: String, refreshAfterSeconds: 0 })).rejects.toThrow('1 to 127');
  });
});

describe('report type negotiation', () => {
  it('prefers the 1.1 type, honours the 1.0 type, and defaults when Accept is absent or a wildcard', () => {
    expect(negotiateReportMime(undefined)).toBe('application/vnd.security.vulnerability.report; version=1.1');
    expect(negotiateReportMime('*/*')).toBe('application/vnd.security.vulnerability.report; version=1.1');
    expect(negotiateReportMime('application/vnd.scanner.adapter.vuln.report.harbor+json;version=1.0')).toBe('application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0');
    expect(negotiateReportMime('application/vnd.security.sbom.report+json; version=1.0')).toBe('sbom');
    expect(negotiateReportMime('text/html')).toBeUndefined();
  });
});
