/**
 * The built compliance task against a real OpenSSH server on loopback (test/support/sshd.ts): a
 * bare address and port as the target, the credentials file a secure file would be, the host key
 * pinned by its fingerprint; a wrong password passes with a warning and no report unless "fail on
 * authentication failure" is on, a right one scans; no password reaches the task's output. Also
 * the target taken from the environment (env.NAME).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/cli.js';
import { ensureComplianceRootfs } from '../../../test/support/compliance-rootfs.js';
import { KEY_USER, PASSWORD_USER, startSshd, type TestSshd } from '../../../test/support/sshd.js';
import { buildExtension } from '../scripts/build.mjs';
import { reportFolder, runTask } from './support/task-run.js';

const WRONG = 'not-the-password-3xq';

let sshd: TestSshd;
let work: string;
let credentials: string;
let built: string;
let task: string;

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-azure-ssh-'));
  credentials = path.join(work, 'credentials.yaml');
  await writeFile(
    credentials,
    [
      'records:',
      '  - name: key',
      `    username: ${KEY_USER}`,
      `    privateKey: { file: ${sshd.privateKeyFile} }`,
      '    passphrase: { env: TG_KEY_PASSPHRASE }',
      '    sudo: true',
      '  - name: wrong',
      `    username: ${PASSWORD_USER}`,
      '    password: { env: TG_WRONG }',
      '',
    ].join('\n'),
  );
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  await buildExtension(built);
  task = path.join(built, 'tollgate-compliance-scan');
});

afterAll(async () => {
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  if (built) rmSync(built, { recursive: true, force: true });
});

const overSsh = (record: string, inputs: Record<string, string> = {}) =>
  runTask(task, {
    inputs: { tollgatePath: CLI, target: `127.0.0.1:${sshd.port}`, credentialsFile: credentials, authenticationRecord: record, sshHostKey: sshd.hostKeyFingerprint, policies: 'ssh-server', ...inputs },
    variables: { TG_WRONG: WRONG, TG_KEY_PASSPHRASE: sshd.passphrase },
  });

describe('the compliance task over SSH', () => {
  it('a wrong password passes with a warning and no report, and fails with fail on authentication failure', async () => {
    const passing = await overSsh('wrong');
    expect(passing.commands.filter((line) => /addattachment|setvariable/.test(line))).toEqual([]);
    expect(passing.commands.find((line) => line.startsWith('##vso[task.issue type=warning'))).toMatch(/authentication to ssh:\/\/127\.0\.0\.1:\d+ failed/);
    expect(passing.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    const failing = await overSsh('wrong', { failOnAuthFailure: 'true' });
    expect(failing.commands).toContain('##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]false');
    expect(failing.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the gate failed: .*authentication/);
    for (const run of [passing, failing]) expect(run.stdout).not.toContain(WRONG);
  });

  it('scans with the key record (failing only at URGENT, as the CLI test does), the passphrase never printed', async () => {
    const run = await overSsh('key', { criticalityMinimal: 'false', criticalityMedium: 'false', criticalitySerious: 'false', criticalityCritical: 'false', criticalityUrgent: 'true' });
    expect(run.commands.some((line) => line.startsWith('##vso[task.addattachment type=tollgate-compliance-scan;'))).toBe(true);
    expect(run.commands).toContain('##vso[task.setvariable variable=passed;isOutput=true;issecret=false;]true');
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    expect(run.stdout).not.toContain(sshd.passphrase);
  });
});

describe('a target from the environment', () => {
  it('env.NAME takes the target from a pipeline variable', async () => {
    const rootfs = await ensureComplianceRootfs();
    const run = await runTask(task, { inputs: { tollgatePath: CLI, target: 'env.TARGET_ROOT', policies: 'ssh-server', failByStateAndCriticality: 'false' }, variables: { TARGET_ROOT: `dir:${rootfs}` } });
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    expect(run.commands.some((line) => line.startsWith(`##vso[task.uploadsummary]${reportFolder(run)}`))).toBe(true);
  });
});
