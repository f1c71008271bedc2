/**
 * The GitLab CI/CD component in server mode, end to end: gitlab-ci-local 4.52.2 runs the component
 * (shell executor, offline; gitlab-pipeline.ts) with its server and via-sensor inputs and the token
 * as the masked TOLLGATE_TOKEN variable, against a `tollgate server` child and a real `tollgate
 * sensor --mode ci` serving a real dockerd (sensor-platform.ts). The job's result and reports are
 * those of the same component run standalone on the same daemon; no marker tag is left; the token
 * is never printed. A compliance scan by the component in server mode, run by a real `tollgate
 * worker` of a real sshd (compliance-platform.ts), fails the job with the standalone job's failing
 * controls, is listed by the server under the job's name and authentication record, and no token
 * or password reaches any output; an authentication failure passes the job with no report unless
 * fail-on-auth-failure is given.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceVerdict } from '../../src/model/index.js';
import { CLI } from '../support/cli.js';
import { comparableFailures, startCompliancePlatform, type CompliancePlatform } from './compliance-platform.js';
import { runPipeline, snippetArgs } from './gitlab-pipeline.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from './sensor-platform.js';

describe('the GitLab component with server and via-sensor, a sensor scanning the image', () => {
  let platform: SensorPlatform;
  let work: string;

  beforeAll(async () => {
    platform = await startSensorPlatform('gitlab-component-sensor');
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-gitlab-sensor-'));
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    await platform?.stop();
  });

  it('fails the job as the standalone job does, with the same reports, and leaves no marker tag', async () => {
    const dockerHost = `unix://${platform.dockerd.socket}`;
    const tollgate = `${process.execPath} ${CLI}`;
    const local = await runPipeline(work, { args: await snippetArgs(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--docker-host', dockerHost, '--db', platform.workspace.db, '--skip-db-update', '--fail-on', 'HIGH']), tollgate, 'job-name': 'scan-image' });
    const remoteArgs = await snippetArgs(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--docker-host', dockerHost, '--fail-on', 'HIGH']);
    const viaSensor = (): ReturnType<typeof runPipeline> => runPipeline(work, { args: remoteArgs, tollgate, 'job-name': 'scan-image', server: platform.server.url, 'via-sensor': true, poll: '0.5', timeout: '2*60' }, [`TOLLGATE_TOKEN=${platform.ciToken}`]);
    // The sensor registers and heartbeats after it starts: a run before it is live is repeated.
    let remote = await viaSensor();
    for (let attempt = 0; /no sensor in CI mode|not live/.test(remote.output) && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      remote = await viaSensor();
    }
    expect(remote.output).toMatch(/scan-image .*FAIL/);
    expect(local.output).toMatch(/scan-image .*FAIL/);
    const exitCode = async (project: string): Promise<unknown> => JSON.parse(await readFile(path.join(project, '.gitlab-ci-local', 'builds', 'scan-image', '.tollgate-exit-code'), 'utf8'));
    expect(await exitCode(remote.project), `${remote.output}\n--- sensor:\n${platform.sensorLog()}`).toBe(1);
    expect(await exitCode(local.project)).toBe(1);
    const artifact = (project: string, name: string): Promise<string> => readFile(path.join(project, '.gitlab-ci-local', 'artifacts', 'scan-image', name), 'utf8');
    const withoutVolatile = (text: string): unknown => {
      const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    expect(withoutVolatile(await artifact(remote.project, 'tollgate-report.json'))).toEqual(withoutVolatile(await artifact(local.project, 'tollgate-report.json')));
    const report = (text: string): { vulnerabilities: unknown[] } => JSON.parse(text) as { vulnerabilities: unknown[] };
    const [remoteReport, localReport] = [report(await artifact(remote.project, 'gl-container-scanning-report.json')), report(await artifact(local.project, 'gl-container-scanning-report.json'))];
    expect(remoteReport.vulnerabilities.length).toBeGreaterThan(0);
    expect(remoteReport.vulnerabilities).toEqual(localReport.vulnerabilities);
    const junit = async (project: string): Promise<string> => (await artifact(project, 'tollgate-junit.xml')).replace(/ timestamp="[^"]*"/g, '');
    expect(await junit(remote.project)).toBe(await junit(local.project));
    await expect.poll(async () => platform.tagsOf(platform.imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
    expect(remote.output).not.toContain(platform.ciToken);
    expect(platform.sensorLog()).not.toContain(platform.ciToken);
  }, 300_000);
});

describe('the GitLab component with server, a worker scanning the host', () => {
  let platform: CompliancePlatform;
  let work: string;
  const tollgate = `${process.execPath} ${CLI}`;
  const policies = ['--policy', 'linux-baseline-debian', '--policy', 'ssh-server'];

  beforeAll(async () => {
    platform = await startCompliancePlatform('gitlab-component-worker');
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-gitlab-worker-'));
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
    if (!platform) return;
    const secrets = platform.secrets();
    const all = await platform.stop();
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  const secretVariables = (): string[] => Object.entries(platform.secretEnv).map(([name, value]) => `${name}=${value}`);
  /** The component in server mode for the sshd's address, the token as the masked variable; the output is kept for the secret check. */
  const viaServer = async (...flags: string[]): Promise<Awaited<ReturnType<typeof runPipeline>>> => {
    const args = await snippetArgs(['compliance', 'scan', ...policies, '--credentials', platform.credentials, '--scanner', 'External', '--create-auth-record', 'unix', ...flags, `127.0.0.1:${platform.sshd.port}`]);
    const run = await runPipeline(work, { args, tollgate, 'job-name': 'scan-host', server: platform.server.url, poll: '0.01', timeout: '2*2' }, [`TOLLGATE_TOKEN=${platform.ciToken}`, ...secretVariables()]);
    platform.record(run.output);
    return run;
  };
  const build = (project: string, name: string): Promise<string> => readFile(path.join(project, '.gitlab-ci-local', 'builds', 'scan-host', name), 'utf8');
  const exitCode = async (project: string): Promise<unknown> => JSON.parse(await build(project, '.tollgate-exit-code'));

  it('fails the job with the standalone job’s failing controls, and the server lists the scan under the job’s name', async () => {
    const localArgs = await snippetArgs(['compliance', 'scan', ...policies, '--credentials', platform.credentials, '--auth', 'pw', '--ssh-host-key', platform.sshd.hostKeyFingerprint, `ssh://127.0.0.1:${platform.sshd.port}`]);
    const local = await runPipeline(work, { args: localArgs, tollgate, 'job-name': 'scan-host' }, secretVariables());
    platform.record(local.output);
    const remote = await viaServer('--auth', 'pw');
    expect(remote.output).toMatch(/^\s*FAIL\s+scan-host/m);
    expect(local.output).toMatch(/^\s*FAIL\s+scan-host/m);
    expect(await exitCode(remote.project), remote.output).toBe(1);
    expect(await exitCode(local.project), local.output).toBe(1);
    const verdictOf = async (project: string): Promise<ComplianceVerdict> => (JSON.parse(await build(project, 'tollgate-report.json')) as { verdict: ComplianceVerdict }).verdict;
    const [viaWorker, alone] = [await verdictOf(remote.project), await verdictOf(local.project)];
    expect(viaWorker.passed).toBe(false);
    expect(viaWorker.controlsEvaluated).toBe(alone.controlsEvaluated);
    const failing = comparableFailures(viaWorker, alone);
    expect(failing.first.length).toBeGreaterThan(0);
    expect(failing.first).toEqual(failing.second);
    // JUnit for GitLab's test tab: a failed test case per failing control.
    const junit = await readFile(path.join(remote.project, '.gitlab-ci-local', 'artifacts', 'scan-host', 'tollgate-junit.xml'), 'utf8');
    expect((junit.match(/<failure/g) ?? []).length).toBeGreaterThanOrEqual(failing.first.length);
    // The scan ran on the server: named from the GitLab job, with the record the job created, finished by the External worker.
    const listed = await platform.server.api('GET', '/compliance-scans', platform.server.adminToken);
    expect(listed.status).toBe(200);
    const scans = listed.body as { name: string; authRecord: string; scanner: string; state: string; address: string }[];
    expect(scans).toEqual([expect.objectContaining({ authRecord: 'tollgate_unix_scan-host', scanner: 'External', state: 'Finished' })]);
    expect(scans[0]?.name).toMatch(/^tollgate scan-host /);
  }, 300_000);

  it('an authentication failure passes the job with no report, and fails it with fail-on-auth-failure', async () => {
    const passing = await viaServer('--auth', 'wrong');
    expect(passing.output).toMatch(/^\s*PASS\s+scan-host/m);
    expect(await exitCode(passing.project), passing.output).toBe(0);
    expect(passing.output).toMatch(/authentication/i);
    await expect(build(passing.project, 'tollgate-report.json')).rejects.toThrow(/ENOENT/);
    const failing = await viaServer('--auth', 'wrong', '--fail-on-auth-failure');
    expect(failing.output).toMatch(/^\s*FAIL\s+scan-host/m);
    expect(await exitCode(failing.project), failing.output).toBe(1);
  }, 300_000);
});
