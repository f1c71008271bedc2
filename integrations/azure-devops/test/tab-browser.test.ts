/**
 * The built results tab in Debian's Chromium (playwright-core), framed by a stub of the Azure
 * DevOps host (test/browser/stub-host.js) that speaks the extension SDK's handshake, and a loopback
 * server standing in for the Build REST API: it lists the build's Tollgate attachments (one of
 * them gone: 404) and serves them only with the host's token. The tab must render both scans with
 * their tabs, filter, show hostile text as text, and tell the host it loaded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../../test/support/browser.js';
import { startServer, type Route, type TestServer } from '../../../test/support/http-server.js';
import { buildExtension, EXTENSION_ROOT } from '../scripts/build.mjs';
import { complianceDocument, imageDocument } from './support/documents.js';

const HOSTILE = '<img src=x onerror="window.hacked=1">';

let browser: Browser;
let server: TestServer;
let built: string;
let page: Page;
let tab: FrameLocator;
const pageErrors: string[] = [];
const unauthorized: string[] = [];

function authorized(body: string, type = 'application/json'): Route {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization !== 'Bearer stub-token') {
      unauthorized.push(request.url ?? '');
      response.writeHead(401).end();
      return;
    }
    response.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*' }).end(body);
  };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-tab-'));
  await buildExtension(built);
  const image = imageDocument();
  image.scan.findings[0]!.title = HOSTILE;
  const base = '/acme/proj-1/_apis/build/builds/42';
  const link = (name: string, type: string) => ({ name, _links: { self: { href: `http://127.0.0.1:${'PORT'}${base}/timeline/record/attachments/${type}/${name}` } } });
  const routes: Record<string, Route> = {
    '/host.html': readFileSync(path.join(EXTENSION_ROOT, 'test/browser/host.html')),
    '/stub-host.js': readFileSync(path.join(EXTENSION_ROOT, 'test/browser/stub-host.js')),
    '/ext/tab/tab.html': readFileSync(path.join(built, 'tab/tab.html')),
    '/ext/tab/tab.js': readFileSync(path.join(built, 'tab/tab.js')),
    '/ext/tab/tab.css': readFileSync(path.join(built, 'tab/tab.css')),
    [`${base}/timeline/record/attachments/tollgate-image-scan/task-1.1.cccccccccccc`]: authorized(JSON.stringify(image), 'application/octet-stream'),
    [`${base}/timeline/record/attachments/tollgate-compliance-scan/task-2.compliance`]: authorized(JSON.stringify(complianceDocument({ jobId: 'job-1', taskInstanceId: 'task-2' })), 'application/octet-stream'),
  };
  server = await startServer(routes);
  const port = new URL(server.url).port;
  const list = (entries: object[]) => authorized(JSON.stringify({ count: entries.length, value: entries }).replaceAll('PORT', port));
  routes[`${base}/attachments/tollgate-image-scan`] = list([link('task-1.1.cccccccccccc', 'tollgate-image-scan'), link('task-1.2.gone', 'tollgate-image-scan')]);
  routes[`${base}/attachments/tollgate-compliance-scan`] = list([link('task-2.compliance', 'tollgate-compliance-scan')]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/host.html`);
  tab = page.frameLocator('#tab');
  await tab.locator('article.scan').nth(1).waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (built) rmSync(built, { recursive: true, force: true });
});

const rows = (scan: number, panel: string) => tab.locator('article.scan').nth(scan).locator(`div.panel[data-tab="${panel}"] tbody tr`);

describe('the results tab in Chromium under a stub host', () => {
  it('renders the image and the compliance scan, skipping the attachment that is gone, and tells the host it loaded', async () => {
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { hostEvents: string[] }).hostEvents)).toContain('notifyLoadSucceeded');
    expect(await tab.locator('article.scan h2').allTextContents()).toEqual(['Image example/app:1', 'Compliance dir:/srv/rootfs']);
    expect(await tab.locator('article.scan .status').allTextContents()).toEqual(['failed', 'failed']);
    expect(await tab.locator('.notice').count()).toBe(0);
    expect(server.requests).toContain('/acme/proj-1/_apis/build/builds/42/timeline/record/attachments/tollgate-image-scan/task-1.2.gone');
    expect(unauthorized).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("shows the image report's tabs, switches between them and filters vulnerabilities by severity", async () => {
    const image = tab.locator('article.scan').nth(0);
    expect(await image.locator('nav.tabs button').allTextContents()).toEqual(['Build Summary', 'Image Statistics', 'Vulnerabilities', 'Installed Software', 'Layers']);
    expect(await image.locator('div.panel[data-tab="vulnerabilities"]').isVisible()).toBe(false);
    await image.locator('nav.tabs button[data-tab="vulnerabilities"]').click();
    expect(await image.locator('div.panel[data-tab="vulnerabilities"]').isVisible()).toBe(true);
    expect(await image.locator('div.panel[data-tab="build-summary"]').isVisible()).toBe(false);
    expect(await rows(0, 'vulnerabilities').count()).toBe(6);
    await image.locator('div.panel[data-tab="vulnerabilities"] select[data-column="1"]').selectOption('HIGH');
    expect(await rows(0, 'vulnerabilities').locator('td:first-child').allTextContents()).toEqual(['CVE-2020-8203', 'CVE-2021-23337']);
    await image.locator('nav.tabs button[data-tab="layers"]').click();
    expect(await rows(0, 'layers').count()).toBe(2);
  });

  it('shows hostile text from a scan as text, never as markup', async () => {
    const image = tab.locator('article.scan').nth(0);
    await image.locator('nav.tabs button[data-tab="vulnerabilities"]').click();
    await image.locator('div.panel[data-tab="vulnerabilities"] select[data-column="1"]').selectOption('CRITICAL');
    expect(await rows(0, 'vulnerabilities').locator('td:last-child').allTextContents()).toEqual([HOSTILE]);
    expect(await tab.locator('img').count()).toBe(0);
    expect(await page.frames()[1]?.evaluate(() => (globalThis as unknown as { hacked?: number }).hacked)).toBeUndefined();
  });

  it('filters All Controls by criticality and status', async () => {
    const compliance = tab.locator('article.scan').nth(1);
    expect(await compliance.locator('nav.tabs button').allTextContents()).toEqual(['Summary', 'All Controls']);
    await compliance.locator('nav.tabs button[data-tab="all-controls"]').click();
    expect(await rows(1, 'all-controls').count()).toBe(5);
    await compliance.locator('select[data-column="4"]').selectOption('FAIL');
    expect(await rows(1, 'all-controls').locator('td:first-child').allTextContents()).toEqual(['TG-SSH-001', 'TG-SSH-003']);
    await compliance.locator('select[data-column="2"]').selectOption('URGENT');
    expect(await rows(1, 'all-controls').locator('td:first-child').allTextContents()).toEqual(['TG-SSH-001']);
  });
});
