/**
 * What the web UI's browser tests share: the client bundle built fresh, a real `tollgate server`
 * in a child process on loopback (SQLite in a temporary folder) seeded with scan results through
 * its API, Debian's Chromium driven by playwright-core, and a page that records every console
 * error and uncaught exception (a Content-Security-Policy violation is a console error).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebUi } from '../../../../scripts/build-web-ui.mjs';
import { CHROMIUM } from '../../../../test/support/browser.js';
import { sampleScan, scanOf } from '../../../../test/support/scan-fixtures.js';
import type { ScanResult } from '../../../model/image-scan.js';
import { builtinPolicies } from '../../../compliance/policy/load-policy.js';
import { runComplianceJob } from '../../../jobs/compliance-job.js';
import { startChildServer, type ChildServer } from '../../test-support/child-server.js';
import { TEST_ADMIN_TOKEN } from '../../test-support/harness.js';

export const SCREENSHOTS = path.resolve('docs', 'screenshots');
/** Screenshots are rewritten only when asked, so CI never changes committed files. */
export const UPDATE_SCREENSHOTS = process.env.TOLLGATE_UPDATE_SCREENSHOTS === '1';

export const APP_DIGEST = `sha256:${'d'.repeat(64)}`;
export const BASE_DIGEST = `sha256:${'e'.repeat(64)}`;

export interface UiSession {
  server: ChildServer;
  browser: Browser;
  adminToken: string;
  viewerToken: string;
  /**
   * A page with its console errors and uncaught exceptions recorded (`problems`), and apart from
   * them the API answers of 400 and above (`failed`, as `status path`), which some tests expect.
   */
  newPage(): Promise<{ page: Page; problems: string[]; failed: string[] }>;
  api(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

function appScan(): ScanResult {
  return { ...sampleScan(), scannedAt: new Date().toISOString() };
}

function baseScan(): ScanResult {
  const sample = sampleScan();
  const debianOnly = sample.packages.filter((pkg) => pkg.type === 'deb');
  const findings = sample.findings.filter((finding) => finding.package.type === 'deb');
  return { ...scanOf(debianOnly, findings, { manifestDigest: BASE_DIGEST, id: `sha256:${'f'.repeat(64)}`, repoTags: ['example/base:12'], reference: 'example/base:12' }), scannedAt: new Date().toISOString() };
}

export async function startUiSession(): Promise<UiSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  await buildWebUi();
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-ui-'));
  await mkdir(path.join(dir, 'data'));
  const server = await startChildServer({ host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data'), retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN, secretKey: randomBytes(32).toString('base64') });
  const api: UiSession['api'] = async (method, url, body, token = TEST_ADMIN_TOKEN) => {
    const response = await fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const tokenFor = async (name: string, role: string): Promise<string> => {
    const created = await api('POST', '/api/v1/tokens', { name, role });
    if (created.status !== 201) throw new Error(`cannot create the ${role} token: ${JSON.stringify(created.json)}`);
    return (created.json as { token: string }).token;
  };
  const sensorToken = await tokenFor('ui-test-sensor', 'sensor');
  const viewerToken = await tokenFor('ui-test-viewer', 'viewer');
  for (const [scanId, result] of [['ui-base-1', baseScan()], ['ui-app-1', appScan()]] as const) {
    const stored = await api('PUT', `/api/v1/scans/${scanId}`, { result }, sensorToken);
    if (stored.status !== 201) throw new Error(`cannot seed ${scanId}: ${JSON.stringify(stored.json)}`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    server,
    browser,
    adminToken: TEST_ADMIN_TOKEN,
    viewerToken,
    api,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const failed: string[] = [];
      page.on('console', (message) => {
        // A failed request is reported as a console error too; those are listed in `failed`.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
      });
      return { page, problems, failed };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Many more images than a page holds, announced after everything seeded before them (so those are
 * no longer among the most recently seen): `filler/image-0001:1`, ... through the sensors'
 * processing route, a few at a time. Returns their digests, newest last.
 */
export async function seedManyImages(session: UiSession, count: number): Promise<string[]> {
  const sensorToken = ((await session.api('POST', '/api/v1/tokens', { name: 'ui-test-bulk-sensor', role: 'sensor' })).json as { token: string }).token;
  const digests: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, (_, index) => start + index + 1);
    await Promise.all(
      batch.map(async (n) => {
        const digest = `sha256:${createHash('sha256').update(`filler-${n}`).digest('hex')}`;
        const answer = await session.api('POST', `/api/v1/images/${digest}/processing`, { tags: [`filler/image-${String(n).padStart(4, '0')}:1`] }, sensorToken);
        if (answer.status !== 202) throw new Error(`cannot seed image ${n}: ${answer.status} ${JSON.stringify(answer.json)}`);
      }),
    );
    for (const n of batch) digests.push(`sha256:${createHash('sha256').update(`filler-${n}`).digest('hex')}`);
  }
  return digests;
}

/** Logs in through the form, as a user would. */
export async function logIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/#/login`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  // Loaded, not just begun: its requests are answered before the test goes on.
  await page.locator('section[aria-labelledby="dash-trend"]').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (UPDATE_SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `server-${name}.png`), fullPage: true });
}

/** What the page keeps in its tab's sessionStorage (the tests run without the DOM's types). */
export function storedValues(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const storage = (globalThis as unknown as { sessionStorage: { length: number; key(index: number): string | null; getItem(key: string): string | null } }).sessionStorage;
    return Array.from({ length: storage.length }, (_, index) => storage.getItem(storage.key(index) ?? '') ?? '');
  });
}

/** The password of the seeded authentication record: it must never reach a UI page. */
export const AUTH_RECORD_PASSWORD = 'ui-test-password-never-shown';

/**
 * A finished compliance scan of host `web-1`, made the way a worker makes one: the host, an
 * authentication record and a scan through the API, a worker's heartbeat and lease, and the result
 * of the engine's real compliance job over a small root filesystem (the built-in ssh-server policy).
 */
export async function seedHostScan(session: UiSession): Promise<{ scanId: string }> {
  const token = async (name: string, role: string): Promise<string> => ((await session.api('POST', '/api/v1/tokens', { name, role })).json as { token: string }).token;
  const ci = await token('ui-test-ci', 'ci');
  const worker = await token('ui-test-worker', 'worker');
  const expect201 = async (method: string, url: string, body: unknown, as: string): Promise<unknown> => {
    const answer = await session.api(method, url, body, as);
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  };
  await expect201('PUT', '/api/v1/hosts/web-1', { address: '127.0.0.1', labels: { env: 'test' } }, ci);
  await expect201('PUT', '/api/v1/auth-records/ui-unix', { type: 'unix', user: 'deploy', password: AUTH_RECORD_PASSWORD }, ci);
  const scan = (await expect201('POST', '/api/v1/compliance-scans', { name: 'nightly web-1', host: 'web-1', scanner: 'External', authRecord: 'ui-unix', policies: ['ssh-server'] }, ci)) as { id: string };
  await expect201('POST', '/api/v1/scanners/External/workers/ui-worker-1/heartbeat', { hostname: 'scanner-host', version: '0.1.0' }, worker);
  const lease = (await expect201('POST', '/api/v1/scanners/External/lease', { workerId: 'ui-worker-1', leaseSeconds: 60 }, worker)) as { leaseToken: string };
  const root = await mkdtemp(path.join(tmpdir(), 'tollgate-ui-root-'));
  try {
    await mkdir(path.join(root, 'etc/ssh'), { recursive: true });
    await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
    await writeFile(path.join(root, 'usr/sbin/sshd'), '');
    await writeFile(path.join(root, 'etc/ssh/sshd_config'), 'PermitRootLogin yes\nPasswordAuthentication no\n');
    const policies = builtinPolicies().filter((policy) => policy.id === 'ssh-server');
    const { result } = await runComplianceJob(`dir:${root}`, policies, { scanName: 'nightly web-1' });
    await expect201('PUT', `/api/v1/compliance-scans/${scan.id}/result`, { leaseToken: lease.leaseToken, result: { ...result, target: { ...result.target, name: 'web-1' } } }, worker);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return { scanId: scan.id };
}
