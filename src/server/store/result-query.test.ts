/**
 * The result endpoint's versions on both stores, with two server processes' worth of state (two
 * servers, each with its own store connection and answer cache, on one store): a poller that
 * sends back the ETag gets 304 until the latest result changes — a newer upload through the other
 * server, the server matching a partial upload, a re-evaluation rewriting the document — and then
 * the new document, never a stale cached one.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatabase } from '../../vulndb/test-support/generate.js';
import { createTestStore, startTestServer, waitFor, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult } from '../test-support/scan-results.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

describe.each(KINDS)('result versions on %s', (kind) => {
  let store: TestStore;
  let first: TestServer;
  let second: TestServer;
  let vulndb: string;

  beforeAll(async () => {
    store = await createTestStore(kind);
    vulndb = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndb, 200, 50, 3);
    first = await startTestServer(store, { vulndbPath: vulndb });
    // Every node of one deployment has the database: on PostgreSQL any of them may run the matching job.
    second = await startTestServer(store, { vulndbPath: vulndb });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.dispose();
  });

  async function poll(server: TestServer, digest: string, etag?: string): Promise<{ status: number; etag: string | null; scanId?: string; resultStatus?: string; builtAt?: string }> {
    const response = await fetch(`${server.url}/api/v1/images/${digest}/scan`, { headers: { authorization: `Bearer ${server.adminToken}`, ...(etag ? { 'if-none-match': etag } : {}) } });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as { scanId: string; status: string; result?: { database?: { builtAt?: string } } }) : undefined;
    return { status: response.status, etag: response.headers.get('etag'), ...(json ? { scanId: json.scanId, resultStatus: json.status, ...(json.result?.database?.builtAt ? { builtAt: json.result.database.builtAt } : {}) } : {}) };
  }

  it('answers 304 to the current version and the new document as soon as any server stores a newer one', async () => {
    const digest = digestFor(`${kind}-versions`);
    const upload = (server: TestServer, scanId: string, scannedAt: string, matched: boolean) =>
      server.call('PUT', `/api/v1/scans/${scanId}`, { token: server.adminToken, body: { result: inventoryResult({ digest, packages: 20, namePool: 50, seed: 9, scannedAt }), matched } });
    expect((await upload(first, 'v-1', '2026-01-01T00:00:00.000Z', true)).status).toBe(201);
    const one = await poll(first, digest);
    expect(one).toMatchObject({ status: 200, scanId: 'v-1' });
    expect(one.etag).toMatch(/^W\/"/);
    // Twice from the cache, then with the ETag: nothing to send.
    expect((await poll(first, digest)).etag).toBe(one.etag);
    expect((await poll(first, digest, one.etag as string)).status).toBe(304);
    expect((await poll(second, digest, one.etag as string)).status).toBe(304);

    // A newer scan through the other server: the first one's cached answer is not served.
    expect((await upload(second, 'v-2', '2026-01-02T00:00:00.000Z', true)).status).toBe(201);
    const two = await poll(first, digest, one.etag as string);
    expect(two).toMatchObject({ status: 200, scanId: 'v-2' });
    expect(two.etag).not.toBe(one.etag);

    // An unmatched upload (to the server with a database): partial first, then it is matched and the version moves again.
    expect((await upload(first, 'v-3', '2026-01-03T00:00:00.000Z', false)).status).toBe(201);
    const partial = await poll(second, digest, two.etag as string);
    expect(partial.status).toBe(200);
    const matched = await waitFor(async () => {
      await first.context.reevaluator.idle();
      const answer = await poll(second, digest, partial.resultStatus === 'partial' ? (partial.etag as string) : undefined);
      return answer.status === 200 && answer.resultStatus === 'complete' ? answer : undefined;
    });
    expect(matched.scanId).toBe('v-3');
    expect(matched.etag).not.toBe(two.etag);
    expect((await poll(first, digest, matched.etag as string)).status).toBe(304);

    // A forced re-evaluation rewrites the document under the same database: served fresh (weak ETag, same meaning).
    await first.context.reevaluator.requestReevaluation({ force: true });
    await first.context.reevaluator.idle();
    const again = await poll(second, digest);
    expect(again).toMatchObject({ status: 200, scanId: 'v-3', resultStatus: 'complete' });
  });

  it('keeps 204 for a known image still processing and 404 for an unknown one, whatever If-None-Match says', async () => {
    const processing = digestFor(`${kind}-processing`);
    expect((await first.call('POST', `/api/v1/images/${processing}/processing`, { token: first.adminToken, body: {} })).status).toBe(202);
    expect((await poll(second, processing, '*')).status).toBe(204);
    expect((await poll(second, digestFor(`${kind}-unknown`), '*')).status).toBe(404);
  });
});
