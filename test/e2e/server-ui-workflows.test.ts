/**
 * The web UI's write workflows in Debian's Chromium against a real `tollgate server`: a viewer
 * requests an exception from a finding of an image, an admin approves it with an expiry (another
 * is rejected), and the finding's state and the Build Summary's gate change; an admin creates a
 * token (shown once), sees it listed and revokes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { APP_DIGEST, logIn, screenshot, startUiSession, type UiSession } from '../../src/server/ui/test-support/ui-session.js';

let session: UiSession;

beforeAll(async () => {
  session = await startUiSession();
}, 180_000);

afterAll(async () => {
  await session?.close();
});

const findingRow = (page: Page, id: string) => page.locator(`#finding-table tr[data-finding="${id}"]`);

async function openAppImage(page: Page): Promise<void> {
  await page.goto(`${session.server.url}/#/images/${encodeURIComponent(APP_DIGEST)}`);
  // Drawn afresh even when the page was already there.
  await page.reload();
  await page.locator('#finding-table').waitFor();
}

async function requestException(page: Page, id: string, reason: string): Promise<void> {
  await findingRow(page, id).getByRole('button', { name: /Request an exception/ }).click();
  await page.getByLabel('Applies to').selectOption({ label: 'every image of example/app' });
  await page.getByLabel('Reason').fill(reason);
  await page.getByRole('button', { name: 'Send request' }).click();
  await findingRow(page, id).getByText('Exception requested').waitFor();
}

describe('the exceptions workflow', () => {
  it('requests an exception from a finding, approves it with an expiry, and the finding becomes excepted', async () => {
    const viewer = await session.newPage();
    await logIn(viewer.page, session.server.url, session.viewerToken);
    await openAppImage(viewer.page);
    expect(await findingRow(viewer.page, 'CVE-2021-44906').innerText()).toContain('Open');
    expect(await viewer.page.getByRole('link', { name: 'Tokens' }).count()).toBe(0);
    await requestException(viewer.page, 'CVE-2021-44906', 'minimist is only used by the build, never at run time');
    await requestException(viewer.page, 'CVE-2020-8203', 'we think lodash is safe');
    await screenshot(viewer.page, 'exception-request');

    const admin = await session.newPage();
    await logIn(admin.page, session.server.url, session.adminToken);
    await admin.page.getByRole('link', { name: 'Exceptions' }).click();
    await admin.page.locator('#exception-list tr[data-subject="CVE-2021-44906"]').waitFor();
    const approveRow = admin.page.locator('#exception-list tr[data-subject="CVE-2021-44906"]');
    expect(await approveRow.innerText()).toContain('ui-test-viewer');
    await approveRow.getByLabel('Expires on').fill('2099-12-31');
    await approveRow.getByLabel('Comment').fill('until the build image is replaced');
    await screenshot(admin.page, 'exceptions');
    await approveRow.getByRole('button', { name: 'Approve' }).click();
    await admin.page.getByRole('status').getByText('Exception for CVE-2021-44906 approved.').waitFor();
    const rejectRow = admin.page.locator('#exception-list tr[data-subject="CVE-2020-8203"]');
    await rejectRow.getByRole('button', { name: 'Reject' }).click();
    await admin.page.getByRole('status').getByText('Exception for CVE-2020-8203 rejected.').waitFor();
    expect(await admin.page.locator('#exception-list tbody tr').count()).toBe(0);
    await admin.page.getByRole('link', { name: 'Approved' }).click();
    await admin.page.locator('#exception-list tr[data-subject="CVE-2021-44906"]').waitFor();
    expect(await admin.page.locator('#exception-list').innerText()).toContain('2099-12-31');
    await admin.page.getByRole('link', { name: 'Rejected' }).click();
    await admin.page.locator('#exception-list tr[data-subject="CVE-2020-8203"]').waitFor();

    await openAppImage(viewer.page);
    const excepted = await findingRow(viewer.page, 'CVE-2021-44906').innerText();
    expect(excepted).toContain('Excepted');
    expect(excepted).toContain('2099-12-31');
    expect(excepted).toContain('minimist is only used by the build');
    // The rejected one is open again and can be requested anew.
    expect(await findingRow(viewer.page, 'CVE-2020-8203').innerText()).toContain('Open');
    // The gate leaves the excepted finding out: failing on CRITICAL now passes.
    await viewer.page.getByLabel(/fail on/).selectOption('CRITICAL');
    await viewer.page.locator('#summary .status-ok').first().waitFor();
    expect(await viewer.page.locator('#summary').innerText()).toContain('PASSED');
    await screenshot(viewer.page, 'image-excepted');
    expect(viewer.problems).toEqual([]);
    expect(admin.problems).toEqual([]);
    expect([...viewer.failed, ...admin.failed]).toEqual([]);
    await viewer.page.close();
    await admin.page.close();
  });
});

describe('tokens administration', () => {
  it('creates a token shown once, lists it, and revokes it after a confirmation', async () => {
    const { page, problems } = await session.newPage();
    await logIn(page, session.server.url, session.adminToken);
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
    await page.getByLabel('Name').fill('ui-made-pipeline');
    await page.getByLabel('Role').selectOption('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = (await page.locator('#new-token-value').innerText()).trim();
    expect(value).toMatch(/^tg_ci_[A-Za-z0-9_-]{43}$/);
    expect((await session.api('GET', '/api/v1/images?limit=1', undefined, value)).status).toBe(200);
    expect(await page.locator('#token-list tr[data-token="ui-made-pipeline"]').innerText()).toContain('ci');
    await screenshot(page, 'tokens');
    // Shown once: gone from the page once it is drawn again, and never in the list.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
    expect(await page.content()).not.toContain(value);
    const revoke = page.locator('#token-list tr[data-token="ui-made-pipeline"]').getByRole('button');
    await revoke.click();
    await page.getByRole('button', { name: 'Confirm: revoke ui-made-pipeline' }).click();
    await page.getByRole('status').getByText('Token ui-made-pipeline revoked.').waitFor();
    expect(await page.locator('#token-list tr[data-token="ui-made-pipeline"]').count()).toBe(0);
    expect((await session.api('GET', '/api/v1/images?limit=1', undefined, value)).status).toBe(401);
    expect(problems).toEqual([]);
    await page.close();
  });
});
