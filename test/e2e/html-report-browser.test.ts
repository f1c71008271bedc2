/**
 * The HTML report in a real browser (Debian's Chromium, driven by playwright-core), served on
 * loopback. Under Jenkins' default Content-Security-Policy for archived artifacts, which blocks
 * inline styles and scripts, every section must still be on screen and readable; without it, the
 * tabs, filters and sorting must work. In both cases the page may fetch nothing.
 */
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { aggregateVerdicts, evaluateImageGate } from '../../src/gate/evaluate.js';
import { emptyGateConfig } from '../../src/gate/gate-config.js';
import { renderHtml } from '../../src/report/html/index.js';
import { startServer, type TestServer } from '../support/http-server.js';
import { sampleScan } from '../support/scan-fixtures.js';
import { CHROMIUM } from '../support/browser.js';

const JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';";

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  const scan = sampleScan();
  const html = renderHtml({ scans: [scan], verdict: aggregateVerdicts([evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'CRITICAL' }, '2026-01-01')]) });
  const page = (csp: string | undefined) => (_request: unknown, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': csp } : {}) });
    response.end(html);
  };
  server = await startServer({ '/strict/report.html': page(JENKINS_CSP), '/open/report.html': page(undefined) });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${server.url}${path}`);
  return { page, requests };
}

const visibleSections = (page: Page) => page.$$eval('section', (sections) => sections.filter((s) => s.getBoundingClientRect().height > 0).map((s) => s.id));

describe('under a strict Content-Security-Policy', () => {
  it('shows every section as plain, readable HTML and fetches nothing', async () => {
    const { page, requests } = await open('/strict/report.html');
    expect(await visibleSections(page)).toEqual(['summary', 'statistics', 'vulnerabilities', 'software', 'layers']);
    const text = await page.innerText('body');
    for (const expected of ['FAILED', 'CVE-2021-44906', 'minimist', '1.2.6', 'Findings at or above a severity', 'ADD rootfs.tar.xz /']) expect(text).toContain(expected);
    expect(await page.$eval('nav a[href="#layers"]', (a) => a.textContent)).toBe('Layers');
    // The script did not run: the filters stay hidden; the charts still draw from their attributes.
    expect(await page.$eval('.filters', (element) => (element as unknown as { hidden: boolean }).hidden)).toBe(true);
    expect(await page.$$eval('svg rect', (rects) => rects.filter((r) => r.getBoundingClientRect().width > 0).length)).toBeGreaterThan(3);
    expect(requests).toEqual([`${server.url}/strict/report.html`]);
    await page.close();
  });
});

describe('with styles and scripts allowed', () => {
  it('has working tabs, filters and sorting, and still fetches nothing', async () => {
    const { page, requests } = await open('/open/report.html');
    expect(await visibleSections(page)).toEqual(['summary']);
    await page.click('nav a[href="#vulnerabilities"]');
    expect(await visibleSections(page)).toEqual(['vulnerabilities']);
    const visibleRows = () => page.$$eval('#vuln-table tbody tr', (rows) => rows.filter((row) => !(row as unknown as { hidden: boolean }).hidden).map((row) => row.getAttribute('data-severity')));
    expect(await visibleRows()).toHaveLength(6);
    await page.selectOption('.filters select', 'HIGH');
    expect(await visibleRows()).toEqual(['HIGH', 'HIGH']);
    await page.selectOption('.filters select', '');
    await page.check('.filters input[type=checkbox]');
    expect(await visibleRows()).toHaveLength(4);
    await page.uncheck('.filters input[type=checkbox]');
    await page.click('#vuln-table th:nth-child(1)');
    const ids = await page.$$eval('#vuln-table tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent ?? ''));
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    expect(requests).toEqual([`${server.url}/open/report.html`]);
    await page.close();
  });
});
