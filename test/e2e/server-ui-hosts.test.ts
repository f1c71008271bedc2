/**
 * The web UI's compliance pages in Debian's Chromium against a real `tollgate server`: the
 * scanners with their workers' health, the hosts, and a host page with the compliance report's
 * Summary and All Controls (filters by criticality and status, by the report's own script) from a
 * scan a worker finished; the authentication record's password appears on no page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_RECORD_PASSWORD, logIn, screenshot, seedHostScan, startUiSession, type UiSession } from '../../src/server/ui/test-support/ui-session.js';

let session: UiSession;

beforeAll(async () => {
  session = await startUiSession();
  await seedHostScan(session);
}, 180_000);

afterAll(async () => {
  await session?.close();
});

describe('scanners and hosts', () => {
  it('lists the scanners with a live worker, and the hosts with their latest scan', async () => {
    const { page, problems, failed } = await session.newPage();
    await logIn(page, session.server.url, session.viewerToken);
    // The dashboard's compliance posture and worker health.
    const posture = page.locator('section[aria-labelledby="dash-compliance"]');
    await posture.waitFor();
    expect(await posture.innerText()).toMatch(/web-1\s+ssh-server\s+Finished\s+[1-9]/);
    expect(await posture.innerText()).toMatch(/External\s+1\s+0/);
    await page.getByRole('link', { name: 'Scanners' }).click();
    await page.locator('#scanner-list section[data-scanner="External"]').waitFor();
    const worker = await page.locator('tr[data-worker="ui-worker-1"]').innerText();
    expect(worker).toContain('scanner-host');
    expect(worker).toContain('live');
    await screenshot(page, 'scanners');
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.locator('#host-list tr[data-host="web-1"]').waitFor();
    expect(await page.locator('#host-list tr[data-host="web-1"]').innerText()).toContain('ssh-server: Finished');
    expect(await page.content()).not.toContain(AUTH_RECORD_PASSWORD);
    expect(problems).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });

  it("shows a host's Summary and All Controls, filtered by criticality and status", async () => {
    const { page, problems, failed } = await session.newPage();
    await logIn(page, session.server.url, session.viewerToken);
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('link', { name: 'web-1' }).click();
    await page.locator('#host-report #summary.active').waitFor();
    const summary = await page.locator('#summary').innerText();
    expect(summary).toContain('Controls causing build failure');
    expect(summary).toContain('web-1');
    expect(summary).toMatch(/FAILED|PASSED/);
    await screenshot(page, 'host-summary');
    await page.locator('#host-report nav.tabs').getByRole('link', { name: 'All Controls' }).click();
    await page.locator('#controls.active').waitFor();
    expect(page.url()).toMatch(/#\/hosts\/web-1\/controls$/);
    const visibleStates = () => page.$$eval('#all-controls-table tbody tr', (rows) => rows.filter((row) => !(row as unknown as { hidden: boolean }).hidden).map((row) => row.getAttribute('data-state')));
    const all = await visibleStates();
    expect(all.length).toBeGreaterThan(1);
    expect(all).toContain('FAIL');
    expect(all).toContain('PASS');
    await page.getByLabel('Status').selectOption('FAIL');
    expect(new Set(await visibleStates())).toEqual(new Set(['FAIL']));
    expect(await page.locator('.control-filters output').innerText()).toMatch(/^\d+ controls$/);
    await screenshot(page, 'host-controls');
    await page.getByLabel('Status').selectOption('');
    const critical = await page.$$eval('#all-controls-table tbody tr', (rows) => [...new Set(rows.map((row) => row.getAttribute('data-criticality')))]);
    await page.getByLabel('Criticality').selectOption(critical[0] as string);
    const shown = await page.$$eval('#all-controls-table tbody tr', (rows) => rows.filter((row) => !(row as unknown as { hidden: boolean }).hidden).map((row) => row.getAttribute('data-criticality')));
    expect(new Set(shown)).toEqual(new Set([critical[0]]));
    expect(await page.content()).not.toContain(AUTH_RECORD_PASSWORD);
    expect(problems).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });
});
