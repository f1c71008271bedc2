/**
 * The web UI under its Content-Security-Policy: every UI response carries a policy with scripts,
 * styles and connections from 'self' only (no 'unsafe-inline', no 'unsafe-eval'), the served HTML
 * holds no inline script, style or event handler, and walking every page in Chromium raises no
 * CSP violation (recorded from the page's securitypolicyviolation events, which the test first
 * shows it catches) and no console error; nothing drawn carries a style attribute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { APP_DIGEST, logIn, startUiSession, type UiSession } from '../../src/server/ui/test-support/ui-session.js';

let session: UiSession;

beforeAll(async () => {
  session = await startUiSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const UI_FILES = ['/', '/ui/app.js', '/ui/app.css', '/ui/report.css', '/ui/report.js', '/ui/compliance.js', '/ui/icon.svg'];

function directives(header: string | null): Map<string, string[]> {
  return new Map((header ?? '').split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name as string, values]));
}

/** Records the page's CSP violations (from an init script, which the policy does not govern). */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    const scope = globalThis as unknown as { addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void; reportViolation(text: string): void };
    scope.addEventListener('securitypolicyviolation', (event) => scope.reportViolation(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return violations;
}

describe('the UI responses', () => {
  it('carry a strict policy: scripts, styles and connections from self only, no inline code, no eval, no frames', async () => {
    for (const file of UI_FILES) {
      const response = await fetch(`${session.server.url}${file}`);
      expect(response.status, file).toBe(200);
      const policy = directives(response.headers.get('content-security-policy'));
      expect(policy.get('default-src'), file).toEqual(["'none'"]);
      for (const name of ['script-src', 'style-src', 'connect-src', 'img-src']) expect(policy.get(name), `${file} ${name}`).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(response.headers.get('content-security-policy')).not.toMatch(/unsafe-|data:|\*/);
    }
    // The API keeps helmet's policy of its own.
    const api = await fetch(`${session.server.url}/api/v1/health`);
    expect(directives(api.headers.get('content-security-policy')).get('default-src')).toEqual(["'none'"]);
  });

  it('serve HTML without inline script, style or event handler attributes', async () => {
    const html = await (await fetch(`${session.server.url}/`)).text();
    expect(html).toContain('<script src="/ui/app.js" defer></script>');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/ui\//);
      expect(body).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('serve only their fixed files: other paths under /ui are 404, never a file from disk', async () => {
    for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/app.ts', '/ui/', '/index.html']) {
      const response = await fetch(`${session.server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('"name": "tollgate"');
    }
  });
});

describe('in Chromium', () => {
  it('catches a violation when one happens (the listener works)', async () => {
    const { page } = await session.newPage();
    const violations = await recordViolations(page);
    await page.goto(`${session.server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { createElement(name: string): { textContent: string }; body: { append(node: unknown): void } } }).document;
      const script = doc.createElement('script');
      script.textContent = 'window.inlineRan = true';
      doc.body.append(script);
    });
    await expect.poll(() => violations.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(violations[0]).toMatch(/^script-src/);
    expect(await page.evaluate(() => (globalThis as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    await page.close();
  });

  it('walks every page with no CSP violation, no console error and no style attribute', async () => {
    const { page, problems, failed } = await session.newPage();
    const violations = await recordViolations(page);
    await logIn(page, session.server.url, session.adminToken);
    const styled = () => page.locator('[style]').count();
    expect(await styled()).toBe(0);
    for (const [hash, ready] of [
      ['#/images', '#image-results'],
      ['#/images?q=example', '#image-results'],
      [`#/images/${encodeURIComponent(APP_DIGEST)}`, '#finding-table'],
      ['#/exceptions', '#exception-list'],
      ['#/exceptions?state=approved', '#exception-list'],
      ['#/tokens', '#token-list'],
      ['#/', 'section[aria-labelledby="dash-trend"]'],
    ] as const) {
      await page.goto(`${session.server.url}/${hash}`);
      await page.locator(ready).first().waitFor();
      expect(await styled(), hash).toBe(0);
    }
    for (const tab of ['statistics', 'vulnerabilities', 'software', 'layers', 'summary']) {
      await page.goto(`${session.server.url}/#/images/${encodeURIComponent(APP_DIGEST)}/${tab}`);
      await page.locator(`#${tab}.active`).waitFor();
    }
    await page.getByLabel(/fail on/).selectOption('HIGH');
    await page.locator('#summary .status-violated').first().waitFor();
    expect(await styled()).toBe(0);
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });
});
