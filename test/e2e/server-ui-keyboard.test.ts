/**
 * The web UI by keyboard alone in Chromium: log in, reach the main navigation, search for an
 * image, open it, switch the report's tabs, request an exception and log out with Tab, Shift+Tab,
 * typing and Enter; focus lands on each new page's heading and is always visibly outlined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { logIn, screenshot, startUiSession, type UiSession } from '../../src/server/ui/test-support/ui-session.js';

let session: UiSession;

beforeAll(async () => {
  session = await startUiSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

interface Focused {
  tag: string;
  id: string;
  text: string;
  label: string;
  /** The focus ring drawn around it. */
  outline: string;
}

/** The element that has the focus (document.activeElement), described (the tests run without the DOM's types). */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    interface Node {
      tagName: string;
      id: string;
      innerText?: string;
      getAttribute(name: string): string | null;
    }
    const scope = globalThis as unknown as { document: { activeElement: Node | null }; getComputedStyle(node: Node): { outlineStyle: string; outlineWidth: string } };
    const node = scope.document.activeElement;
    if (!node) return { tag: '', id: '', text: '', label: '', outline: '' };
    const style = scope.getComputedStyle(node);
    return { tag: node.tagName, id: node.id, text: (node.innerText ?? '').trim(), label: node.getAttribute('aria-label') ?? '', outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
}

/** Presses Tab until the focused element's label, text or id matches, and returns it. */
async function tabTo(page: Page, name: RegExp, limit = 60): Promise<Focused> {
  for (let press = 0; press < limit; press++) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (element.tag === 'BODY') continue;
    if (name.test(element.label) || name.test(element.text) || name.test(element.id)) return element;
  }
  throw new Error(`no element matching ${name} within ${limit} Tab presses`);
}

async function headingFocused(page: Page, name: RegExp): Promise<void> {
  await expect.poll(async () => { const element = await focused(page); return `${element.tag} ${element.text}`; }, { timeout: 20_000 }).toMatch(new RegExp(`^H1 .*${name.source}`));
}

describe('by keyboard alone', () => {
  it('logs in, finds an image, opens its tabs, requests an exception and logs out', async () => {
    const { page, problems } = await session.newPage();
    await page.goto(`${session.server.url}/`);
    // The token field has the focus on arrival.
    await expect.poll(async () => (await focused(page)).id, { timeout: 20_000 }).toBe('login-token');
    await page.keyboard.type(session.viewerToken);
    await page.keyboard.press('Enter');
    await headingFocused(page, /Dashboard/);
    // Tabbing starts once the page is drawn in full (drawing it moves the focus to its heading).
    await page.locator('section[aria-labelledby="dash-trend"]').waitFor();

    const images = await tabTo(page, /^\s*Images\s*$/);
    expect(images.outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await headingFocused(page, /Images/);
    await page.locator('#image-results').waitFor();
    await tabTo(page, /image-query/);
    await page.keyboard.type('example/app');
    await page.keyboard.press('Enter');
    // The first result has the focus; Enter opens it.
    await expect.poll(async () => (await focused(page)).text, { timeout: 20_000 }).toBe('example/app:1');
    await page.keyboard.press('Enter');
    await headingFocused(page, /example\/app:1/);

    const layers = await tabTo(page, /^\s*Layers\s*$/);
    expect(layers.outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await page.locator('#layers.active').waitFor();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.locator('#software.active').waitFor();
    expect(await page.locator('.panels > section.active').count()).toBe(1);

    await tabTo(page, /Request an exception for CVE-2023-5678/);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id, { timeout: 20_000 }).toBe('exception-scope');
    await page.keyboard.press('Tab');
    await page.keyboard.type('only the package database, not the library, is in the image');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Send request');
    await screenshot(page, 'keyboard-focus');
    await page.keyboard.press('Enter');
    await page.locator('#finding-table tr[data-finding="CVE-2023-5678"]').getByText('Exception requested').waitFor();

    await page.keyboard.press('Shift+Tab');
    await tabTo(page, /Log out/);
    await page.keyboard.press('Enter');
    // The login form again, its token field focused and empty.
    await expect.poll(async () => (await focused(page)).id, { timeout: 20_000 }).toBe('login-token');
    expect(await page.locator('#login-token').inputValue()).toBe('');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('operates the approval of an exception with Tab and Enter', async () => {
    const requested = await session.api('POST', '/api/v1/exceptions', { advisoryId: 'CVE-2016-2781', scope: { repository: 'example/app' }, reason: 'coreutils chroot is not used' }, session.viewerToken);
    expect(requested.status).toBe(201);
    const { page, problems } = await session.newPage();
    await logIn(page, session.server.url, session.adminToken);
    await tabTo(page, /^\s*Exceptions\s*$/);
    await page.keyboard.press('Enter');
    await headingFocused(page, /Exceptions/);
    await page.locator('#exception-list').waitFor();
    await tabTo(page, /expires-/);
    await page.keyboard.type('12312099');
    // Tab walks the date's month, day and year fields before it leaves them.
    await tabTo(page, /comment-/);
    await page.keyboard.type('approved from the keyboard');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Approve');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Exception for CVE-2016-2781 approved.').waitFor();
    const record = await session.api('GET', `/api/v1/exceptions?state=approved`);
    const approved = (record.json as { exceptions: { advisoryId?: string; expiresAt?: string; comment?: string }[] }).exceptions.find((entry) => entry.advisoryId === 'CVE-2016-2781');
    expect(approved?.expiresAt).toMatch(/^2099-12-31/);
    expect(approved?.comment).toBe('approved from the keyboard');
    expect(problems).toEqual([]);
    await page.close();
  });
});
