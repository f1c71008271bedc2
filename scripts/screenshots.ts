/**
 * Screenshots of every tab of the image and compliance HTML reports (docs/screenshots/), taken in
 * Debian's Chromium: `npx tsx scripts/screenshots.ts` after `npm run build`. The image report is
 * rendered from the test fixtures' sample scan; the compliance report from a scan of the cached
 * debootstrap root filesystem.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { resolvePolicies } from '../src/compliance/policy/load-policy.js';
import { scanCompliance } from '../src/compliance/scan-compliance.js';
import { openTarget } from '../src/compliance/targets/open-target.js';
import { aggregateVerdicts, evaluateImageGate } from '../src/gate/evaluate.js';
import { evaluateComplianceGate } from '../src/gate/compliance-gate.js';
import { emptyGateConfig } from '../src/gate/gate-config.js';
import { renderComplianceHtml } from '../src/report/html/compliance.js';
import { renderHtml } from '../src/report/html/index.js';
import { CHROMIUM } from '../test/support/browser.js';
import { ensureComplianceRootfs } from '../test/support/compliance-rootfs.js';
import { REPO_ROOT } from '../test/support/fixture-cache.js';
import { sampleScan } from '../test/support/scan-fixtures.js';

const out = path.join(REPO_ROOT, 'docs', 'screenshots');
await mkdir(out, { recursive: true });

const scan = sampleScan();
const imageHtml = renderHtml({ scans: [scan], verdict: aggregateVerdicts([evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'CRITICAL' }, '2026-01-01')]) });
const target = await openTarget(`dir:${await ensureComplianceRootfs()}`);
const result = await scanCompliance(target, resolvePolicies(['linux-baseline-debian', 'ssh-server']), { scanName: 'nightly infra-deploy #42' });
await target.close();
const complianceHtml = renderComplianceHtml({ result, verdict: evaluateComplianceGate(result) });

const pages = await mkdtemp(path.join(tmpdir(), 'tollgate-screenshots-'));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const shoot = async (html: string, prefix: string, tabs: string[]): Promise<void> => {
    const file = path.join(pages, `${prefix}.html`);
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const tab of tabs) {
      await page.goto(`file://${file}#${tab}`);
      await page.screenshot({ path: path.join(out, `${prefix}-${tab}.png`), fullPage: false });
    }
    await page.close();
  };
  await shoot(imageHtml, 'image-report', ['summary', 'statistics', 'vulnerabilities', 'software', 'layers']);
  await shoot(complianceHtml, 'compliance-report', ['summary', 'controls']);
} finally {
  await browser.close();
  await rm(pages, { recursive: true, force: true });
}
