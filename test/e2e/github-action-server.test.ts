/**
 * The bundled GitHub Action with its server inputs, end to end: run as a runner runs it
 * (github-action-run.ts) over the built CLI. An image scanned through a real `tollgate sensor
 * --mode ci` serving a real dockerd (sensor-platform.ts) gives the standalone action's outputs and
 * job summary, and leaves no marker tag; an image scanned on the runner and uploaded (server without
 * via-sensor) gives the standalone action's outputs, summary, SARIF and verdict, marks nothing for
 * the sensor, and is listed by the server under the scan id the CLI logged; a compliance scan by a real `tollgate worker` of a real
 * sshd (compliance-platform.ts) gives the standalone action's verdict, and a wrong password passes
 * with a warning or fails with fail-on-auth-failure. The token is only in the runner's add-mask
 * line; no password is anywhere.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceVerdict } from '../../src/model/index.js';
import { comparableFailures, startCompliancePlatform, type CompliancePlatform } from './compliance-platform.js';
import { runAction, type ActionRun } from './github-action-run.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from './sensor-platform.js';
import { TEST_ADMIN_TOKEN } from '../../src/server/test-support/harness.js';

/** The outputs without the report paths, which differ by run. */
const values = (run: ActionRun): Record<string, string> => Object.fromEntries(Object.entries(run.outputs).filter(([name]) => !['verdict', 'json', 'markdown', 'sarif'].includes(name)));

describe('the action with server and via-sensor, a sensor scanning the image', () => {
  let platform: SensorPlatform;
  let work: string;

  beforeAll(async () => {
    platform = await startSensorPlatform('github-action-sensor');
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-action-sensor-'));
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    await platform?.stop();
  });

  it('gives the standalone action’s outputs and job summary, and leaves no marker tag', async () => {
    const image = { images: `docker:${SENSOR_IMAGE}`, 'docker-host': `unix://${platform.dockerd.socket}`, 'fail-on': 'HIGH' };
    const local = await runAction(work, { ...image, db: platform.workspace.db, 'skip-db-update': 'true' });
    const once = (): Promise<ActionRun> => runAction(work, { ...image, server: platform.server.url, 'via-sensor': 'true', poll: '0.5', timeout: '2*60', token: platform.ciToken });
    // The sensor registers and heartbeats after it starts: a run before it is live is repeated.
    let remote = await once();
    for (let attempt = 0; remote.outputs['exit-code'] === '3' && /no sensor in CI mode|not live/.test(remote.stdout) && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      remote = await once();
    }
    expect(remote.code, `${remote.stdout}\n--- sensor:\n${platform.sensorLog()}`).toBe(1);
    expect(local.code).toBe(1);
    expect(remote.stdout).toMatch(/^::error::Tollgate: the gate failed: /m);
    expect(values(remote)).toEqual(values(local));
    expect(Number(remote.outputs.findings)).toBeGreaterThan(0);
    expect(remote.summary).toContain('❌ failed');
    expect(remote.summary).toBe(local.summary);
    expect(await readFile(remote.outputs.verdict ?? '', 'utf8')).toBe(await readFile(local.outputs.verdict ?? '', 'utf8'));
    expect(await readFile(remote.outputs.sarif ?? '', 'utf8')).toBe(await readFile(local.outputs.sarif ?? '', 'utf8'));
    await expect.poll(async () => platform.tagsOf(platform.imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
    expect(remote.stdout.split(platform.ciToken).length - 1).toBe(1);
    expect(remote.stdout).toContain(`::add-mask::${platform.ciToken}`);
    expect(platform.sensorLog()).not.toContain(platform.ciToken);
  }, 300_000);
});

describe('the action with server and no via-sensor, the runner scanning and uploading', () => {
  let platform: SensorPlatform;
  let work: string;

  beforeAll(async () => {
    // A live CI-mode sensor serves the daemon too: the upload path must not mark the image for it.
    platform = await startSensorPlatform('github-action-upload');
    await platform.waitForLiveSensor();
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-action-upload-'));
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    await platform?.stop();
  });

  const asAdmin = async (url: string): Promise<unknown> => {
    const response = await fetch(`${platform.server.url}${url}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(response.status, url).toBe(200);
    return response.json();
  };

  it('gives the standalone action’s outputs, summary, SARIF and verdict, and the server lists the uploaded scan', async () => {
    const image = { images: `docker:${SENSOR_IMAGE}`, 'docker-host': `unix://${platform.dockerd.socket}`, 'fail-on': 'HIGH', db: platform.workspace.db, 'skip-db-update': 'true' };
    const local = await runAction(work, image);
    const uploaded = await runAction(work, { ...image, server: platform.server.url, token: platform.ciToken });
    expect(uploaded.code, `${uploaded.stdout}\n${uploaded.stderr}`).toBe(1);
    expect(local.code).toBe(1);
    expect(uploaded.stdout).toMatch(/^::error::Tollgate: the gate failed: /m);
    expect(uploaded.stdout).toMatch(/^tollgate image scan /m);
    expect(uploaded.stdout).toContain(` --server ${platform.server.url} `);
    expect(uploaded.stdout).not.toContain('--via-sensor');
    expect(values(uploaded)).toEqual(values(local));
    expect(Number(uploaded.outputs.findings)).toBeGreaterThan(0);
    expect(uploaded.summary).toContain('❌ failed');
    expect(uploaded.summary).toBe(local.summary);
    expect(await readFile(uploaded.outputs.verdict ?? '', 'utf8')).toBe(await readFile(local.outputs.verdict ?? '', 'utf8'));
    expect(uploaded.outputs.sarif).not.toBe('');
    expect(await readFile(uploaded.outputs.sarif ?? '', 'utf8')).toBe(await readFile(local.outputs.sarif ?? '', 'utf8'));

    // The token is on the runner's add-mask line and nowhere else: not on the command line, not in the CLI's log.
    expect(uploaded.stdout.split(platform.ciToken).length - 1).toBe(1);
    expect(uploaded.stdout).toContain(`::add-mask::${platform.ciToken}`);
    expect(uploaded.stderr).not.toContain(platform.ciToken);
    expect(uploaded.summary).not.toContain(platform.ciToken);

    // The server holds the scan the CLI logged, as the image's only scan: the sensor was never asked to scan it.
    const scanId = /result stored on \S+ as (cli-[0-9a-f-]+)/.exec(uploaded.stderr)?.[1];
    expect(scanId, uploaded.stderr).toBeDefined();
    const { images } = (await asAdmin('/api/v1/images')) as { images: { digest: string }[] };
    expect(images).toHaveLength(1);
    const stored = (await asAdmin(`/api/v1/images/${images[0]?.digest ?? ''}`)) as { scans: { scanId: string; status: string }[] };
    expect(stored.scans).toEqual([expect.objectContaining({ scanId, status: 'complete' })]);
    const result = (await asAdmin(`/api/v1/images/${platform.imageId}/scan`)) as { scanId: string; result: { findings: unknown[] } };
    expect(result.scanId).toBe(scanId);
    expect(result.result.findings).toEqual((JSON.parse(await readFile(uploaded.outputs.json ?? '', 'utf8')) as { findings: unknown[] }).findings);
    expect(await platform.tagsOf(platform.imageId)).toEqual([SENSOR_IMAGE]);
  }, 300_000);
});

describe('the action with server, a worker scanning the host', () => {
  let platform: CompliancePlatform;
  let work: string;
  const policies = 'linux-baseline-debian\nssh-server';

  beforeAll(async () => {
    platform = await startCompliancePlatform('github-action-worker');
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-action-worker-'));
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    if (!platform) return;
    const secrets = platform.secrets();
    const all = await platform.stop();
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  const scan = async (inputs: Record<string, string>): Promise<ActionRun> => {
    const run = await runAction(work, { command: 'compliance', policy: policies, credentials: platform.credentials, ...inputs }, { ...platform.secretEnv, GITHUB_WORKFLOW: 'gh app', GITHUB_RUN_NUMBER: '9' });
    platform.record(run.stdout.replace(`::add-mask::${platform.ciToken}`, '') + run.summary);
    return run;
  };
  const viaServer = (inputs: Record<string, string>): Promise<ActionRun> => scan({ target: `127.0.0.1:${platform.sshd.port}`, server: platform.server.url, scanner: 'External', poll: '0.01', timeout: '2*2', 'create-auth-record': 'unix', token: platform.ciToken, ...inputs });

  it('gives the standalone action’s verdict and outputs for the same host', async () => {
    const remote = await viaServer({ auth: 'pw' });
    const local = await scan({ target: `ssh://127.0.0.1:${platform.sshd.port}`, auth: 'pw', 'ssh-host-key': platform.sshd.hostKeyFingerprint });
    expect(remote.code, remote.stdout).toBe(local.code);
    expect(remote.outputs.passed).toBe(local.outputs.passed);
    expect(remote.outputs['controls-evaluated']).toBe(local.outputs['controls-evaluated']);
    const verdictOf = async (run: ActionRun): Promise<ComplianceVerdict> => JSON.parse(await readFile(run.outputs.verdict ?? '', 'utf8')) as ComplianceVerdict;
    const [viaWorker, alone] = [await verdictOf(remote), await verdictOf(local)];
    const failing = comparableFailures(viaWorker, alone);
    expect(failing.first.length).toBeGreaterThan(0);
    expect(failing.first).toEqual(failing.second);
    expect(remote.summary.length).toBeGreaterThan(0);
    expect(remote.summary).toBe(await readFile(remote.outputs.markdown ?? '', 'utf8'));
    expect(remote.outputs.sarif).toBe('');
  }, 300_000);

  it('a wrong password passes with a warning and no report, and fails with fail-on-auth-failure', async () => {
    const passing = await viaServer({ auth: 'wrong' });
    expect(passing.code, passing.stdout).toBe(0);
    expect(passing.stdout).toMatch(/^::warning::Tollgate: passed without a verdict: .*authentication/im);
    expect(passing.outputs).toMatchObject({ 'exit-code': '0', passed: 'true', verdict: '', json: '' });
    expect(passing.summary).toMatch(/passed without a verdict/);
    const failing = await viaServer({ auth: 'wrong', 'fail-on-auth-failure': 'true' });
    expect(failing.code).toBe(1);
    expect(failing.outputs.passed).toBe('false');
    expect(failing.stdout).toMatch(/^::error::Tollgate: the gate failed: .*authentication/im);
  }, 300_000);
});
