/**
 * The web UI in Debian's Chromium (playwright-core) against a real `tollgate server` on loopback:
 * log in with a token (a wrong one is refused), the dashboard by severity and what changed since
 * yesterday, find an image by tag and by digest among more than a thousand (the server searches:
 * the image was seen before the newest 1,000), page through results, open each of the image
 * report's five tabs, and
 * log out (the token leaves the tab's storage). No page logs a console error: a blocked inline
 * script or style under the UI's Content-Security-Policy would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIGEST, BASE_DIGEST, logIn, screenshot, seedManyImages, startUiSession, storedValues, type UiSession } from '../../src/server/ui/test-support/ui-session.js';

/** Images seen after the two scanned ones: more than the newest 1,000 a client-side search would have read. */
const FILLER_IMAGES = 1_100;

let session: UiSession;

beforeAll(async () => {
  session = await startUiSession();
  await seedManyImages(session, FILLER_IMAGES);
}, 300_000);

afterAll(async () => {
  await session?.close();
});

describe('logging in', () => {
  it('refuses a wrong token and says so, then accepts a viewer token and shows the dashboard', async () => {
    const { page, problems, failed } = await session.newPage();
    await page.goto(`${session.server.url}/`);
    await expect(page.getByRole('heading', { level: 1, name: 'Log in' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('API token').fill('tg_viewer_not-a-real-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('This token was not accepted');
    expect(await storedValues(page).then((values) => values.length)).toBe(0);
    await screenshot(page, 'login');

    await page.getByLabel('API token').fill(session.viewerToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const cards = await page.getByRole('list', { name: 'Images by worst severity' }).innerText();
    // example/app:1 has a CRITICAL finding, example/base:12 a MEDIUM one at worst.
    expect(cards).toMatch(/1\s*worst CRITICAL/);
    expect(cards).toMatch(/1\s*worst MEDIUM/);
    const changes = await page.locator('section[aria-labelledby="dash-changes"]').innerText();
    expect(changes).toContain('CVE-2021-44906');
    expect(changes).toContain('example/app:1');
    await screenshot(page, 'dashboard');
    expect(problems).toEqual([]);
    // The one failed request is the refused login's own.
    expect(failed).toEqual(['401 /api/v1/images']);
    await page.close();
  });

  it('logs out: the token is removed from the tab and the pages ask for a token again', async () => {
    const { page, problems } = await session.newPage();
    await logIn(page, session.server.url, session.viewerToken);
    expect(await storedValues(page)).toEqual([session.viewerToken]);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    expect(await storedValues(page).then((values) => values.length)).toBe(0);
    await page.goto(`${session.server.url}/#/images`);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('ends the session when the token is revoked while logged in', async () => {
    const created = await session.api('POST', '/api/v1/tokens', { name: 'ui-short-lived', role: 'viewer' });
    const token = (created.json as { token: string }).token;
    const { page } = await session.newPage();
    await logIn(page, session.server.url, token);
    expect((await session.api('DELETE', '/api/v1/tokens/ui-short-lived')).status).toBe(204);
    await page.getByRole('link', { name: 'Images' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    expect(await page.locator('.notice').innerText()).toContain('no longer accepted');
    expect(await storedValues(page).then((values) => values.length)).toBe(0);
    await page.close();
  });
});

describe('finding an image and reading its report', () => {
  it('finds an image by tag and by digest among more than a thousand, and opens each of the five tabs', async () => {
    // The scanned images are older than the newest 1,000: only a search by the server finds them.
    const newest = await session.api('GET', '/api/v1/images?limit=1000', undefined, session.viewerToken);
    const newestDigests = (newest.json as { images: { digest: string }[] }).images.map((image) => image.digest);
    expect(newestDigests).toHaveLength(1000);
    expect(newestDigests).not.toContain(APP_DIGEST);
    expect(newestDigests).not.toContain(BASE_DIGEST);

    const { page, problems } = await session.newPage();
    await logIn(page, session.server.url, session.viewerToken);
    await page.getByRole('link', { name: 'Images' }).click();
    await page.getByRole('heading', { level: 1, name: 'Images' }).waitFor();
    await page.locator('#image-summary').getByText('Images 1–50').waitFor();
    // Typing searches on its own after a pause; no button pressed.
    await page.getByLabel('Tag or digest').fill('EXAMPLE/app');
    await page.getByText('1 image matching “EXAMPLE/app”').waitFor();
    await screenshot(page, 'images');
    expect(await page.locator('#image-results tbody tr').count()).toBe(1);
    expect(page.url()).toContain('#/images?q=EXAMPLE%2Fapp');

    await page.getByLabel('Tag or digest').fill(BASE_DIGEST.slice(0, 20));
    await page.getByRole('button', { name: 'Search' }).click();
    // Its own summary, not the one of the search before it (still on screen until the answer).
    await page.getByText(`1 image matching “${BASE_DIGEST.slice(0, 20)}”`).waitFor();
    expect(await page.locator('#image-results tbody').innerText()).toContain('example/base:12');

    // The severity filter: of the 1,102 images, one has a CRITICAL finding.
    await page.getByLabel('Tag or digest').fill('');
    await page.getByLabel('Findings of at least').selectOption('CRITICAL');
    await page.getByText('1 image with findings of CRITICAL or above').waitFor();
    expect(await page.locator('#image-results tbody').innerText()).toContain('example/app:1');
    await page.getByLabel('Findings of at least').selectOption('');

    // Pages of a search with many results, forward and back.
    // Images seeded within one millisecond share their last-seen time and are ordered by digest,
    // so the pages are compared with the API's pages of the same search, not with seeding order.
    const apiPage = async (offset: number): Promise<string[]> => {
      const answer = await session.api('GET', `/api/v1/images?q=${encodeURIComponent('filler/image-')}&limit=50&offset=${offset}`, undefined, session.viewerToken);
      return (answer.json as { images: { tags: string[] }[] }).images.map((image) => image.tags.join(' '));
    };
    const shownImages = (): Promise<string[]> => page.locator('#image-results tbody tr td:first-child').allInnerTexts();
    await page.getByLabel('Tag or digest').fill('filler/image-');
    await page.getByText('Images 1–50 matching “filler/image-”').waitFor();
    const firstPage = await shownImages();
    expect(firstPage).toEqual(await apiPage(0));
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Images 51–100 matching “filler/image-”').waitFor();
    const secondPage = await shownImages();
    expect(secondPage).toEqual(await apiPage(50));
    expect(new Set([...firstPage, ...secondPage]).size).toBe(100);
    expect(page.url()).toContain('offset=50');
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Images 1–50 matching “filler/image-”').waitFor();
    expect(await shownImages()).toEqual(firstPage);
    await expect(page.getByRole('button', { name: 'Previous' }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('Tag or digest').fill('filler/image-0001');
    await page.getByText('1 image matching “filler/image-0001”').waitFor();

    await page.getByLabel('Tag or digest').fill('app:1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'example/app:1' }).click();
    await page.locator('#image-report h1').waitFor();
    expect(await page.locator('#image-report h1').innerText()).toContain('example/app:1');
    expect(page.url()).toContain(encodeURIComponent(APP_DIGEST));

    const visibleSections = () => page.$$eval('#image-report .panels > section', (sections) => sections.filter((s) => s.getBoundingClientRect().height > 0).map((s) => s.id));
    expect(await visibleSections()).toEqual(['summary']);
    const expectations: Record<string, string[]> = {
      summary: ['No gate was configured'],
      statistics: ['Findings by severity', 'Debian GNU/Linux 12', 'Most affected packages'],
      vulnerabilities: ['CVE-2021-44906', 'minimist', '1.2.6'],
      software: ['lodash', '4.17.15', 'libssl3'],
      layers: ['ADD rootfs.tar.xz /', 'COPY . /app'],
    };
    const titles: Record<string, string> = { summary: 'Build Summary', statistics: 'Image Statistics', vulnerabilities: 'Vulnerabilities', software: 'Installed Software', layers: 'Layers' };
    for (const [id, texts] of Object.entries(expectations).reverse()) {
      await page.locator('#image-report nav.tabs').getByRole('link', { name: titles[id] }).click();
      await page.locator(`#${id}.active`).waitFor();
      expect(await visibleSections()).toEqual([id]);
      const text = await page.locator(`#${id}`).innerText();
      for (const expected of texts) expect(text).toContain(expected);
      expect(page.url()).toMatch(new RegExp(`/${id}$`));
      await screenshot(page, `image-${id}`);
    }
    // The report's own enhancement script, loaded as a file, works: the severity filter.
    await page.locator('#image-report nav.tabs').getByRole('link', { name: 'Vulnerabilities' }).click();
    await page.locator('#image-report .filters select').selectOption('HIGH');
    const shown = await page.$$eval('#vuln-table tbody tr', (rows) => rows.filter((row) => !(row as unknown as { hidden: boolean }).hidden).map((row) => row.getAttribute('data-severity')));
    expect(shown).toEqual(['HIGH', 'HIGH']);
    // A gate judges the Build Summary.
    await page.locator('#image-report nav.tabs').getByRole('link', { name: 'Build Summary' }).click();
    await page.getByLabel(/fail on/).selectOption('CRITICAL');
    await page.locator('#summary .status-violated').first().waitFor();
    expect(await page.locator('#summary').innerText()).toContain('FAILED');
    // Back returns to the previous tab without loading the image again.
    await page.goBack();
    await page.locator('#vulnerabilities.active').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a tab from its address directly and says when an image is unknown', async () => {
    const { page, problems } = await session.newPage();
    await logIn(page, session.server.url, session.viewerToken);
    await page.goto(`${session.server.url}/#/images/${encodeURIComponent(BASE_DIGEST)}/layers`);
    await page.locator('#layers.active').waitFor();
    expect(await page.locator('#layers').innerText()).toContain('ADD rootfs.tar.xz /');
    await page.goto(`${session.server.url}/#/images/${encodeURIComponent(`sha256:${'0'.repeat(64)}`)}`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('no image with this digest is known');
    await page.goto(`${session.server.url}/#/images/not-a-digest`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('params.digest');
    expect(problems).toEqual([]);
    await page.close();
  });
});
