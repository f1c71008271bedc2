/**
 * The tasks under azure-pipelines-task-lib's own mock test runner (MockTestRunner), offline: the
 * runner downloads a Node build into ~/azure-pipelines-task-lib/_download/node<major> unless it
 * finds one there with a `.completed` marker, so the test seeds that folder (under a HOME of its
 * own) with the Node that runs the tests and asks for major 20. The task library's mock answers
 * stand in for the CLI: these tests pin the command line each task builds and how it reacts to
 * each exit code; the black-box tests run the real CLI.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockTestRunner as Runner } from 'azure-pipelines-task-lib/mock-test.js';
import { buildMockTasks, EXTENSION_ROOT } from '../scripts/build.mjs';

/** The Node version the runner downloads for major 20 (azure-pipelines-task-lib 5.x, mock-test.js). */
const RUNNER_NODE20 = 'v20.13.1';
const MOCK_FILE = path.join(EXTENSION_ROOT, 'test', 'mock', 'run-task.mock.cjs');

let home: string;
let tasks: string;
let temp: string;
let MockTestRunner: new (testPath: string, taskJsonPath?: string) => Runner;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'tollgate-mock-home-'));
  const bin = path.join(home, 'azure-pipelines-task-lib', '_download', 'node20', `node-${RUNNER_NODE20}-linux-x64`, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, path.join(bin, 'node'));
  writeFileSync(path.join(home, 'azure-pipelines-task-lib', '_download', 'node20.completed'), '');
  // mock-test.js reads HOME once, when it is loaded.
  process.env.HOME = home;
  process.env.TASK_NODE_URL = 'http://127.0.0.1:9/tests-stay-offline';
  ({ MockTestRunner } = (await import('azure-pipelines-task-lib/mock-test.js')) as unknown as { MockTestRunner: typeof MockTestRunner });
  tasks = await buildMockTasks(path.join(EXTENSION_ROOT, '.cache', `mock-tasks-${process.pid}`));
  temp = mkdtempSync(path.join(tmpdir(), 'tollgate-mock-agent-'));
});

afterAll(() => {
  for (const folder of [home, tasks, temp]) if (folder) rmSync(folder, { recursive: true, force: true });
});

interface Scenario {
  task: 'tollgate-image-scan' | 'tollgate-compliance-scan';
  instance: string;
  inputs: Record<string, string>;
  exec?: Record<string, { code: number; stdout?: string; stderr?: string }>;
  files?: Record<string, string>;
  /** Agent variables beside the task's own (ENDPOINT_* of a service connection). */
  variables?: Record<string, string>;
}

const folderOf = (instance: string) => path.join(temp, `tollgate-${instance}`);

async function runMock(scenario: Scenario): Promise<Runner> {
  const folder = folderOf(scenario.instance);
  process.env.TOLLGATE_MOCK_SCENARIO = JSON.stringify({
    task: path.join(tasks, scenario.task, 'index.js'),
    variables: { AGENT_TEMPDIRECTORY: temp, SYSTEM_TASKINSTANCEID: scenario.instance, SYSTEM_JOBID: 'mock-job', ...scenario.variables },
    inputs: scenario.inputs,
    answers: { exist: { '/opt/tollgate/bin/tollgate': true }, rmRF: { [folder]: { success: true } }, exec: scenario.exec ?? {} },
    files: Object.fromEntries(Object.entries(scenario.files ?? {}).map(([name, content]) => [path.join(folder, name), content])),
  });
  const runner = new MockTestRunner(MOCK_FILE, path.join(tasks, scenario.task, 'task.json'));
  await runner.runAsync(20);
  return runner;
}

const reportFlags = (folder: string) => `--quiet --format json=${folder}/tollgate-result.json --format markdown=${folder}/tollgate-summary.md --format junit=${folder}/tollgate-junit.xml --summary-output ${folder}/tollgate-verdict.json`;

describe('the image task under the mock test runner', () => {
  it('runs the CLI with the conditions as flags and fails with the gate\'s reason', async () => {
    const folder = folderOf('mock-image-1');
    const command = `/opt/tollgate/bin/tollgate image scan app:1 sha256:abc ${reportFlags(folder)} --fail-on HIGH --fail-id CVE-2024-1234`;
    const verdict = { schemaVersion: 1, passed: false, reasons: ['app:1: 1 finding at HIGH or above: CVE-2024-1234 (zlib 1.2)'], images: [], duplicates: [] };
    const runner = await runMock({
      task: 'tollgate-image-scan',
      instance: 'mock-image-1',
      inputs: { mode: 'standalone', images: 'app:1\napp:1, sha256:abc', failOnSeverity: 'HIGH', failOnIds: 'CVE-2024-1234', tollgatePath: '/opt/tollgate/bin/tollgate' },
      exec: { [command]: { code: 1, stderr: 'tollgate: gate failed' } },
      files: { 'tollgate-verdict.json': JSON.stringify(verdict), 'tollgate-summary.md': '# Tollgate\n' },
    });
    expect(runner.ran(command)).toBe(true);
    expect(runner.invokedToolCount).toBe(1);
    expect(runner.failed).toBe(true);
    expect(runner.errorIssues).toEqual(['Tollgate: the gate failed: app:1: 1 finding at HIGH or above: CVE-2024-1234 (zlib 1.2)']);
    expect(runner.stdout).toContain(`##vso[task.uploadsummary]${folder}/tollgate-summary.md`);
    expect(runner.stdout).toContain('##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]false');
  });

  it('a scan that could not run (exit 3) fails with the CLI\'s message as the cause', async () => {
    const folder = folderOf('mock-image-2');
    const command = `/opt/tollgate/bin/tollgate image scan registry:ghcr.io/acme/app:2 ${reportFlags(folder)}`;
    const runner = await runMock({
      task: 'tollgate-image-scan',
      instance: 'mock-image-2',
      inputs: { mode: 'standalone', images: 'registry:ghcr.io/acme/app:2', tollgatePath: '/opt/tollgate/bin/tollgate' },
      exec: { [command]: { code: 3, stderr: 'tollgate: registry ghcr.io: connection refused' } },
    });
    expect(runner.ran(command)).toBe(true);
    expect(runner.errorIssues).toEqual(['Tollgate: the scan could not run: registry ghcr.io: connection refused']);
    expect(runner.stdout).not.toContain('task.addattachment');
  });
});

describe('the compliance task under the mock test runner', () => {
  it('server mode without a connection fails and runs nothing', async () => {
    const runner = await runMock({ task: 'tollgate-compliance-scan', instance: 'mock-compliance-1', inputs: { mode: 'server', tollgateServer: '', target: 'db01' } });
    expect(runner.invokedToolCount).toBe(0);
    expect(runner.errorIssues).toEqual(['Tollgate: mode is server but no Tollgate server connection is chosen (tollgateServer)']);
  });

  it('server mode runs the CLI with --server and the server inputs; the token is only handed to setsecret', async () => {
    const folder = folderOf('mock-compliance-3');
    const token = 'tg_ci_mock-token-5sQ8wLr2';
    const command = `/opt/tollgate/bin/tollgate compliance scan ssh://10.0.0.5:22 ${reportFlags(folder)} --server https://tollgate.example.test/ --scanner External --option-profile quick --poll 0.5 --create-auth-record unix --credentials /s/creds.yaml --auth deploy --policy linux-baseline-debian --fail-on-state FAIL --fail-on-criticality SERIOUS,CRITICAL,URGENT --timeout 2*60`;
    const verdict = { schemaVersion: 1, passed: true, reasons: [], controlsEvaluated: 12, controlsCausingFailure: [] };
    const runner = await runMock({
      task: 'tollgate-compliance-scan',
      instance: 'mock-compliance-3',
      inputs: {
        mode: 'server', tollgateServer: 'conn1', scanner: 'External', optionProfile: 'quick', pollingFrequency: '0.5', createAuthRecord: 'true', credentialsFile: '/s/creds.yaml', authenticationRecord: 'deploy',
        target: '10.0.0.5:22', policies: 'linux-baseline-debian', tollgatePath: '/opt/tollgate/bin/tollgate', failByStateAndCriticality: 'true', stateFail: 'true', criticalitySerious: 'true', criticalityCritical: 'true', criticalityUrgent: 'true', timeout: '2*60',
      },
      variables: { ENDPOINT_URL_conn1: 'https://tollgate.example.test/', ENDPOINT_AUTH_conn1: JSON.stringify({ scheme: 'Token', parameters: { apitoken: token } }) },
      exec: { [command]: { code: 0 } },
      files: { 'tollgate-verdict.json': JSON.stringify(verdict) },
    });
    expect(runner.ran(command)).toBe(true);
    expect(runner.succeeded).toBe(true);
    expect(runner.stdout).toContain(`##vso[task.setsecret]${token}`);
    expect(runner.stdout.split(token).length - 1).toBe(1);
    expect(runner.stdout).toContain('##vso[task.setvariable variable=controlsEvaluated;isOutput=true;issecret=false;]12');
  });

  it('an authentication failure that does not fail the build passes with a warning and no report', async () => {
    const folder = folderOf('mock-compliance-2');
    const command = `/opt/tollgate/bin/tollgate compliance scan ssh://db01.example.com ${reportFlags(folder)} --credentials /s/creds.yaml --auth ops --fail-on-state FAIL,ERROR --fail-on-criticality SERIOUS,CRITICAL,URGENT --timeout 2*60`;
    const runner = await runMock({
      task: 'tollgate-compliance-scan',
      instance: 'mock-compliance-2',
      inputs: {
        mode: 'standalone', target: 'db01.example.com', credentialsFile: '/s/creds.yaml', authenticationRecord: 'ops', tollgatePath: '/opt/tollgate/bin/tollgate',
        failByStateAndCriticality: 'true', stateFail: 'true', stateError: 'true', criticalitySerious: 'true', criticalityCritical: 'true', criticalityUrgent: 'true', timeout: '2*60',
      },
      exec: { [command]: { code: 0, stderr: 'tollgate: WARNING: authentication to ssh://ops@db01.example.com failed (record ops); the build passes because --fail-on-auth-failure is off' } },
    });
    expect(runner.ran(command)).toBe(true);
    expect(runner.succeeded).toBe(true);
    expect(runner.warningIssues).toEqual(['Tollgate: WARNING: authentication to ssh://ops@db01.example.com failed (record ops); the build passes because --fail-on-auth-failure is off']);
    expect(runner.stdout).toContain(`##vso[task.uploadsummary]${folder}/tollgate-summary.md`);
  });
});
