/**
 * History by pipeline through the API, on both stores: uploads carrying pipeline metadata, the
 * baseline of a repository and branch (its last passing scan, readable as the CLI's --baseline
 * file), the build-by-build trend with new and fixed findings, and the dashboard summary.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../../config/baseline-file.js';
import { baselineKey } from '../../gate/baseline.js';
import type { ScanResult } from '../../model/image-scan.js';
import { emptySeverityCounts } from '../../model/severity.js';
import { generateDatabase } from '../../vulndb/test-support/generate.js';
import { openVulnDatabase, type VulnDatabase } from '../../vulndb/database.js';
import { createTestStore, startTestServer, type JsonBody, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, matchedResult } from '../test-support/scan-results.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

function severities(result: ScanResult): Record<string, number> {
  const counts = emptySeverityCounts();
  for (const finding of result.findings) counts[finding.severity] += 1;
  return counts;
}

describe.each(KINDS)('pipeline history on %s', (kind) => {
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
    for (const role of ['ci', 'sensor', 'viewer']) tokens[role] = (await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: `${role}-1`, role } })).json.token as string;
  });

  afterAll(async () => {
    vulndb?.close();
    await server?.close();
    await store?.dispose();
  });

  const upload = (scanId: string, result: ScanResult, pipeline?: Record<string, unknown>): ReturnType<TestServer['call']> =>
    server.call('PUT', `/api/v1/scans/${scanId}`, { token: tokens.sensor, body: { result, ...(pipeline ? { pipeline } : {}) } });

  it('answers the last passing scan of a repository and branch as a baseline the CLI reads', async () => {
    const repo = `acme/shop-${kind}`;
    const passing = matchedResult({ digest: digestFor(`${kind}-b1`), packages: 40, namePool: 200, seed: 31, scannedAt: '2026-03-01T00:00:00.000Z' }, vulndb);
    const failing = matchedResult({ digest: digestFor(`${kind}-b2`), packages: 40, namePool: 200, seed: 32, scannedAt: '2026-03-02T00:00:00.000Z' }, vulndb);
    const unreported = matchedResult({ digest: digestFor(`${kind}-b3`), packages: 40, namePool: 200, seed: 33, scannedAt: '2026-03-03T00:00:00.000Z' }, vulndb);
    const otherBranch = matchedResult({ digest: digestFor(`${kind}-b4`), packages: 40, namePool: 200, seed: 34, scannedAt: '2026-03-04T00:00:00.000Z' }, vulndb);
    expect((await upload('base-1', passing, { repository: repo, branch: 'main', buildNumber: 41, jobName: 'build', gatePassed: true })).status).toBe(201);
    expect((await upload('base-2', failing, { repository: repo, branch: 'main', buildNumber: '42', gatePassed: false })).status).toBe(201);
    expect((await upload('base-3', unreported, { repository: repo, branch: 'main' })).status).toBe(201);
    expect((await upload('base-4', otherBranch, { repository: repo, branch: 'feature/x', gatePassed: true })).status).toBe(201);
    const query = (branch: string): string => `/api/v1/baselines?repository=${encodeURIComponent(repo)}&branch=${encodeURIComponent(branch)}`;
    const baseline = await server.call('GET', query('main'), { token: tokens.ci });
    expect(baseline.status).toBe(200);
    expect(baseline.json).toEqual(passing);
    expect(baseline.headers.get('x-tollgate-scan-id')).toBe('base-1');
    expect(baseline.headers.get('x-tollgate-build-number')).toBe('41');
    const read = parseBaseline(baseline.text, 'server');
    expect(read.keys).toEqual(new Set(passing.findings.map(baselineKey)));
    expect((await server.call('GET', query('feature/x'), { token: tokens.viewer })).json).toEqual(otherBranch);
    const none = await server.call('GET', query('release'), { token: tokens.ci });
    expect(none.status).toBe(404);
    expect(none.json.error.field).toBe('querystring.branch');
    expect((await server.call('GET', `/api/v1/baselines?repository=${encodeURIComponent(repo)}`, { token: tokens.ci })).json.error.field).toBe('querystring.branch');
    // A repeated upload under the same scan id stores nothing new, not even another pipeline.
    const again = await upload('base-1', passing, { repository: repo, branch: 'release', gatePassed: true });
    expect(again.status).toBe(200);
    expect((await server.call('GET', query('release'), { token: tokens.ci })).status).toBe(404);
  });

  it("takes a pipeline's report on a scan a sensor uploaded: the baseline follows the gate outcome, the report is audited", async () => {
    const repo = `acme/reported-${kind}`;
    const query = `/api/v1/baselines?repository=${encodeURIComponent(repo)}&branch=main`;
    const result = matchedResult({ digest: digestFor(`${kind}-reported`), packages: 20, namePool: 200, seed: 38 }, vulndb);
    expect((await upload('reported-1', result)).status).toBe(201);
    expect((await server.call('GET', query, { token: tokens.ci })).status).toBe(404);
    const report = (pipeline: Record<string, unknown>, scanId = 'reported-1'): ReturnType<TestServer['call']> => server.call('PUT', `/api/v1/scans/${scanId}/pipeline`, { token: tokens.ci, body: pipeline });
    expect((await report({ repository: repo, branch: 'main', buildNumber: '7', gatePassed: true })).status).toBe(200);
    const baseline = await server.call('GET', query, { token: tokens.ci });
    expect(baseline.headers.get('x-tollgate-scan-id')).toBe('reported-1');
    expect(baseline.json).toEqual(result);
    // A later report replaces the first: the gate failed after all.
    expect((await report({ repository: repo, branch: 'main', buildNumber: '7', gatePassed: false })).status).toBe(200);
    expect((await server.call('GET', query, { token: tokens.ci })).status).toBe(404);
    const unknown = await report({ repository: repo, branch: 'main' }, 'no-such-scan');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.field).toBe('params.scanId');
    expect((await server.call('PUT', '/api/v1/scans/reported-1/pipeline', { token: tokens.viewer, body: { repository: repo, branch: 'main' } })).status).toBe(403);
    const audit = await server.call('GET', '/api/v1/audit', { token: server.adminToken });
    expect(audit.json.entries.map((entry: { token: string; action: string; target: string }) => `${entry.token} ${entry.action} ${entry.target}`)).toContain(`ci-1 scan.pipeline reported-1 ${repo} main gate failed`);
  });

  it('refuses bad pipeline metadata naming the field, and stores nothing', async () => {
    const result = matchedResult({ digest: digestFor(`${kind}-bad-pipeline`), packages: 5, namePool: 200, seed: 35 }, vulndb);
    const cases: [Record<string, unknown>, string][] = [
      [{ branch: 'main' }, 'body.pipeline.repository'],
      [{ repository: 'a', branch: '' }, 'body.pipeline.branch'],
      [{ repository: 'a', branch: 'main', gatePassed: 'yes' }, 'body.pipeline.gatePassed'],
      [{ repository: 'a\nb', branch: 'main' }, 'body.pipeline.repository'],
      [{ repository: 'a', branch: 'main', extra: 1 }, 'body.pipeline.extra'],
    ];
    for (const [pipeline, field] of cases) {
      const answer = await upload('bad-pipeline-1', result, pipeline);
      expect(answer.status, JSON.stringify(pipeline)).toBe(400);
      expect(answer.json.error.field, JSON.stringify(pipeline)).toBe(field);
    }
    expect((await server.call('GET', `/api/v1/images/${digestFor(`${kind}-bad-pipeline`)}`, { token: tokens.ci })).status).toBe(404);
  });

  it('shows the trend build by build: severity counts, new and fixed against the build before', async () => {
    const repo = `acme/trend-${kind}`;
    const full = matchedResult({ digest: digestFor(`${kind}-t`), packages: 80, namePool: 200, seed: 36 }, vulndb);
    const keys = [...new Set(full.findings.map(baselineKey))];
    expect(keys.length).toBeGreaterThan(6);
    const having = (chosen: string[]): ScanResult['findings'] => full.findings.filter((finding) => chosen.includes(baselineKey(finding)));
    // Build 1: all but the last two flaws; build 2: the first two fixed, the last two new; build 3: the same as 2.
    const builds = [keys.slice(0, -2), keys.slice(2), keys.slice(2)].map((chosen, index) => ({ ...full, image: { ...full.image, manifestDigest: digestFor(`${kind}-t${index}`) }, scannedAt: `2026-04-0${index + 1}T00:00:00.000Z`, findings: having(chosen) }));
    for (const [index, build] of builds.entries()) await upload(`trend-${index}`, build, { repository: repo, branch: 'main', buildNumber: index + 1 });
    await upload('trend-other', full, { repository: repo, branch: 'dev' });
    const trend = await server.call('GET', `/api/v1/trend?repository=${encodeURIComponent(repo)}&branch=main`, { token: tokens.viewer });
    expect(trend.status).toBe(200);
    expect(trend.json.builds.map((build: JsonBody) => [build.scanId, build.pipeline.buildNumber, build.previousScanId, build.new, build.fixed])).toEqual([
      ['trend-0', '1', null, null, null],
      ['trend-1', '2', 'trend-0', 2, 2],
      ['trend-2', '3', 'trend-1', 0, 0],
    ]);
    expect(trend.json.builds.map((build: JsonBody) => build.bySeverity)).toEqual(builds.map(severities));
    expect(trend.json.builds[1].findings).toBe(builds[1]?.findings.length);
    // A shorter window still compares its first build with the one before it.
    const last = await server.call('GET', `/api/v1/trend?repository=${encodeURIComponent(repo)}&branch=main&limit=2`, { token: tokens.ci });
    expect(last.json.builds.map((build: JsonBody) => [build.scanId, build.new])).toEqual([['trend-1', 2], ['trend-2', 0]]);
    expect((await server.call('GET', `/api/v1/trend?repository=${encodeURIComponent(repo)}&branch=none`, { token: tokens.ci })).json.builds).toEqual([]);
    expect((await server.call('GET', `/api/v1/trend?repository=${encodeURIComponent(repo)}&branch=main&limit=0`, { token: tokens.ci })).json.error.field).toBe('querystring.limit');
  });

  it('keeps a scan and its pipeline together: retention deletes both', async () => {
    const repo = `acme/retained-${kind}`;
    const digest = digestFor(`${kind}-retained`);
    for (let day = 1; day <= 3; day++) {
      const result = matchedResult({ digest, packages: 10, namePool: 200, seed: 37, scannedAt: `2026-05-0${day}T00:00:00.000Z` }, vulndb);
      await upload(`retained-${day}`, result, { repository: repo, branch: 'main', gatePassed: day === 1 });
    }
    expect((await server.call('POST', '/api/v1/retention', { token: server.adminToken, body: { keepPerImage: 1 } })).status).toBe(200);
    const trend = await server.call('GET', `/api/v1/trend?repository=${encodeURIComponent(repo)}&branch=main`, { token: tokens.ci });
    expect(trend.json.builds.map((build: JsonBody) => build.scanId)).toEqual(['retained-3']);
    expect((await server.call('GET', `/api/v1/baselines?repository=${encodeURIComponent(repo)}&branch=main`, { token: tokens.ci })).status).toBe(404);
  });
});

describe.each(KINDS)('the dashboard on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  let vulndb: VulnDatabase;

  beforeAll(async () => {
    store = await createTestStore(kind);
    const vulndbFile = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndbFile, 1500, 200, 7);
    vulndb = openVulnDatabase(vulndbFile);
    // Without a database of its own the server never re-matches the hand-shaped uploads in the background.
    server = await startTestServer(store);
  });

  afterAll(async () => {
    vulndb?.close();
    await server?.close();
    await store?.dispose();
  });

  it('counts images by highest severity and findings by severity, and says what changed since a time', async () => {
    const dashboard = (query = ''): Promise<JsonBody> => server.call('GET', `/api/v1/dashboard${query}`, { token: server.adminToken }).then((answer) => answer.json);
    const empty = await dashboard();
    expect(empty.images).toEqual({ total: 0, vulnerable: 0, byHighestSeverity: { ...emptySeverityCounts(), NONE: 0 } });
    const old = matchedResult({ digest: digestFor(`${kind}-d-old`), tags: ['shop/old:1'], packages: 60, namePool: 200, seed: 41 }, vulndb);
    const clean = matchedResult({ digest: digestFor(`${kind}-d-clean`), packages: 0, namePool: 200, seed: 42 }, vulndb);
    await server.call('PUT', '/api/v1/scans/d-old', { token: server.adminToken, body: { result: old } });
    await server.call('PUT', '/api/v1/scans/d-clean', { token: server.adminToken, body: { result: clean } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const fresh = matchedResult({ digest: digestFor(`${kind}-d-new`), tags: ['shop/new:1'], packages: 60, namePool: 200, seed: 43 }, vulndb);
    await server.call('PUT', '/api/v1/scans/d-new', { token: server.adminToken, body: { result: fresh } });
    const highest = (result: ScanResult): string => ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN'].find((severity) => result.findings.some((finding) => finding.severity === severity)) as string;
    const summary = await dashboard(`?since=${encodeURIComponent(between)}&days=3`);
    const expectedHighest = { ...emptySeverityCounts(), NONE: 1 } as Record<string, number>;
    for (const result of [old, fresh]) expectedHighest[highest(result)] = (expectedHighest[highest(result)] ?? 0) + 1;
    expect(summary.images).toEqual({ total: 3, vulnerable: 2, byHighestSeverity: expectedHighest });
    const bySeverity = emptySeverityCounts();
    for (const finding of [...old.findings, ...fresh.findings]) bySeverity[finding.severity] += 1;
    expect(summary.findings).toEqual({ total: old.findings.length + fresh.findings.length, bySeverity });
    expect(summary.changes).toMatchObject({ since: between, findingsAppeared: fresh.findings.length, appearedBySeverity: severities(fresh), imagesWithNewFindings: 1 });
    expect(summary.changes.newlyVulnerable).toEqual([{ digest: digestFor(`${kind}-d-new`), tags: ['shop/new:1'], findings: fresh.findings.length, highestSeverity: highest(fresh) }]);
    expect(summary.trend.map((point: JsonBody) => point.day)).toEqual([2, 1, 0].map((back) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10)));
    expect(summary.trend[2]).toMatchObject({ openFindings: bySeverity, vulnerableImages: 2, appeared: old.findings.length + fresh.findings.length });
    expect(summary.trend[0]).toMatchObject({ openFindings: emptySeverityCounts(), vulnerableImages: 0, appeared: 0 });
    // The default window is the last 24 hours: both images appeared in it.
    expect((await dashboard()).changes.newlyVulnerable).toHaveLength(2);
  });
});
