/**
 * The sensors' API on both stores: registration and liveness, claims (one scan per image across
 * sensors of a daemon; a dead holder's claim expires; a re-marked image is scanned again), polling
 * by image id for an image filed under its manifest digest, and general mode's containers, events
 * and `runningOn`. Role checks and refused input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleTokens, createTestStore, startTestServer, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult } from '../test-support/scan-results.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(KINDS)('the sensors API on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await createTestStore(kind);
    server = await startTestServer(store);
    Object.assign(tokens, await createRoleTokens(server, ['ci', 'sensor', 'worker', 'viewer'], 's'));
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  const beat = (id: string, body: Record<string, unknown> = {}, token = tokens.sensor) =>
    server.call('POST', `/api/v1/sensors/${id}/heartbeat`, { token, body: { daemonId: 'daemon-A', hostname: 'host-a', version: '0.1.0', mode: 'ci', labels: { site: 'lab' }, ...body } });

  it('registers sensors and lists them live, filtered by daemon and mode; a sensor whose heartbeats stop turns stale', async () => {
    expect((await beat('s-one')).status).toBe(200);
    expect((await beat('s-fast', { intervalSeconds: 1, mode: 'general' })).status).toBe(200);
    expect((await beat('s-other', { daemonId: 'daemon-B' })).status).toBe(200);
    const listed = await server.call('GET', '/api/v1/sensors?daemonId=daemon-A&mode=ci', { token: tokens.ci });
    expect(listed.status).toBe(200);
    expect(listed.json.sensors).toHaveLength(1);
    expect(listed.json.sensors[0]).toMatchObject({ id: 's-one', daemonId: 'daemon-A', hostname: 'host-a', mode: 'ci', labels: { site: 'lab' }, live: true });
    await sleep(3300);
    const all = await server.call('GET', '/api/v1/sensors?daemonId=daemon-A', { token: tokens.viewer });
    const byId = Object.fromEntries((all.json.sensors as { id: string; live: boolean }[]).map((s) => [s.id, s.live]));
    expect(byId).toEqual({ 's-one': true, 's-fast': false });
  });

  it('lets only sensors heartbeat, claim and report; refuses bad input with the field named', async () => {
    expect((await beat('s-ci', {}, tokens.ci)).status).toBe(403);
    expect((await beat('s-worker', {}, tokens.worker)).status).toBe(403);
    expect((await server.call('GET', '/api/v1/sensors', { token: tokens.worker })).status).toBe(403);
    expect((await server.call('GET', '/api/v1/sensors')).status).toBe(401);
    const badMode = await beat('s-one', { mode: 'spy' });
    expect(badMode.status).toBe(400);
    expect(badMode.json.error.field).toMatch(/^body\.mode/);
    expect((await beat('bad%20id', {})).status).toBe(400);
    const nul = await beat('s-one', { labels: { a: 'x\u0000y' } });
    expect(nul.status).toBe(400);
    const unknown = await server.call('POST', '/api/v1/sensors/never-seen/inventory', { token: tokens.sensor, body: { images: [], containers: [] } });
    expect(unknown.status).toBe(404);
    const claimUnknown = await server.call('POST', `/api/v1/images/${digestFor('x')}/claims`, { token: tokens.sensor, body: { sensorId: 'never-seen', marker: 'm' } });
    expect(claimUnknown.status).toBe(404);
  });

  it('grants a claim to one sensor at a time, the same claim to its holder, and the image to another sensor once the holder is dead', async () => {
    const digest = digestFor('claimed-image');
    await beat('holder', { intervalSeconds: 1 });
    await beat('rival');
    const claim = (sensorId: string, requestedAt?: string) => server.call('POST', `/api/v1/images/${digest}/claims`, { token: tokens.sensor, body: { sensorId, marker: 'tollgate_scan_target:x', ...(requestedAt ? { requestedAt } : {}) } });
    const first = await claim('holder');
    expect(first.status).toBe(200);
    const refused = await claim('rival');
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/sensor holder is scanning this image/);
    const again = await claim('holder');
    expect(again.json.claimId).toBe(first.json.claimId);
    await sleep(3300);
    const takeover = await claim('rival');
    expect(takeover.status).toBe(200);
    expect(takeover.json.claimId).not.toBe(first.json.claimId);
    // The dead holder's claim is gone: completing it is 404.
    expect((await server.call('POST', `/api/v1/images/${digest}/claims/${first.json.claimId}/complete`, { token: tokens.sensor })).status).toBe(404);
    expect((await server.call('POST', `/api/v1/images/${digest}/claims/${takeover.json.claimId}/complete`, { token: tokens.sensor })).status).toBe(200);
    // Done: a sensor that saw the same mark skips it; a mark set after the scan is scanned again.
    await beat('holder', { intervalSeconds: 30 });
    const late = await claim('holder', new Date(Date.now() - 60_000).toISOString());
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('scanned');
    const remarked = await claim('holder', new Date(Date.now() + 1000).toISOString());
    expect(remarked.status).toBe(200);
  });

  it('answers the result endpoint by image id for an image filed under its manifest digest, and marks it processing by image id', async () => {
    const manifestDigest = digestFor('manifest-of-aliased');
    const imageId = digestFor('config-of-aliased');
    const result = inventoryResult({ digest: manifestDigest, packages: 5, namePool: 50, seed: 3 });
    result.image.id = imageId;
    expect((await server.call('GET', `/api/v1/images/${imageId}/scan`, { token: tokens.ci })).status).toBe(404);
    const upload = await server.call('PUT', '/api/v1/scans/aliased-1', { token: tokens.sensor, body: { result, matched: false } });
    expect(upload.status).toBe(201);
    expect(upload.json.digest).toBe(manifestDigest);
    const byId = await server.call('GET', `/api/v1/images/${imageId}/scan`, { token: tokens.ci });
    expect(byId.status).toBe(200);
    expect(byId.json).toMatchObject({ scanId: 'aliased-1', status: 'partial' });
    const marked = await server.call('POST', `/api/v1/images/${imageId}/processing`, { token: tokens.sensor, body: {} });
    expect(marked.json.digest).toBe(manifestDigest);
    const after = await server.call('GET', `/api/v1/images/${imageId}/scan?scannedAfter=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}`, { token: tokens.ci });
    expect(after.status).toBe(204);
    const image = await server.call('GET', `/api/v1/images/${imageId}`, { token: tokens.viewer });
    expect(image.json.digest).toBe(manifestDigest);
  });

  it('records a daemon inventory and its events, and tells where an image runs', async () => {
    const imageId = digestFor('running-image');
    const result = inventoryResult({ digest: imageId, packages: 3, namePool: 50, seed: 4 });
    expect((await server.call('PUT', '/api/v1/scans/running-1', { token: tokens.sensor, body: { result, matched: false } })).status).toBe(201);
    await beat('general-1', { mode: 'general', daemonId: 'daemon-G', hostname: 'docker-host-g' });
    const inventory = {
      images: [{ id: imageId, tags: ['app:1'] }],
      containers: [
        { id: 'c1', name: 'web', image: 'app:1', imageId, state: 'running', ports: [{ privatePort: 80, publicPort: 8080, type: 'tcp' }], labels: { tier: 'front' } },
        { id: 'c2', name: 'other', image: 'busybox', imageId: digestFor('busybox'), state: 'exited' },
      ],
    };
    expect((await server.call('POST', '/api/v1/sensors/general-1/inventory', { token: tokens.sensor, body: inventory })).status).toBe(200);
    const image = await server.call('GET', `/api/v1/images/${imageId}`, { token: tokens.viewer });
    expect(image.json.runningOn).toEqual([{ sensorId: 'general-1', daemonId: 'daemon-G', hostname: 'docker-host-g', containers: [{ id: 'c1', name: 'web', state: 'running', image: 'app:1' }] }]);
    // A new inventory replaces the old one: the container is gone.
    await server.call('POST', '/api/v1/sensors/general-1/inventory', { token: tokens.sensor, body: { images: [], containers: [] } });
    expect((await server.call('GET', `/api/v1/images/${imageId}`, { token: tokens.viewer })).json.runningOn).toEqual([]);
    const events = [
      { id: '1-pull-app', type: 'pull', at: '2026-01-01T00:00:00Z', image: 'app:1' },
      { id: '2-start-c1', type: 'start', at: '2026-01-01T00:00:01Z', container: 'c1', image: 'app:1' },
    ];
    const sent = await server.call('POST', '/api/v1/sensors/general-1/events', { token: tokens.sensor, body: events });
    expect(sent.json).toEqual({ received: 2, stored: 2 });
    expect((await server.call('POST', '/api/v1/sensors/general-1/events', { token: tokens.sensor, body: events })).json).toEqual({ received: 2, stored: 0 });
    const listed = await server.call('GET', '/api/v1/sensors/general-1/events', { token: tokens.ci });
    expect(listed.json.events).toEqual([
      { type: 'start', at: '2026-01-01T00:00:01.000Z', container: 'c1', image: 'app:1' },
      { type: 'pull', at: '2026-01-01T00:00:00.000Z', image: 'app:1' },
    ]);
    const badType = await server.call('POST', '/api/v1/sensors/general-1/events', { token: tokens.sensor, body: [{ type: 'exec', at: '2026-01-01T00:00:00Z' }] });
    expect(badType.status).toBe(400);
  });
});
