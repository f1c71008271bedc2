/**
 * The Jenkins shared library's steps, run by the step harness (test/StepHarness.groovy) under
 * Debian's Groovy 2.4 with recording stubs for the pipeline steps: which steps they call, with
 * which arguments, and the build result they leave. The command line they build is executed by a
 * real /bin/sh to prove its quoting, and in run mode the steps drive the real built CLI against the
 * bookworm test image, so the verdict they read and the files they publish are the CLI's own.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/cli.js';
import type { BookwormImage } from '../../../test/support/images.js';
import { openScanWorkspace } from '../../../test/support/scan-workspace.js';
import { ensureComplianceRootfs } from '../../../test/support/compliance-rootfs.js';
import { requireGroovy, runHarness, stepsOf as steps, type Outcome, type Scenario } from './step-harness.js';

const run = promisify(execFile);

let work: string;

const harness = (scenarios: Scenario[]): Promise<Map<string, Outcome>> => runHarness(work, scenarios);

/** The argv the CLI would receive: the step's sh script run by /bin/sh with `tollgate` replaced by a recorder. */
async function argvOf(script: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(work, 'argv-'));
  const recorder = path.join(dir, 'record-argv');
  await writeFile(recorder, `#!/bin/sh\nprintf '%s\\0' "$@" > "${path.join(dir, 'argv')}"\n`);
  await chmod(recorder, 0o755);
  await run('/bin/sh', ['-c', script.replace(/'tollgate'/, `'${recorder}'`)], { cwd: dir });
  return (await readFile(path.join(dir, 'argv'), 'utf8')).split('\0').slice(0, -1);
}

const PASSED = { passed: true, reasons: [] };
const FAILED = { passed: false, reasons: ['3 findings at or above HIGH', 'CVE-2023-0001 is on the fail list'] };

let stubbed: Map<string, Outcome>;

/** Each scenario failed the build with a message naming its parameter, before calling anything but `error`. */
function expectRefusedBeforeRunning(step: string, cases: readonly (readonly [scenario: string, parameter: string])[]): void {
  for (const [name, parameter] of cases) {
    const outcome = stubbed.get(name);
    expect(outcome?.result, name).toBe('FAILURE');
    expect(steps(outcome), name).toEqual(['error']);
    expect(outcome?.message, name).toContain(`${step}: ${parameter}`);
  }
}

beforeAll(async () => {
  requireGroovy();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-jenkins-'));
  const image = { imageIds: 'registry.example/app:1' };
  stubbed = await harness([
    { name: 'image passes', step: 'tollgateImageScan', config: image, shStatus: 0, verdict: PASSED },
    { name: 'image fails', step: 'tollgateImageScan', config: image, shStatus: 1, verdict: FAILED },
    { name: 'image unstable', step: 'tollgateImageScan', config: { ...image, failureResult: 'UNSTABLE' }, shStatus: 1, verdict: FAILED },
    { name: 'image cannot scan', step: 'tollgateImageScan', config: image, shStatus: 3 },
    { name: 'compliance passed without a verdict', step: 'tollgateComplianceScan', config: { host: '10.0.0.5' }, shStatus: 0 },
    { name: 'image usage error', step: 'tollgateImageScan', config: image, shStatus: 2 },
    { name: 'image verdict disagrees', step: 'tollgateImageScan', config: image, shStatus: 0, verdict: FAILED },
    { name: 'image bad docker url', step: 'tollgateImageScan', config: { ...image, dockerUrl: 'http://docker:2375' }, shStatus: 0, verdict: PASSED },
    { name: 'image bad timeout', step: 'tollgateImageScan', config: { ...image, vulnsTimeout: '5; rm -rf /' }, shStatus: 0, verdict: PASSED },
    { name: 'image bad polling', step: 'tollgateImageScan', config: { ...image, pollingInterval: '$(reboot)' }, shStatus: 0, verdict: PASSED },
    { name: 'image no images', step: 'tollgateImageScan', config: {}, shStatus: 0, verdict: PASSED },
    { name: 'image bad failure result', step: 'tollgateImageScan', config: { ...image, failureResult: 'ABORTED' }, shStatus: 0, verdict: PASSED },
    {
      name: 'image every condition',
      step: 'tollgateImageScan',
      config: {
        imageIds: ['registry.example/app:1', "weird'name$(id)`id`:1", 'registry.example/app:1'],
        dockerUrl: 'tcp://docker.internal:2376',
        dockerCert: '/certs/client',
        pollingInterval: '1',
        vulnsTimeout: '60*2',
        isFailOnSevereVulns: true,
        isSev5Vulns: true,
        severity5Limit: 0,
        isSev4Vulns: 'true',
        severity4Limit: '5',
        isFailOnCVEs: true,
        cveList: 'CVE-2024-1, CVE-2024-2',
        isFailOnSoftware: true,
        softwareList: ['openssl<3.0.13', 'lodash>=4.0.0 <4.17.21'],
        failByCvss: true,
        cvssVersion: '3',
        cvssThreshold: '9.0',
        isExcludeConditions: true,
        excludeBy: 'cve',
        excludeList: 'CVE-2020-1',
        fixableOnly: true,
        db: '/var/cache/tollgate db/vuln.db',
        skipDbUpdate: true,
        reportName: 'app',
      },
      shStatus: 0,
      verdict: PASSED,
    },
    {
      name: 'compliance connector parameters',
      step: 'tollgateComplianceScan',
      config: {
        host: 'env.TARGET_HOST',
        sshUser: 'scanner',
        scanName: '[job_name]_jenkins_build_[build_number]',
        policies: 'cis-debian, ssh-hardening',
        authRecord: 'unix-prod',
        pollingInterval: '2',
        vulnsTimeout: '60*2',
        failByStateAndCriticality: true,
        stateFail: true,
        stateError: true,
        stateExceptions: false,
        criticalityUrgent: true,
        criticalityCritical: true,
        criticalitySerious: false,
        criticalityMedium: true,
        criticalityMinimal: false,
        failByAuth: true,
        excludedCids: '1001,1002\n1003',
        credentialsId: 'tollgate-auth-records',
      },
      shStatus: 1,
      verdict: { passed: false, reasons: ['2 controls FAIL at URGENT'] },
    },
    { name: 'compliance defaults', step: 'tollgateComplianceScan', config: { host: '10.0.0.5' }, shStatus: 0, verdict: PASSED },
    { name: 'compliance no state chosen', step: 'tollgateComplianceScan', config: { host: '10.0.0.5', failByStateAndCriticality: true, stateFail: false }, shStatus: 0, verdict: PASSED },
    { name: 'compliance bad polling', step: 'tollgateComplianceScan', config: { host: '10.0.0.5', pollingInterval: 'two minutes' }, shStatus: 0, verdict: PASSED },
    { name: 'compliance bad host', step: 'tollgateComplianceScan', config: { host: 'x; reboot' }, shStatus: 0, verdict: PASSED },
    { name: 'compliance no host', step: 'tollgateComplianceScan', config: {}, shStatus: 0, verdict: PASSED },
    { name: 'image server via sensor', step: 'tollgateImageScan', config: { ...image, serverUrl: 'https://tollgate.example.com', serverCredentialsId: 'tollgate-token', viaSensor: true, poll: '2*15', timeout: '10*60', dockerUrl: 'tcp://docker.internal:2376' }, shStatus: 0, verdict: PASSED },
    { name: 'image server no credential', step: 'tollgateImageScan', config: { ...image, serverUrl: 'https://tollgate.example.com' }, shStatus: 0, verdict: PASSED },
    { name: 'image server url with password', step: 'tollgateImageScan', config: { ...image, serverUrl: 'https://ci:s3cret-pw@tollgate.example.com', serverCredentialsId: 'tollgate-token' }, shStatus: 0, verdict: PASSED },
    { name: 'image sensor without server', step: 'tollgateImageScan', config: { ...image, viaSensor: true }, shStatus: 0, verdict: PASSED },
    // The names before the first release, refused with the name to use instead of guessed.
    { name: 'image old token parameter', step: 'tollgateImageScan', config: { ...image, serverUrl: 'https://tollgate.example.com', credentialsId: 'tollgate-token' }, shStatus: 0, verdict: PASSED },
    { name: 'compliance old records parameter', step: 'tollgateComplianceScan', config: { host: '10.0.0.5', serverUrl: 'https://tollgate.example.com', serverCredentialsId: 'tollgate-token', recordsCredentialsId: 'tollgate-auth-records', authRecord: 'deploy', createAuthRecord: true }, shStatus: 0, verdict: PASSED },
    { name: 'compliance server records without createAuthRecord', step: 'tollgateComplianceScan', config: { host: '10.0.0.5', serverUrl: 'https://tollgate.example.com', serverCredentialsId: 'tollgate-token', credentialsId: 'tollgate-auth-records', authRecord: 'deploy' }, shStatus: 0, verdict: PASSED },
    { name: 'compliance server createAuthRecord without records', step: 'tollgateComplianceScan', config: { host: '10.0.0.5', serverUrl: 'https://tollgate.example.com', serverCredentialsId: 'tollgate-token', authRecord: 'deploy', createAuthRecord: true }, shStatus: 0, verdict: PASSED },
    { name: 'compliance server token as credentialsId', step: 'tollgateComplianceScan', config: { host: '10.0.0.5', serverUrl: 'https://tollgate.example.com', credentialsId: 'tollgate-token', authRecord: 'deploy' }, shStatus: 0, verdict: PASSED },
    { name: 'image server bad poll', step: 'tollgateImageScan', config: { ...image, serverUrl: 'https://tollgate.example.com', serverCredentialsId: 'tollgate-token', viaSensor: true, poll: '$(reboot)' }, shStatus: 0, verdict: PASSED },
    { name: 'compliance server cloud instance', step: 'tollgateComplianceScan', config: { target: 'ec2:i-0abc123def4567890', serverUrl: 'https://tollgate.example.com/', serverCredentialsId: 'tollgate-token', cloudConnector: 'aws-prod', authRecord: 'ops-record' }, shStatus: 0, verdict: PASSED },
    {
      name: 'compliance server',
      step: 'tollgateComplianceScan',
      config: { host: '10.0.0.5', port: 22, serverUrl: 'https://tollgate.example.com/', serverCredentialsId: 'tollgate-token', credentialsId: 'tollgate-auth-records', authRecord: 'deploy', createAuthRecord: true, scanner: 'External', optionProfile: 'quick', pollingInterval: '0.5', policies: 'linux-baseline-debian' },
      shStatus: 0,
      verdict: PASSED,
    },
  ]);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('tollgateImageScan', () => {
  it('on a passed gate: runs the CLI, reads the verdict, publishes JUnit, issues and the HTML report, and leaves SUCCESS', () => {
    const outcome = stubbed.get('image passes');
    expect(outcome?.result).toBe('SUCCESS');
    expect(steps(outcome)).toEqual(['sh', 'fileExists', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts']);
    const [sh, fileExists, readJson, junit, recordIssues, archive] = outcome?.calls ?? [];
    expect(fileExists?.args).toBe('tollgate-reports/tollgate-image-verdict.json');
    expect(sh?.args).toMatchObject({ returnStatus: true, label: 'tollgateImageScan' });
    expect(readJson?.args).toEqual({ file: 'tollgate-reports/tollgate-image-verdict.json' });
    expect(junit?.args).toEqual({ testResults: 'tollgate-reports/tollgate-image-junit.xml', allowEmptyResults: false, skipMarkingBuildUnstable: true });
    expect(recordIssues?.args).toEqual({ tools: [{ tool: 'issues', pattern: 'tollgate-reports/tollgate-image-issues.json', id: 'tollgate-image', name: 'Tollgate tollgate-image' }], enabledForFailure: true, skipPublishingChecks: true });
    expect(archive?.args).toEqual({ artifacts: 'tollgate-reports/tollgate-image-report.html, tollgate-reports/tollgate-image-report_files/**', allowEmptyArchive: false });
    expect(outcome?.returned).toMatchObject({ passed: true, exitCode: 0, verdictFile: 'tollgate-reports/tollgate-image-verdict.json' });
  });

  it('on a failed gate: publishes everything first, then fails the build with the gate’s reasons', () => {
    const outcome = stubbed.get('image fails');
    expect(outcome?.result).toBe('FAILURE');
    expect(steps(outcome)).toEqual(['sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
    expect(outcome?.message).toBe('tollgateImageScan: 3 findings at or above HIGH; CVE-2023-0001 is on the fail list');
  });

  it('with failureResult UNSTABLE: marks the build unstable instead, and returns the verdict', () => {
    const outcome = stubbed.get('image unstable');
    expect(outcome?.result).toBe('UNSTABLE');
    expect(steps(outcome)).toEqual(['sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'unstable']);
    expect(outcome?.returned).toMatchObject({ passed: false, exitCode: 1 });
  });

  it('when the scan could not run (exit 2 or 3): fails with the cause and publishes nothing', () => {
    for (const [name, cause] of <[string, string][]>[['image cannot scan', 'exited with 3 (the scan could not be completed)'], ['image usage error', 'exited with 2 (a usage or configuration error)']]) {
      const outcome = stubbed.get(name);
      expect(outcome?.result, name).toBe('FAILURE');
      expect(steps(outcome), name).toEqual(['sh', 'error']);
      expect(outcome?.message).toContain(cause);
    }
  });

  it('exit 0 without a verdict (an authentication failure without failByAuth): passes, publishes nothing, says so', () => {
    const outcome = stubbed.get('compliance passed without a verdict');
    expect(outcome?.result).toBe('SUCCESS');
    expect(steps(outcome)).toEqual(['sh', 'fileExists', 'echo']);
    expect(outcome?.calls[2]?.args).toMatch(/^tollgateComplianceScan: passed without a verdict/);
    expect(outcome?.returned).toMatchObject({ passed: true, exitCode: 0, verdictFile: null });
  });

  it('refuses to guess when the exit status and the verdict disagree', () => {
    expect(stubbed.get('image verdict disagrees')?.result).toBe('FAILURE');
    expect(stubbed.get('image verdict disagrees')?.message).toContain('refusing to guess');
  });

  it('fails on a bad parameter before running anything, naming the parameter', () => {
    expectRefusedBeforeRunning('tollgateImageScan', [['image bad docker url', 'dockerUrl'], ['image bad timeout', 'vulnsTimeout'], ['image bad polling', 'pollingInterval'], ['image no images', 'imageIds'], ['image bad failure result', 'failureResult']]);
  });

  it('turns the connector’s parameters into CLI flags, each value one shell word whatever it holds', async () => {
    const script = stubbed.get('image every condition')?.calls[0]?.args.script ?? '';
    expect(await argvOf(script as string)).toEqual([
      'image', 'scan', 'registry.example/app:1', "weird'name$(id)`id`:1",
      '--docker-host', 'tcp://docker.internal:2376', '--docker-cert-path', '/certs/client',
      '--max-scan-time', '60*2',
      '--fail-severity', 'CRITICAL=0,HIGH=5',
      '--fail-id', 'CVE-2024-1,CVE-2024-2',
      '--fail-software', 'openssl<3.0.13', '--fail-software', 'lodash>=4.0.0 <4.17.21',
      '--fail-cvss', '3:9.0',
      '--exclude-id', 'CVE-2020-1',
      '--fixable-only',
      '--db', '/var/cache/tollgate db/vuln.db', '--skip-db-update',
      '--format', 'table', '--format', 'junit=tollgate-reports/app-junit.xml', '--format', 'warnings-ng=tollgate-reports/app-issues.json', '--format', 'html-files=tollgate-reports/app-report.html',
      '--summary-output', 'tollgate-reports/app-verdict.json',
    ]);
  });
});

describe('tollgateComplianceScan', () => {
  it('maps state AND criticality, auth failure, excluded CIDs, timeouts and the scan name, inside withCredentials', async () => {
    const outcome = stubbed.get('compliance connector parameters');
    expect(outcome?.result).toBe('FAILURE');
    expect(outcome?.message).toBe('tollgateComplianceScan: 2 controls FAIL at URGENT');
    expect(steps(outcome)).toEqual(['withCredentials', 'sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
    expect(outcome?.calls[0]?.args).toEqual([{ binding: 'file', credentialsId: 'tollgate-auth-records', variable: 'TOLLGATE_CREDENTIALS' }]);
    expect(await argvOf(String(outcome?.calls[1]?.args.script ?? ''))).toEqual([
      'compliance', 'scan', 'ssh://scanner@env.TARGET_HOST',
      '--scan-name', '[job_name]_jenkins_build_[build_number]',
      '--policy', 'cis-debian', '--policy', 'ssh-hardening',
      '--auth', 'unix-prod',
      '--timeout', '60*2',
      '--fail-on-state', 'FAIL,ERROR', '--fail-on-criticality', 'URGENT,CRITICAL,MEDIUM',
      '--fail-on-auth-failure',
      '--exclude-cid', '1001,1002,1003',
      '--format', 'table', '--format', 'junit=tollgate-reports/tollgate-compliance-junit.xml', '--format', 'warnings-ng=tollgate-reports/tollgate-compliance-issues.json', '--format', 'html-files=tollgate-reports/tollgate-compliance-report.html',
      '--summary-output', 'tollgate-reports/tollgate-compliance-verdict.json',
    ]);
  });

  it('by default never fails the build on control results (as the connector), with its default timeout and scan name', async () => {
    const outcome = stubbed.get('compliance defaults');
    expect(outcome?.result).toBe('SUCCESS');
    const argv = await argvOf(String(outcome?.calls[0]?.args.script ?? ''));
    expect(argv.slice(0, 8)).toEqual(['compliance', 'scan', 'ssh://10.0.0.5', '--scan-name', '[job_name]_jenkins_build_[build_number]', '--timeout', '60*2', '--fail-on-state=']);
  });

  it('fails on a parameter mistake before running anything', () => {
    expectRefusedBeforeRunning('tollgateComplianceScan', [['compliance no state chosen', 'failByStateAndCriticality'], ['compliance bad polling', 'pollingInterval'], ['compliance bad host', 'host'], ['compliance no host', 'host']]);
  });
});

describe('the steps driving the real CLI (run mode)', () => {
  let image: BookwormImage;
  let db: string;
  let live: Map<string, Outcome>;
  const workspaces: Record<string, string> = {};

  beforeAll(async () => {
    let scanWork: string;
    ({ image, db, work: scanWork } = await openScanWorkspace('jenkins-run'));
    const wrapper = path.join(scanWork, 'tollgate');
    await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    await chmod(wrapper, 0o755);
    const base = { imageIds: `docker-archive:${image.dockerArchive}`, db, skipDbUpdate: true, tollgate: wrapper };
    const every = { isFailOnSevereVulns: true, isSev5Vulns: true, isSev4Vulns: true, isSev3Vulns: true, isSev2Vulns: true, isSev1Vulns: true };
    const scenarios: Scenario[] = [];
    for (const [name, config] of [
      ['no conditions', base],
      ['any finding fails', { ...base, ...every }],
      ['any finding unstable', { ...base, ...every, failureResult: 'UNSTABLE' }],
    ] as const) {
      workspaces[name] = path.join(scanWork, name.replace(/\s/g, '-'));
      await mkdir(workspaces[name] as string);
      scenarios.push({ name, step: 'tollgateImageScan', config, workspace: workspaces[name], env: { JOB_NAME: 'app', BUILD_NUMBER: '7' } });
    }
    // The compliance step on a real Debian root filesystem: every state and criticality fails the build.
    const rootfs = await ensureComplianceRootfs();
    const strict = { target: `dir:${rootfs}`, tollgate: wrapper, failByStateAndCriticality: true, stateFail: true, stateError: true, stateExceptions: true, criticalityUrgent: true, criticalityCritical: true, criticalitySerious: true, criticalityMedium: true, criticalityMinimal: true };
    for (const [name, config] of [
      ['compliance by default', { target: `dir:${rootfs}`, tollgate: wrapper }],
      ['compliance strict', strict],
    ] as const) {
      workspaces[name] = path.join(scanWork, name.replace(/\s/g, '-'));
      await mkdir(workspaces[name] as string);
      scenarios.push({ name, step: 'tollgateComplianceScan', config, workspace: workspaces[name], env: { JOB_NAME: 'hosts', BUILD_NUMBER: '12' } });
    }
    live = await harness(scenarios);
  }, 600_000);

  it('leaves SUCCESS without conditions, and writes every file it publishes', async () => {
    const outcome = live.get('no conditions');
    expect(outcome?.result, outcome?.message ?? '').toBe('SUCCESS');
    const dir = path.join(workspaces['no conditions'] as string, 'tollgate-reports');
    expect((await readdir(dir)).sort()).toEqual(['tollgate-image-issues.json', 'tollgate-image-junit.xml', 'tollgate-image-report.html', 'tollgate-image-report_files', 'tollgate-image-verdict.json']);
    expect((await readdir(path.join(dir, 'tollgate-image-report_files'))).sort()).toEqual(['chart-1.svg', 'chart-2.svg', 'report.css']);
    const issues = JSON.parse(await readFile(path.join(dir, 'tollgate-image-issues.json'), 'utf8')) as { issues: { severity: string }[] };
    expect(issues.issues.length).toBeGreaterThan(0);
    for (const issue of issues.issues) expect(['ERROR', 'HIGH', 'NORMAL', 'LOW']).toContain(issue.severity);
  });

  it('fails the build with the CLI’s reasons when a condition is violated, or marks it unstable when configured', () => {
    const failed = live.get('any finding fails');
    expect(failed?.result).toBe('FAILURE');
    expect(failed?.message).toMatch(/^tollgateImageScan: /);
    expect(steps(failed)).toEqual(['sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
    const unstable = live.get('any finding unstable');
    expect(unstable?.result).toBe('UNSTABLE');
    expect(unstable?.message).toBe(failed?.message);
  });

  it('compliance: by default control results never fail the build; with every state and criticality the failing controls fail it, one Warnings NG issue each', async () => {
    const lenient = live.get('compliance by default');
    expect(lenient?.result, lenient?.message ?? '').toBe('SUCCESS');
    const strict = live.get('compliance strict');
    const verdict = JSON.parse(await readFile(path.join(workspaces['compliance strict'] as string, 'tollgate-reports/tollgate-compliance-verdict.json'), 'utf8')) as { passed: boolean; controlsCausingFailure: unknown[] };
    // The pristine Debian root filesystem fails controls of the built-in baselines (test/compliance/rootfs-baseline.test.ts).
    expect(verdict.passed).toBe(false);
    expect(verdict.controlsCausingFailure.length).toBeGreaterThan(0);
    expect(strict?.result).toBe('FAILURE');
    expect(steps(strict)).toEqual(['sh', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts', 'error']);
    const issues = JSON.parse(await readFile(path.join(workspaces['compliance strict'] as string, 'tollgate-reports/tollgate-compliance-issues.json'), 'utf8')) as { issues: unknown[] };
    expect(issues.issues.length).toBe(verdict.controlsCausingFailure.length);
  });
});

describe('server mode (serverUrl, serverCredentialsId)', () => {
  it('image: the token credential bound to TOLLGATE_TOKEN around the CLI, which gets --server, --via-sensor, --poll and --timeout', async () => {
    const outcome = stubbed.get('image server via sensor');
    expect(outcome?.result).toBe('SUCCESS');
    expect(steps(outcome)).toEqual(['withCredentials', 'sh', 'fileExists', 'readJSON', 'junit', 'recordIssues', 'archiveArtifacts']);
    expect(outcome?.calls[0]?.args).toEqual([{ binding: 'string', credentialsId: 'tollgate-token', variable: 'TOLLGATE_TOKEN' }]);
    const argv = await argvOf(String(outcome?.calls[1]?.args.script ?? ''));
    expect(argv.slice(0, 11)).toEqual(['image', 'scan', 'registry.example/app:1', '--docker-host', 'tcp://docker.internal:2376', '--server', 'https://tollgate.example.com', '--via-sensor', '--poll', '2*15', '--timeout']);
    expect(argv).not.toContain('--token');
  });

  it('compliance: token and records file bound, --server with scanner, option profile, polling and the auth record to create', async () => {
    const outcome = stubbed.get('compliance server');
    expect(outcome?.result).toBe('SUCCESS');
    expect(outcome?.calls[0]?.args).toEqual([{ binding: 'string', credentialsId: 'tollgate-token', variable: 'TOLLGATE_TOKEN' }, { binding: 'file', credentialsId: 'tollgate-auth-records', variable: 'TOLLGATE_CREDENTIALS' }]);
    const argv = await argvOf(String(outcome?.calls[1]?.args.script ?? ''));
    expect(argv.slice(0, 21)).toEqual([
      'compliance', 'scan', 'ssh://10.0.0.5:22', '--scan-name', '[job_name]_jenkins_build_[build_number]', '--policy', 'linux-baseline-debian',
      '--server', 'https://tollgate.example.com/', '--scanner', 'External', '--option-profile', 'quick', '--poll', '0.5', '--create-auth-record', 'unix', '--auth', 'deploy', '--timeout', '60*2',
    ]);
  });

  it('compliance of a cloud instance: the ec2: target and the server’s cloud connector that resolves it', async () => {
    const outcome = stubbed.get('compliance server cloud instance');
    expect(outcome?.result).toBe('SUCCESS');
    expect(outcome?.calls[0]?.args).toEqual([{ binding: 'string', credentialsId: 'tollgate-token', variable: 'TOLLGATE_TOKEN' }]);
    const argv = await argvOf(String(outcome?.calls[1]?.args.script ?? ''));
    expect(argv.slice(0, 14)).toEqual(['compliance', 'scan', 'ec2:i-0abc123def4567890', '--scan-name', '[job_name]_jenkins_build_[build_number]', '--server', 'https://tollgate.example.com/', '--cloud-connector', 'aws-prod', '--poll', '2', '--auth', 'ops-record', '--timeout']);
  });

  it('refuses a server without a credential, a URL with a password (never echoed), a sensor without a server and a bad poll', () => {
    expectRefusedBeforeRunning('tollgateImageScan', [['image server no credential', 'serverCredentialsId'], ['image server url with password', 'serverUrl'], ['image sensor without server', 'viaSensor'], ['image server bad poll', 'poll']]);
    expect(stubbed.get('image server url with password')?.message).not.toContain('s3cret-pw');
  });

  it('refuses the parameter names used before the first release, naming the one to use: the token is serverCredentialsId, the records file credentialsId', () => {
    expectRefusedBeforeRunning('tollgateImageScan', [['image old token parameter', 'credentialsId']]);
    expect(stubbed.get('image old token parameter')?.message).toContain('serverCredentialsId');
    expectRefusedBeforeRunning('tollgateComplianceScan', [['compliance old records parameter', 'recordsCredentialsId'], ['compliance server token as credentialsId', 'serverCredentialsId']]);
    expect(stubbed.get('compliance old records parameter')?.message).toContain('the records file is credentialsId');
  });

  it('in server mode reads the records file only to create the pipeline’s record: each without the other is refused before running', () => {
    expectRefusedBeforeRunning('tollgateComplianceScan', [['compliance server records without createAuthRecord', 'credentialsId'], ['compliance server createAuthRecord without records', 'createAuthRecord']]);
  });
});
