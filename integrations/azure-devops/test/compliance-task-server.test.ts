/**
 * The built compliance task in server mode, end to end: the task run as the agent runs it, over
 * the real CLI, against a real `tollgate server` child (SQLite), a real `tollgate worker` and a
 * real sshd on loopback (test/e2e/compliance-platform.ts). Its `##vso` lines, summary, JUnit and
 * verdict are those of the standalone task scanning the same host from the agent; a wrong password
 * passes with a warning or fails with "fail on authentication failure"; neither the passwords nor
 * the token reach the output (the token only in the setsecret line the agent masks with). An
 * `ec2:` target with the cloud connector input is resolved by the server's cloud connector through
 * the EC2 DescribeInstances STUB (AWS cannot run here) and scanned by the worker at the address the
 * stub gives, with the standalone task's failing controls.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceVerdict } from '../../../src/model/index.js';
import { startEc2DescribeStub, type Ec2DescribeStub } from '../../../src/server/cloud/test-support/ec2-describe-stub.js';
import { PASSWORD_USER } from '../../../test/support/sshd.js';
import { CLI } from '../../../test/support/cli.js';
import { comparableFailures, startCompliancePlatform, type CompliancePlatform } from '../../../test/e2e/compliance-platform.js';
import { buildExtension } from '../scripts/build.mjs';
import { CONNECTION, serviceConnection } from './support/service-connection.js';
import { reportFolder, runTask, TASK_INSTANCE_ID, type TaskRun } from './support/task-run.js';

const POLICIES = 'linux-baseline-debian\nssh-server';

let platform: CompliancePlatform;
let built: string;
let task: string;

beforeAll(async () => {
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  [platform] = await Promise.all([startCompliancePlatform('azure-compliance-server'), buildExtension(built)]);
  task = path.join(built, 'tollgate-compliance-scan');
}, 300_000);

afterAll(async () => {
  if (built) rmSync(built, { recursive: true, force: true });
  if (!platform) return;
  const secrets = platform.secrets();
  const all = await platform.stop();
  for (const secret of secrets) expect(all).not.toContain(secret);
});

/** Runs the task; its output is kept for the secret check, the one setsecret line (what the agent masks with) left out. */
async function scan(inputs: Record<string, string>, variables: Record<string, string> = {}): Promise<TaskRun> {
  const run = await runTask(task, { inputs: { tollgatePath: CLI, target: `127.0.0.1:${platform.sshd.port}`, policies: POLICIES, ...inputs }, variables: { ...platform.secretEnv, ...variables } });
  platform.record(run.stdout.replace(`##vso[task.setsecret]${platform.ciToken}`, ''));
  return run;
}

const serverMode = (inputs: Record<string, string>, job: string): Promise<TaskRun> =>
  scan(
    { mode: 'server', tollgateServer: CONNECTION, scanner: 'External', pollingFrequency: '0.01', timeout: '2*2', credentialsFile: platform.credentials, createAuthRecord: 'true', ...inputs },
    { ...serviceConnection(platform.server.url, platform.ciToken), BUILD_DEFINITIONNAME: job, BUILD_BUILDNUMBER: '20261203.7' },
  );

/** The verdict file a task run wrote. */
const verdictOf = async (run: TaskRun): Promise<ComplianceVerdict> => JSON.parse(await readFile(path.join(reportFolder(run), 'tollgate-verdict.json'), 'utf8')) as ComplianceVerdict;

/** The `##vso` lines with the run's own folder and counts made comparable. */
function shape(run: TaskRun): string[] {
  return run.commands.filter((line) => !line.startsWith('##vso[task.setsecret]')).map((line) => line.replaceAll(reportFolder(run), '<folder>').replace(/(variable=(?:controlsEvaluated|controlsFailing);[^\]]*\])\d+$/, '$1<n>').replace(/: \d+ of \d+ controls/, ': <n> of <n> controls'));
}

describe('the compliance task in server mode, with a worker scanning the host', () => {
  it('gives the standalone task’s ##vso lines, summary, JUnit and verdict for the same host', async () => {
    const remote = await serverMode({ authenticationRecord: 'pw' }, 'azure app');
    const local = await scan({ credentialsFile: platform.credentials, authenticationRecord: 'pw', sshHostKey: platform.sshd.hostKeyFingerprint });
    expect(remote.commands[0]).toBe(`##vso[task.setsecret]${platform.ciToken}`);
    expect(remote.stdout).toContain(`--server ${platform.server.url}`);
    expect(remote.stdout).not.toMatch(/WARNING/);
    expect(shape(remote)).toEqual(shape(local));
    const folder = reportFolder(remote);
    const name = `${TASK_INSTANCE_ID}.compliance`;
    expect(remote.commands.slice(1, 3)).toEqual([`##vso[task.uploadsummary]${folder}/tollgate-summary.md`, `##vso[task.addattachment type=tollgate-compliance-scan;name=${name};]${folder}/${name}.json`]);
    expect(remote.commands).toContain(`##vso[task.setvariable variable=junitFile;isOutput=true;issecret=false;]${folder}/tollgate-junit.xml`);

    const [viaWorker, alone] = [await verdictOf(remote), await verdictOf(local)];
    expect(viaWorker.passed).toBe(alone.passed);
    // The pristine sshd container fails controls of both baselines, so the gate has something to agree on.
    expect(alone.controlsCausingFailure.length).toBeGreaterThan(0);
    const failing = comparableFailures(viaWorker, alone);
    expect(failing.first).toEqual(failing.second);
    if (failing.erred === 0) expect(remote.commands.at(-1)).toBe(local.commands.at(-1));

    const summary = await readFile(path.join(folder, 'tollgate-summary.md'), 'utf8');
    expect(summary).toContain(viaWorker.controlsCausingFailure[0]?.cid ?? 'no failing control');
    const junit = await readFile(path.join(folder, 'tollgate-junit.xml'), 'utf8');
    const localJunit = await readFile(path.join(reportFolder(local), 'tollgate-junit.xml'), 'utf8');
    const testcases = (xml: string): number => xml.match(/<testcase /g)?.length ?? 0;
    expect(testcases(junit)).toBeGreaterThan(60);
    expect(testcases(junit)).toBe(testcases(localJunit));
    expect(junit.match(/<failure /g)?.length ?? 0).toBeGreaterThanOrEqual(failing.first.length);

    // The pipeline's record, named for the build definition, was created on the server with the password sealed.
    const record = await platform.server.api('GET', '/auth-records/tollgate_unix_azure_app', platform.ciToken);
    expect(record.body).toMatchObject({ hasPassword: true, sudo: true, port: platform.sshd.port });
  }, 300_000);

  it('a wrong password passes with a warning and no report, and fails with fail on authentication failure', async () => {
    const passing = await serverMode({ authenticationRecord: 'wrong' }, 'azure auth');
    expect(passing.commands.filter((line) => /addattachment|setvariable/.test(line))).toEqual([]);
    expect(passing.commands.find((line) => line.startsWith('##vso[task.issue type=warning'))).toMatch(/authentication/i);
    expect(passing.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    const failing = await serverMode({ authenticationRecord: 'wrong', failOnAuthFailure: 'true' }, 'azure auth');
    expect(failing.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the gate failed: .*authentication/i);
    expect(failing.commands).toContain('##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]false');
  }, 300_000);
});

describe('the compliance task in server mode, an ec2: target resolved by the server’s cloud connector', () => {
  const instance = 'i-0a1b2c3d4e5f6a7b8';
  const access = { region: 'eu-central-1', accessKeyId: 'AKIATOLLGATESTUB0002', secretAccessKey: `stub/${randomBytes(24).toString('base64url')}` };
  let stub: Ec2DescribeStub;

  beforeAll(async () => {
    stub = await startEc2DescribeStub(access);
    stub.instances.set(instance, { instanceId: instance, state: 'running', privateIpAddress: '127.0.0.1' });
    const connector = await platform.server.api('PUT', '/cloud-connectors/aws-test', platform.server.adminToken, { provider: 'aws', region: access.region, accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey, endpoint: stub.endpoint, enabled: true, runConnector: true });
    expect(connector.status, JSON.stringify(connector.body)).toBe(201);
    // An instance id carries no SSH port: the record stored on the server does.
    const record = await platform.server.api('PUT', '/auth-records/ec2-pw', platform.ciToken, { type: 'unix', user: PASSWORD_USER, password: platform.sshd.password, sudo: true, sudoPassword: platform.sshd.password, port: platform.sshd.port });
    expect(record.status, JSON.stringify(record.body)).toBe(201);
  });

  afterAll(async () => {
    await stub?.close();
    expect(platform.outputs()).not.toContain(access.secretAccessKey);
  });

  it('scans the instance at the address EC2 gives, with the standalone task’s failing controls', async () => {
    const remote = await scan(
      { mode: 'server', tollgateServer: CONNECTION, scanner: 'External', pollingFrequency: '0.01', timeout: '2*2', target: `ec2:${instance}`, cloudConnector: 'aws-test', authenticationRecord: 'ec2-pw' },
      { ...serviceConnection(platform.server.url, platform.ciToken), BUILD_DEFINITIONNAME: 'azure cloud', BUILD_BUILDNUMBER: '20261203.8' },
    );
    expect(remote.stdout).toContain(`compliance scan ec2:${instance} `);
    expect(remote.stdout).toContain('--cloud-connector aws-test');
    expect(remote.stdout).not.toMatch(/WARNING/);
    expect(stub.requests).toContainEqual([instance]);
    const local = await scan({ credentialsFile: platform.credentials, authenticationRecord: 'pw', sshHostKey: platform.sshd.hostKeyFingerprint });
    const [viaCloud, alone] = [await verdictOf(remote), await verdictOf(local)];
    expect(viaCloud.passed).toBe(alone.passed);
    expect(alone.controlsCausingFailure.length).toBeGreaterThan(0);
    const failing = comparableFailures(viaCloud, alone);
    expect(failing.first).toEqual(failing.second);
    expect(remote.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the gate failed/);
    const name = `${TASK_INSTANCE_ID}.compliance`;
    const attached = JSON.parse(await readFile(path.join(reportFolder(remote), `${name}.json`), 'utf8')) as { result?: { target?: { name?: string } } };
    expect(JSON.stringify(attached)).toContain(`127.0.0.1:${platform.sshd.port}`);
  }, 300_000);
});
