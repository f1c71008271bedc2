/**
 * A claimed scan that failed for good, on both stores: the sensor's report on its claim, the result
 * endpoint's 422 `scan_failed` for a poller whose mark came before it (never for a later mark), the
 * reason bounded and without URL secrets, a new claim (the image marked again, or another sensor)
 * and a scan clearing it, and the report's refusals (role, unknown or completed claim, bad reason).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURE_REASON_CHARS } from '../../util/failure-reason.js';
import { createRoleTokens, createTestStore, startTestServer, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult } from '../test-support/scan-results.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(KINDS)('scan failures on claims, on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await createTestStore(kind);
    server = await startTestServer(store);
    Object.assign(tokens, await createRoleTokens(server, ['ci', 'sensor'], 'f'));
    for (const sensorId of ['giver-up', 'other']) {
      const beat = await server.call('POST', `/api/v1/sensors/${sensorId}/heartbeat`, { token: tokens.sensor, body: { daemonId: 'daemon-F', hostname: 'host-f', version: '0.1.0', mode: 'ci' } });
      expect(beat.status).toBe(200);
    }
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  const claim = (digest: string, sensorId: string, requestedAt?: string) =>
    server.call('POST', `/api/v1/images/${digest}/claims`, { token: tokens.sensor, body: { sensorId, marker: 'tollgate_scan_target:f', ...(requestedAt ? { requestedAt } : {}) } });
  const fail = (digest: string, claimId: string, reason: string, token = tokens.sensor) => server.call('POST', `/api/v1/images/${digest}/claims/${claimId}/failure`, { token, body: { reason } });
  const poll = (digest: string, scannedAfter?: string) => server.call('GET', `/api/v1/images/${digest}/scan${scannedAfter ? `?scannedAfter=${encodeURIComponent(scannedAfter)}` : ''}`, { token: tokens.ci });
  /** A time strictly after every write so far (the store's times are milliseconds). */
  const now = async (): Promise<string> => {
    await sleep(5);
    const time = new Date().toISOString();
    await sleep(5);
    return time;
  };

  it('answers 422 scan_failed with the reason to a poller that marked before the failure, and 204 to one that marked after', async () => {
    const digest = digestFor(`${kind}-failed-for-good`);
    const marked = await now();
    const claimed = await claim(digest, 'giver-up', marked);
    expect(claimed.status).toBe(200);
    expect((await server.call('POST', `/api/v1/images/${digest}/processing`, { token: tokens.sensor, body: { tags: ['app:1'] } })).status).toBe(202);
    expect((await poll(digest, marked)).status).toBe(204);
    const reported = await fail(digest, claimed.json.claimId, 'reading the image export failed: unexpected end of file (attempt 3 of 3)');
    expect(reported.status).toBe(200);
    expect(reported.json).toEqual({ digest, claimId: claimed.json.claimId, failed: true });
    const answer = await poll(digest, marked);
    expect(answer.status).toBe(422);
    expect(answer.json.error).toEqual({ code: 'scan_failed', message: 'sensor giver-up could not scan this image: reading the image export failed: unexpected end of file (attempt 3 of 3)' });
    expect(answer.json.failure).toMatchObject({ sensorId: 'giver-up', marker: 'tollgate_scan_target:f', reason: 'reading the image export failed: unexpected end of file (attempt 3 of 3)' });
    expect(Date.parse(answer.json.failure.failedAt)).toBeGreaterThan(Date.parse(marked));
    expect((await poll(digest)).status).toBe(422);
    // A mark set after the failure is not failed by it: the image is known, its new scan pending.
    expect((await poll(digest, await now())).status).toBe(204);
  });

  it('clears the failure when the image is claimed again, by its sensor or another, and when a scan arrives', async () => {
    const digest = digestFor(`${kind}-failed-then-retried`);
    const marked = await now();
    const first = await claim(digest, 'giver-up', marked);
    await server.call('POST', `/api/v1/images/${digest}/processing`, { token: tokens.sensor, body: {} });
    expect((await fail(digest, first.json.claimId, 'first failure')).status).toBe(200);
    expect((await poll(digest, marked)).status).toBe(422);
    // Marked again: the same sensor renews its claim (same id) and the failure is gone.
    const renewed = await claim(digest, 'giver-up', await now());
    expect(renewed.json).toMatchObject({ claimed: true, claimId: first.json.claimId, renewed: true });
    expect((await poll(digest, marked)).status).toBe(204);
    // Failed again: a failed claim holds nothing, so another live sensor is granted the image.
    expect((await fail(digest, first.json.claimId, 'second failure')).status).toBe(200);
    expect((await poll(digest, marked)).json.failure.reason).toBe('second failure');
    const taken = await claim(digest, 'other');
    expect(taken.status).toBe(200);
    expect(taken.json.claimId).not.toBe(first.json.claimId);
    expect((await poll(digest, marked)).status).toBe(204);
    // The old claim is gone: its report is 404. The new one fails, then a scan after the mark answers instead.
    expect((await fail(digest, first.json.claimId, 'late')).status).toBe(404);
    expect((await fail(digest, taken.json.claimId, 'third failure')).status).toBe(200);
    expect((await poll(digest, marked)).status).toBe(422);
    const scan = inventoryResult({ digest, packages: 3, namePool: 20, seed: 5, scannedAt: await now() });
    expect((await server.call('PUT', '/api/v1/scans/failure-then-scan', { token: tokens.sensor, body: { result: scan, matched: false } })).status).toBe(201);
    expect((await poll(digest, marked)).json).toMatchObject({ status: 'partial', scanId: 'failure-then-scan' });
    // Completing the claim clears the failure for good: a poller asking for a later scan waits (204).
    expect((await server.call('POST', `/api/v1/images/${digest}/claims/${taken.json.claimId}/complete`, { token: tokens.sensor })).status).toBe(200);
    expect((await poll(digest, scan.scannedAt)).status).toBe(204);
    expect((await fail(digest, taken.json.claimId, 'after completion')).status).toBe(409);
  });

  it('stores the reason on one line, bounded and without URL credentials; refuses control characters, an oversize reason and other roles', async () => {
    const digest = digestFor(`${kind}-failure-reason`);
    const marked = await now();
    const claimed = await claim(digest, 'giver-up', marked);
    await server.call('POST', `/api/v1/images/${digest}/processing`, { token: tokens.sensor, body: {} });
    const id = claimed.json.claimId as string;
    const multiLine = await fail(digest, id, 'line one\nline two');
    expect(multiLine.status).toBe(400);
    expect(multiLine.json.error.field).toMatch(/^body\.reason/);
    expect((await fail(digest, id, 'x'.repeat(MAX_FAILURE_REASON_CHARS + 1))).status).toBe(400);
    expect((await fail(digest, id, '')).status).toBe(400);
    expect((await fail(digest, id, 'refused', tokens.ci)).status).toBe(403);
    expect((await server.call('POST', `/api/v1/images/${digest}/claims/${id}/failure`, { body: { reason: 'no token' } })).status).toBe(401);
    expect((await fail(digest, '00000000-0000-0000-0000-000000000000', 'no such claim')).status).toBe(404);
    expect((await fail(digest, id, 'pulling https://deploy:hunter2@registry.example/v2/app failed \u009b2J with \u202e reversed')).status).toBe(200);
    const answer = await poll(digest, marked);
    expect(answer.status).toBe(422);
    expect(answer.json.failure.reason).toBe('pulling https://[redacted]@registry.example/v2/app failed \\x9b2J with \\u{202e} reversed');
    expect(JSON.stringify(answer.json)).not.toContain('hunter2');
  });
});
