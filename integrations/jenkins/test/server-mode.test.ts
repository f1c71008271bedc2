/**
 * tollgateComplianceScan in server mode end to end: the step run by the step harness in run mode,
 * so its `sh` really runs the built CLI with the environment the step built (TOLLGATE_TOKEN and
 * TOLLGATE_CREDENTIALS bound by withCredentials from the credentials the scenario holds), against
 * a real `tollgate server` child, a real `tollgate worker` and a real sshd on loopback
 * (test/e2e/compliance-platform.ts). The build result, the junit and recordIssues calls and the
 * files they publish are those of the standalone step scanning the same host from the agent; a
 * wrong password passes with a warning unless failByAuth; no secret is in what the CLI wrote.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceVerdict } from '../../../src/model/index.js';
import { CLI } from '../../../test/support/cli.js';
import { comparableFailures, startCompliancePlatform, type CompliancePlatform } from '../../../test/e2e/compliance-platform.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from '../../../test/e2e/sensor-platform.js';
import { requireGroovy, runHarness, stepsOf, type Outcome, type Scenario } from './step-harness.js';

const POLICIES = ['linux-baseline-debian', 'ssh-server'];
const TOKEN_CREDENTIAL = 'tollgate-token';
const RECORDS_CREDENTIAL = 'tollgate-auth-records';

let platform: CompliancePlatform;
let outcomes: Map<string, Outcome>;
const workspaces: Record<string, string> = {};

const outcome = (name: string): Outcome => {
  const found = outcomes.get(name);
  if (!found) throw new Error(`no outcome ${name}`);
  return found;
};
const verdictOf = async (name: string): Promise<ComplianceVerdict> => JSON.parse(await readFile(path.join(workspaces[name] as string, 'tollgate-reports/tollgate-compliance-verdict.json'), 'utf8')) as ComplianceVerdict;

beforeAll(async () => {
  requireGroovy();
  platform = await startCompliancePlatform('jenkins-server-mode');
  const wrapper = path.join(platform.work, 'tollgate');
  await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  await chmod(wrapper, 0o755);
  const strict = { failByStateAndCriticality: true, stateFail: true, criticalityUrgent: true, criticalityCritical: true, criticalitySerious: true, criticalityMedium: true, criticalityMinimal: true };
  const host = { host: '127.0.0.1', port: platform.sshd.port, policies: POLICIES, tollgate: wrapper, vulnsTimeout: '2*2', ...strict };
  const server = { ...host, serverUrl: platform.server.url, serverCredentialsId: TOKEN_CREDENTIAL, credentialsId: RECORDS_CREDENTIAL, createAuthRecord: true, scanner: 'External', pollingInterval: '0.01' };
  const credentials = { [TOKEN_CREDENTIAL]: platform.ciToken, [RECORDS_CREDENTIAL]: platform.credentials };
  const scenarios: Scenario[] = [];
  for (const [name, config, job] of [
    ['server', { ...server, authRecord: 'pw' }, 'jenkins/app'],
    ['standalone', { ...host, credentialsId: RECORDS_CREDENTIAL, authRecord: 'pw', hostKey: platform.sshd.hostKeyFingerprint }, 'jenkins/app'],
    ['wrong password', { ...server, authRecord: 'wrong' }, 'jenkins/auth'],
    ['wrong password failByAuth', { ...server, authRecord: 'wrong', failByAuth: true }, 'jenkins/auth'],
  ] as const) {
    workspaces[name] = path.join(platform.work, `step-${name.replace(/\s/g, '-')}`);
    await mkdir(workspaces[name] as string);
    // The passwords are in the agent's environment, where the records file's { env: ... } reads them.
    scenarios.push({ name, step: 'tollgateComplianceScan', config, workspace: workspaces[name], env: { JOB_NAME: job, BUILD_NUMBER: '5', ...platform.secretEnv }, credentials });
  }
  outcomes = await runHarness(platform.work, scenarios);
  for (const each of outcomes.values()) platform.record(each.log);
}, 600_000);

afterAll(async () => {
  if (!platform) return;
  const secrets = platform.secrets();
  const all = await platform.stop();
  for (const secret of secrets) expect(all).not.toContain(secret);
});

describe('tollgateComplianceScan with serverUrl, a worker scanning the host', () => {
  it('binds the token and the records file, and leaves the standalone step’s build result, calls and published files', async () => {
    const remote = outcome('server');
    const local = outcome('standalone');
    expect(remote.calls[0]?.args).toEqual([{ binding: 'string', credentialsId: TOKEN_CREDENTIAL, variable: 'TOLLGATE_TOKEN' }, { binding: 'file', credentialsId: RECORDS_CREDENTIAL, variable: 'TOLLGATE_CREDENTIALS' }]);
    expect(String(remote.calls[1]?.args.script)).toContain(`'--server' '${platform.server.url}'`);
    expect(remote.log).not.toMatch(/WARNING/);
    // The sshd container fails controls of both baselines: both steps fail the build after publishing.
    expect(remote.result, remote.log).toBe('FAILURE');
    expect(local.result, local.log).toBe('FAILURE');
    expect(stepsOf(remote)).toEqual(['withCredentials', 'sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
    expect(stepsOf(local)).toEqual(stepsOf(remote));
    expect(remote.calls.slice(3, 6)).toEqual(local.calls.slice(3, 6));

    const [viaWorker, alone] = [await verdictOf('server'), await verdictOf('standalone')];
    const failing = comparableFailures(viaWorker, alone);
    expect(failing.first.length).toBeGreaterThan(0);
    expect(failing.first).toEqual(failing.second);
    if (failing.erred === 0) expect(remote.message).toBe(local.message);

    const reports = path.join(workspaces.server as string, 'tollgate-reports');
    const issues = JSON.parse(await readFile(path.join(reports, 'tollgate-compliance-issues.json'), 'utf8')) as { issues: unknown[] };
    // One issue per failing control at least (controls in other states the gate does not fail on are issues too).
    expect(issues.issues.length).toBeGreaterThanOrEqual(viaWorker.controlsCausingFailure.length);
    const junit = await readFile(path.join(reports, 'tollgate-compliance-junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length ?? 0).toBeGreaterThan(60);
    expect(await readFile(path.join(reports, 'tollgate-compliance-report.html'), 'utf8')).toContain('<html');

    // createAuthRecord made the pipeline's record from the records file, named for the job.
    const record = await platform.server.api('GET', '/auth-records/tollgate_unix_jenkins_app', platform.ciToken);
    expect(record.body).toMatchObject({ hasPassword: true, sudo: true, port: platform.sshd.port });
  });

  it('a wrong password passes the build with a warning and nothing published, and fails it with failByAuth', () => {
    const passing = outcome('wrong password');
    expect(passing.result, `${passing.message}\n${passing.log}`).toBe('SUCCESS');
    expect(passing.log).toMatch(/WARNING: .*authentication/i);
    expect(stepsOf(passing)).toEqual(['withCredentials', 'sh', 'fileExists', 'echo']);
    expect(passing.returned).toMatchObject({ passed: true, exitCode: 0, verdictFile: null });
    const failing = outcome('wrong password failByAuth');
    expect(failing.result).toBe('FAILURE');
    expect(failing.message).toMatch(/^tollgateComplianceScan: .*authentication/i);
    expect(stepsOf(failing)).toEqual(['withCredentials', 'sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
  });
});

describe('tollgateImageScan with serverUrl and viaSensor, a sensor scanning the image', () => {
  let sensor: SensorPlatform;
  let images: Map<string, Outcome>;
  const folders: Record<string, string> = {};

  beforeAll(async () => {
    sensor = await startSensorPlatform('jenkins-image-sensor');
    const wrapper = path.join(sensor.workspace.work, 'tollgate');
    await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    await chmod(wrapper, 0o755);
    const image = { imageIds: `docker:${SENSOR_IMAGE}`, dockerUrl: `unix://${sensor.dockerd.socket}`, tollgate: wrapper, isFailOnSevereVulns: true, isSev5Vulns: true, isSev4Vulns: true };
    const scenarios: Scenario[] = [];
    for (const [name, config] of [
      ['via sensor', { ...image, serverUrl: sensor.server.url, serverCredentialsId: TOKEN_CREDENTIAL, viaSensor: true, poll: '0.5', timeout: '2*60' }],
      ['standalone', { ...image, db: sensor.workspace.db, skipDbUpdate: true }],
    ] as const) {
      folders[name] = path.join(sensor.workspace.work, `step-${name.replace(/\s/g, '-')}`);
      await mkdir(folders[name] as string);
      scenarios.push({ name, step: 'tollgateImageScan', config, workspace: folders[name], env: { JOB_NAME: 'app', BUILD_NUMBER: '3' }, credentials: { [TOKEN_CREDENTIAL]: sensor.ciToken } });
    }
    await sensor.waitForLiveSensor();
    images = await runHarness(sensor.workspace.work, scenarios);
  }, 600_000);

  afterAll(async () => {
    await sensor?.stop();
  });

  it('binds the token, and leaves the standalone step’s build result, calls and published files; no marker tag left', async () => {
    const remote = images.get('via sensor');
    const local = images.get('standalone');
    expect(remote?.calls[0]?.args).toEqual([{ binding: 'string', credentialsId: TOKEN_CREDENTIAL, variable: 'TOLLGATE_TOKEN' }]);
    expect(String(remote?.calls[1]?.args.script)).toContain("'--via-sensor'");
    expect(remote?.result, `${remote?.message}\n${remote?.log}\n--- sensor:\n${sensor.sensorLog()}`).toBe('FAILURE');
    expect(local?.result).toBe('FAILURE');
    expect(remote?.message).toBe(local?.message);
    expect(stepsOf(remote)).toEqual(['withCredentials', 'sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
    expect(remote?.calls.slice(2)).toEqual(local?.calls.slice(1));
    const published = (name: string, file: string): Promise<string> => readFile(path.join(folders[name] as string, 'tollgate-reports', file), 'utf8');
    expect(await published('via sensor', 'tollgate-image-verdict.json')).toBe(await published('standalone', 'tollgate-image-verdict.json'));
    expect(await published('via sensor', 'tollgate-image-issues.json')).toBe(await published('standalone', 'tollgate-image-issues.json'));
    await expect.poll(async () => sensor.tagsOf(sensor.imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
    expect(remote?.log).not.toContain(sensor.ciToken);
    expect(sensor.sensorLog()).not.toContain(sensor.ciToken);
  });
});
