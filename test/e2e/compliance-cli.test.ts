/**
 * `tollgate compliance scan` as a user runs it, on a copy of the debootstrap'd Debian root
 * filesystem: exit codes of the gate (state AND criticality, exclusions, exceptions, no data),
 * usage errors, every report format; the same image scanned as `image:` and as `dir:`; a hanging
 * command on the local host; and the HTML report in Chromium under a strict CSP and without one.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy, resolvePolicies } from '../../src/compliance/policy/load-policy.js';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { scanCompliance } from '../../src/compliance/scan-compliance.js';
import { openTarget } from '../../src/compliance/targets/open-target.js';
import type { ComplianceVerdict } from '../../src/model/compliance-verdict.js';
import { runTollgate } from '../support/cli.js';
import { copyComplianceRootfs } from '../support/compliance-rootfs.js';
import { startServer, type TestServer } from '../support/http-server.js';
import { ensureBookwormImage, type BookwormImage } from '../support/images.js';
import { CHROMIUM } from '../support/browser.js';

let work: string;
let root: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-compliance-cli-'));
  root = await copyComplianceRootfs(work);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const scanArgs = (...extra: string[]): string[] => ['compliance', 'scan', `dir:${root}`, '--quiet', ...extra];

async function jsonScan(...extra: string[]): Promise<{ code: number; stderr: string; result: ComplianceResult & { verdict: ComplianceVerdict } }> {
  const file = path.join(work, `scan-${Math.random().toString(36).slice(2)}.json`);
  const run = await runTollgate(scanArgs('--format', `json=${file}`, ...extra));
  return { code: run.code, stderr: run.stderr, result: JSON.parse(await readFile(file, 'utf8')) as ComplianceResult & { verdict: ComplianceVerdict } };
}

describe('the compliance gate from the command line', () => {
  it.each([
    ['fails on FAIL at any criticality by default', [], 1],
    ['passes when only URGENT failures fail the build and none exists', ['--fail-on-criticality', 'URGENT'], 0],
    ['fails on ERROR when asked (the live-only command control)', ['--fail-on-state', 'ERROR', '--fail-on-criticality', 'serious'], 1],
    ['passes when every failing control is excluded', ['--policy', 'ssh-server', '--exclude-cid', 'TG-SSH-001,TG-SSH-003,TG-SSH-005,TG-SSH-008', '--exclude-cid', 'TG-SSH-009,TG-SSH-012,TG-SSH-014,TG-SSH-015,TG-SSH-019'], 0],
    ['passes a policy without data, and fails it with --fail-on-no-data', ['--policy', 'linux-baseline-rhel'], 0],
    ['fails a policy without data with --fail-on-no-data', ['--policy', 'linux-baseline-rhel', '--fail-on-no-data'], 1],
  ])('%s', async (_name, flags, code) => {
    const run = await jsonScan(...flags);
    expect(run.code).toBe(code);
    expect(run.result.verdict.passed).toBe(code === 0);
  });

  it('writes JSON that validates against docs/schema/compliance-result.schema.json', async () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(path.join(import.meta.dirname, '../../docs/schema/compliance-result.schema.json'), 'utf8')) as object);
    const exceptions = path.join(work, 'schema-exceptions.yaml');
    await writeFile(exceptions, 'exceptions:\n  - cid: TG-SSH-005\n    reason: r\n    approver: a\n    expires: 2001-01-01\n  - cid: TG-SSH-003\n    reason: r\n    approver: a\n');
    const { result } = await jsonScan('--exceptions', exceptions, '--exclude-cid', 'TG-LNX-1006');
    const valid = validate(result);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('reports a policy without data as NOT_APPLICABLE with the documented message, never PASS', async () => {
    const { result, stderr } = await jsonScan('--policy', 'linux-baseline-rhel');
    expect(stderr).toBe('');
    expect(result.policies[0]).toMatchObject({ applicable: false, notApplicableReason: `no data for policy linux-baseline-rhel on dir:${root}: a RHEL-family distribution (RHEL, CentOS, Rocky, AlmaLinux, Fedora) not present` });
    expect(new Set(result.policies[0]?.controls.map((control) => control.state))).toEqual(new Set(['NOT_APPLICABLE']));
  });

  it('turns a failed control into EXCEPTION while its exception is active, and back into FAIL once expired', async () => {
    const exceptions = path.join(work, 'exceptions.yaml');
    await writeFile(exceptions, `exceptions:\n  - cid: TG-SSH-003\n    targets: ["dir:${root}"]\n    reason: console-only host\n    approver: sec@example.com\n    expires: 2999-01-01\n  - cid: TG-SSH-005\n    reason: migrating to keys\n    approver: sec@example.com\n    expires: 2001-01-01\n`);
    const { result, code } = await jsonScan('--policy', 'ssh-server', '--exceptions', exceptions);
    expect(code).toBe(1);
    const byCid = new Map(result.policies[0]?.controls.map((control) => [control.cid, control]));
    expect(byCid.get('TG-SSH-003')).toMatchObject({ state: 'EXCEPTION', exception: { reason: 'console-only host', approver: 'sec@example.com', expires: '2999-01-01' } });
    expect(byCid.get('TG-SSH-005')).toMatchObject({ state: 'FAIL', expiredException: { expires: '2001-01-01' } });
    expect(result.expiredExceptions).toEqual([expect.objectContaining({ cid: 'TG-SSH-005', expires: '2001-01-01' })]);
    expect(result.verdict.warnings).toContainEqual(expect.stringMatching(/exception for TG-SSH-005 .* expired on 2001-01-01/));
    expect(result.verdict.matrix.EXCEPTION.CRITICAL).toBe(1);
    const withExceptionsFailing = await jsonScan('--policy', 'ssh-server', '--exceptions', exceptions, '--fail-on-state', 'EXCEPTION', '--fail-on-criticality', 'CRITICAL');
    expect(withExceptionsFailing.result.verdict.controlsCausingFailure.map((control) => control.cid)).toEqual(['TG-SSH-003']);
  });

  it.each([
    ['an unknown policy', ['--policy', 'nope'], /unknown policy "nope"/],
    ['an invalid policy file', ['--policy', '/dev/null'], /policy \/dev\/null: not a file|\/dev\/null/],
    ['an unknown state', ['--fail-on-state', 'BROKEN'], /--fail-on-state: "BROKEN" is not one of FAIL, ERROR, EXCEPTION/],
    ['a bad timeout', ['--timeout', '2*'], /--timeout "2\*": ends too early/],
    ['a format the compliance report has no renderer for', ['--format', 'sarif'], /unknown --format "sarif" for compliance reports/],
    ['credentials without a record name', ['--credentials', '/etc/hostname'], /--credentials and --auth go together/],
    ['an unknown target kind', [], /unknown target "ftp:\/\/x"/, 'ftp://x'],
  ] as [string, string[], RegExp, string?][])('exits 2 on %s', async (_name, flags, message, target) => {
    const run = await runTollgate(target ? ['compliance', 'scan', target, ...flags] : scanArgs(...flags));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('stops a scan that passes --timeout with exit 3', async () => {
    const slow = path.join(work, 'slow.yaml');
    await writeFile(slow, 'schemaVersion: 1\nid: slow\ntitle: Slow\nversion: "1"\ncontrols:\n' + [1, 2, 3, 4].map((n) => `  - cid: S-${n}\n    title: slow\n    statement: x\n    criticality: MINIMAL\n    check: { type: command, run: "sleep 2" }\n`).join(''));
    const run = await runTollgate(['compliance', 'scan', 'local', '--policy', slow, '--timeout', '0.5*0.1']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/the scan did not finish within 0\.5\*0\.1 minutes \(--timeout\)/);
  });

  it('exits 3 when the target cannot be opened', async () => {
    const run = await runTollgate(['compliance', 'scan', 'dir:/nonexistent/rootfs']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/dir:\/nonexistent\/rootfs: \/nonexistent\/rootfs is not a readable folder/);
  });

  it('writes table, JUnit and Markdown reports that agree with the JSON', async () => {
    const junit = path.join(work, 'r.xml');
    const markdown = path.join(work, 'r.md');
    const run = await runTollgate(scanArgs('--policy', 'ssh-server', '--format', 'table', '--format', `junit=${junit}`, '--format', `markdown=${markdown}`, '--scan-name', 'nightly [job_name]'), { env: { JOB_NAME: 'infra-deploy', BUILD_NUMBER: '7' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAILED — 9 of 22 controls cause build failure/);
    expect(run.stdout).toMatch(/TG-SSH-003.*CRITICAL.*FAIL/);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase /g)?.length).toBe(22);
    expect(xml.match(/<failure /g)?.length).toBe(9);
    expect(xml).toContain('nightly infra-deploy');
    const md = await readFile(markdown, 'utf8');
    expect(md).toContain('Controls causing build failure: **9 of 22**');
    expect(md).toMatch(/\| `TG-SSH-003` \| Root cannot log in over SSH \| CRITICAL \| FAIL \|/);
  });

  it('lists the built-in policies', async () => {
    const run = await runTollgate(['compliance', 'policies']);
    expect(run.stdout).toMatch(/linux-baseline-debian\s+106 controls/);
    expect(run.stdout).toMatch(/ssh-server\s+22 controls/);
  });
});

describe('other targets', () => {
  // The image is built once for the whole suite (debootstrap takes minutes on a cold machine), so
  // it belongs in a hook with the hook's time limit, not in the test's.
  let image: BookwormImage;
  beforeAll(async () => {
    image = await ensureBookwormImage();
  });

  it('gives the same results for an image as for its root filesystem (image: and dir:)', async () => {
    const policies = resolvePolicies(['linux-baseline-debian']);
    const results = [];
    for (const spec of [`image:${image.ociReference}`, `dir:${image.rootfsDir}`]) {
      const target = await openTarget(spec);
      results.push(await scanCompliance(target, policies, { scanName: spec }));
      await target.close();
    }
    const states = (result: ComplianceResult) => result.policies[0]?.controls.map((control) => `${control.cid} ${control.state} ${control.unexpected.map((value) => value.value).join(',')}`);
    expect(states(results[0] as ComplianceResult)).toEqual(states(results[1] as ComplianceResult));
    expect(results[0]?.target.os?.family).toBe('debian');
  });

  it('ends a hanging command on the local host at its time limit and goes on', async () => {
    const policy = parsePolicy('schemaVersion: 1\nid: local\ntitle: Local\nversion: "1"\ncontrols:\n  - cid: L-1\n    title: hangs\n    statement: x\n    criticality: MINIMAL\n    check: { type: command, run: "sleep 60", timeoutSeconds: 1 }\n  - cid: L-2\n    title: runs\n    statement: x\n    criticality: MINIMAL\n    check: { type: command, run: "echo ok", stdoutMatches: ["^ok$"] }\n', 'local.yaml');
    const target = await openTarget('local');
    const started = Date.now();
    const result = await scanCompliance(target, [policy], { scanName: 'local' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.policies[0]?.controls.map((control) => [control.cid, control.state, control.message])).toEqual([
      ['L-1', 'ERROR', 'command timed out after 1 s: sleep 60'],
      ['L-2', 'PASS', 'echo ok: as expected'],
    ]);
  });
});

describe('command output', () => {
  it('is an ERROR, not a shortened result, when a command prints more than the limit', async () => {
    const policy = parsePolicy('schemaVersion: 1\nid: loud\ntitle: Loud\nversion: "1"\ncontrols:\n  - cid: O-1\n    title: prints too much\n    statement: x\n    criticality: MINIMAL\n    check: { type: command, run: "head -c 9000000 /dev/zero", timeoutSeconds: 20 }\n', 'loud.yaml');
    const target = await openTarget('local');
    const result = await scanCompliance(target, [policy], { scanName: 'local' });
    expect(result.policies[0]?.controls.map((control) => [control.state, control.message])).toEqual([['ERROR', 'head -c 9000000 /dev/zero: printed more than 8388608 bytes']]);
  });
});

describe('the compliance HTML report in Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  const JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';";

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
    const file = path.join(work, 'report.html');
    await runTollgate(scanArgs('--format', `html=${file}`));
    const html = await readFile(file, 'utf8');
    const page = (csp: string | undefined) => (_request: unknown, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': csp } : {}) });
      response.end(html);
    };
    server = await startServer({ '/strict/report.html': page(JENKINS_CSP), '/open/report.html': page(undefined) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the Summary and every control as plain HTML under a strict CSP, fetching nothing', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${server.url}/strict/report.html`);
    const text = await page.innerText('body');
    for (const expected of ['Summary', 'All Controls', 'FAILED', 'Controls causing build failure: 67 of 128', 'Overall compliance: 47% of evaluated controls pass', 'TG-LNX-1006', 'PASS_MAX_DAYS 99999', 'Excluded control ids: none']) expect(text).toContain(expected);
    expect(await page.$$eval('#all-controls-table tbody tr', (rows) => rows.filter((row) => row.getBoundingClientRect().height > 0).length)).toBe(234);
    expect(requests).toEqual([`${server.url}/strict/report.html`]);
  });

  it('filters All Controls by criticality and status and pages them by 50 when scripts may run', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/open/report.html#controls`);
    const visibleRows = () => page.$$eval('#all-controls-table tbody tr', (rows) => rows.filter((row) => !row.hidden).length);
    expect(await visibleRows()).toBe(50);
    expect(await page.$$eval('#all-controls-pager button', (buttons) => buttons.length)).toBe(5);
    await page.click('#all-controls-pager button:nth-child(5)');
    expect(await visibleRows()).toBe(34);
    await page.selectOption('select[name=state]', 'FAIL');
    await page.selectOption('select[name=criticality]', 'SERIOUS');
    const shown = await page.$$eval('#all-controls-table tbody tr', (rows) => rows.filter((row) => !row.hidden).map((row) => `${row.getAttribute('data-state')}/${row.getAttribute('data-criticality')}`));
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set(['FAIL/SERIOUS']));
    expect(await page.innerText('.control-filters output')).toBe(`${shown.length} controls`);
  });
});
