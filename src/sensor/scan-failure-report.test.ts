/**
 * The sensor's report of a scan it gave up on, against a real `tollgate server` (SQLite): the
 * reason reaches the poller on one line without URL credentials or the sensor's token, and a
 * claim another sensor took over is left alone without an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../server/test-support/harness.js';
import { digestFor } from '../server/test-support/scan-results.js';
import { PlatformClient, PlatformError } from './platform-client.js';
import { reportScanFailure } from './scan-failure-report.js';

describe("the sensor's report of a failed scan", () => {
  let store: TestStore;
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    server = await startTestServer(store);
    for (const role of ['ci', 'sensor']) tokens[role] = (await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: `${role}-r`, role } })).json.token as string;
    await server.call('POST', '/api/v1/sensors/reporter/heartbeat', { token: tokens.sensor, body: { daemonId: 'daemon-R', hostname: 'host-r', version: '0.1.0', mode: 'ci' } });
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it('reaches the poller on one line, without URL credentials or the token; a claim taken over is left alone', async () => {
    const digest = digestFor('reported-failure');
    const marked = new Date(Date.now() - 1000).toISOString();
    const claimId = (await server.call('POST', `/api/v1/images/${digest}/claims`, { token: tokens.sensor, body: { sensorId: 'reporter', marker: 'tollgate_scan_target:r', requestedAt: marked } })).json.claimId as string;
    await server.call('POST', `/api/v1/images/${digest}/processing`, { token: tokens.sensor, body: {} });
    const client = new PlatformClient(server.url, tokens.sensor as string);
    const lines: string[] = [];
    const retry = { signal: new AbortController().signal, retryable: (error: unknown) => error instanceof PlatformError && error.retryable };
    const error = new Error(`fetching https://deploy:hunter2@mirror.example/blob failed\nwhile the sensor held ${tokens.sensor}`);
    await reportScanFailure(client, { digest, claimId }, error, retry, (line) => lines.push(line));
    expect(lines).toEqual([`${digest}: the scan's failure is recorded on the server`]);
    const answer = await server.call('GET', `/api/v1/images/${digest}/scan?scannedAfter=${encodeURIComponent(marked)}`, { token: tokens.ci });
    expect(answer.status).toBe(422);
    expect(answer.json.failure.reason).toBe('fetching https://[redacted]@mirror.example/blob failed\\nwhile the sensor held [redacted]');
    expect(answer.text).not.toContain('hunter2');
    expect(answer.text).not.toContain(tokens.sensor);
    lines.length = 0;
    await reportScanFailure(client, { digest, claimId: '00000000-0000-0000-0000-000000000000' }, error, retry, (line) => lines.push(line));
    expect(lines).toEqual([]);
  });
});
