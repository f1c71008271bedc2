/**
 * The `html-files` report in a real browser (Debian's Chromium via playwright-core), written by the
 * CLI's report writer and served on loopback with exactly Jenkins' default Content-Security-Policy
 * for archived artifacts on every response, as Jenkins serves them. The page must be styled (the
 * linked stylesheet applies: tabs, verdict colours), its charts must load as images, and the
 * browser must report no CSP violation at all.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { aggregateVerdicts, evaluateImageGate } from '../../src/gate/evaluate.js';
import { emptyGateConfig } from '../../src/gate/gate-config.js';
import { evaluateComplianceGate } from '../../src/gate/compliance-gate.js';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { reportTargets, writeReports } from '../../src/cli/report-outputs.js';
import { startServer, type TestServer } from '../support/http-server.js';
import { sampleScan } from '../support/scan-fixtures.js';
import { CHROMIUM } from '../support/browser.js';

const JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';";
const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

let browser: Browser;
let server: TestServer;
let dir: string;

function complianceResult(): ComplianceResult {
  return {
    schemaVersion: 1,
    kind: 'compliance',
    scan: { id: 'scan-1', name: 'nightly', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, tool: { name: 'tollgate', version: '0.0.0-test' } },
    target: { name: 'web-01', kind: 'dir', os: { family: 'debian', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' } },
    authentication: { status: 'not-required' },
    policies: [
      {
        id: 'baseline',
        title: 'Baseline',
        version: '1',
        origin: 'test',
        applicable: true,
        totals: { passed: 1, failed: 1, error: 0, exception: 0, notApplicable: 0 },
        controls: [
          { cid: '1001', title: 'SSH root login disabled', policy: 'baseline', criticality: 'URGENT', statement: '', state: 'FAIL', message: 'PermitRootLogin is yes', unexpected: [{ value: 'PermitRootLogin yes', file: '/etc/ssh/sshd_config', line: 3 }], missing: [], observed: [] },
          { cid: '1002', title: 'Shadow file mode', policy: 'baseline', criticality: 'SERIOUS', statement: '', state: 'PASS', message: '', unexpected: [], missing: [], observed: [] },
        ],
      },
    ],
    expiredExceptions: [],
    warnings: [],
  };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  dir = await mkdtemp(path.join(tmpdir(), 'tollgate-html-files-'));
  const scan = sampleScan();
  const verdict = aggregateVerdicts([evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'CRITICAL' }, '2026-01-01')]);
  await writeReports(reportTargets([`html-files=${path.join(dir, 'image.html')}`], undefined, 'image'), (renderer, options) => renderer.renderImage?.({ scans: [scan], verdict }, options), { color: false });
  const result = complianceResult();
  await writeReports(reportTargets([`html-files=${path.join(dir, 'compliance.html')}`], undefined, 'compliance'), (renderer, options) => renderer.renderCompliance?.({ result, verdict: evaluateComplianceGate(result) }, options), { color: false });
  const routes: Record<string, (request: unknown, response: ServerResponse) => void> = {};
  const serve = async (relative: string) => {
    const body = await readFile(path.join(dir, relative));
    routes[`/artifact/${relative}`] = (_request, response) => {
      response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(relative)] ?? 'application/octet-stream', 'content-security-policy': JENKINS_CSP, 'x-content-type-options': 'nosniff' });
      response.end(body);
    };
  };
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) if (entry.isFile()) await serve(path.relative(dir, path.join(entry.parentPath, entry.name)));
  server = await startServer(routes);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(file: string, hash = ''): Promise<{ page: Page; violations: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  await page.goto(`${server.url}/artifact/${file}${hash}`, { waitUntil: 'load' });
  return { page, violations, requests };
}

const visibleSections = (page: Page) => page.$$eval('section', (sections) => sections.filter((s) => s.getBoundingClientRect().height > 0).map((s) => s.id));
type StyleWindow = { getComputedStyle(element: unknown): { getPropertyValue(name: string): string } };
const styleOf = (page: Page, selector: string, property: string) => page.$eval(selector, (element, name) => (globalThis as unknown as StyleWindow).getComputedStyle(element).getPropertyValue(name), property);

describe('an image report under Jenkins’ archived-artifact CSP', () => {
  it('writes the page and its folder of sibling files', async () => {
    expect((await readdir(path.join(dir, 'image_files'))).sort()).toEqual(['chart-1.svg', 'chart-2.svg', 'report.css']);
  });

  it('is styled by the linked stylesheet, with no CSP violation and nothing fetched beyond its own files', async () => {
    const { page, violations, requests } = await open('image.html');
    expect(await styleOf(page, '.verdict.fail', 'background-color')).toBe('rgb(176, 0, 32)');
    expect(await styleOf(page, 'nav.tabs ul', 'display')).toBe('flex');
    // Tabs work through :target in CSS alone: one section at a time.
    expect(await visibleSections(page)).toEqual(['summary']);
    await page.click('nav a[href="#vulnerabilities"]');
    expect(await visibleSections(page)).toEqual(['vulnerabilities']);
    expect(violations).toEqual([]);
    expect(requests.sort()).toEqual(['/artifact/image.html', '/artifact/image_files/chart-1.svg', '/artifact/image_files/chart-2.svg', '/artifact/image_files/report.css']);
    await page.close();
  });

  it('shows its charts as images that loaded', async () => {
    const { page, violations } = await open('image.html', '#statistics');
    const images = await page.$$eval('img', (elements) => elements.map((img) => ({ alt: img.alt, loaded: img.complete && img.naturalWidth > 0, shown: img.getBoundingClientRect().width > 0 })));
    expect(images).toEqual([
      { alt: 'Findings by severity', loaded: true, shown: true },
      { alt: 'Fixable findings', loaded: true, shown: true },
    ]);
    expect(violations).toEqual([]);
    await page.close();
  });
});

describe('a compliance report under the same CSP', () => {
  it('is styled, shows its chart and reports no violation', async () => {
    const { page, violations } = await open('compliance.html');
    expect(await styleOf(page, '.state-FAIL', 'color')).toBe('rgb(176, 0, 32)');
    expect(await page.$eval('img', (img) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.innerText('body')).toContain('SSH root login disabled');
    expect(violations).toEqual([]);
    await page.close();
  });
});

describe('the test would see a violation', () => {
  it('an inline style under the same header is reported', async () => {
    const { page, violations } = await open('image.html');
    await page.addStyleTag({ content: 'body { color: red; }' }).catch(() => undefined);
    await page.waitForTimeout(100);
    expect(violations.join('\n')).toMatch(/style/i);
    await page.close();
  });
});

describe('where html-files may write', () => {
  it('needs a file: to stdout it is a usage error naming the fix', () => {
    expect(() => reportTargets(['html-files'], undefined, 'image')).toThrow('--format html-files writes files beside its report, so it needs a file: --format html-files=<file>.html');
    expect(reportTargets(['html-files'], 'out/report.html', 'image')[0]?.file).toBe('out/report.html');
  });
});
