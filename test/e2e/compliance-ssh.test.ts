/**
 * Compliance scans over SSH against a real sshd on loopback (test/support/sshd.ts): key
 * authentication with a passphrase and `sudo -n`, password authentication with the sudo password
 * fed on stdin, a record without sudo, a wrong password (AUTH_FAILED and both gate behaviours), an
 * unknown, changed or pinned host key, a hanging command, and the same results as a `dir:/` scan
 * of the same filesystem wherever a check reads files. Secrets never reach output or reports.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthenticationRecord } from '../../src/config/credentials.js';
import { parsePolicy, resolvePolicies } from '../../src/compliance/policy/load-policy.js';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { scanCompliance } from '../../src/compliance/scan-compliance.js';
import { openTarget } from '../../src/compliance/targets/open-target.js';
import { AuthenticationError, TargetUnavailableError } from '../../src/compliance/targets/target.js';
import type { Policy } from '../../src/compliance/policy/policy-types.js';
import { runTollgate } from '../support/cli.js';
import { KEY_USER, PASSWORD_USER, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let work: string;
let credentials: string;
let knownHosts: string;
const env = (): NodeJS.ProcessEnv => ({ TG_KEY_PASSPHRASE: sshd.passphrase, TG_PASSWORD: sshd.password, TG_WRONG: 'not-the-password' });

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-ssh-'));
  knownHosts = path.join(work, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  credentials = path.join(work, 'credentials.yaml');
  await writeFile(
    credentials,
    [
      'records:',
      `  - name: key`,
      `    username: ${KEY_USER}`,
      `    privateKey: { file: ${sshd.privateKeyFile} }`,
      '    passphrase: { env: TG_KEY_PASSPHRASE }',
      '    sudo: true',
      `  - name: password`,
      `    username: ${PASSWORD_USER}`,
      '    password: { env: TG_PASSWORD }',
      '    sudo: { password: { env: TG_PASSWORD } }',
      `  - name: password-no-sudo`,
      `    username: ${PASSWORD_USER}`,
      '    password: { env: TG_PASSWORD }',
      `  - name: wrong`,
      `    username: ${PASSWORD_USER}`,
      '    password: { env: TG_WRONG }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

async function scanOverSsh(record: string, policies: Policy[], options: { hostKey?: string; knownHostsFiles?: string[] } = {}): Promise<ComplianceResult> {
  const target = await openTarget(`ssh://127.0.0.1:${sshd.port}`, { record: loadAuthenticationRecord(credentials, record, { ...process.env, ...env() }), knownHostsFiles: options.knownHostsFiles ?? [knownHosts], ...(options.hostKey ? { sshHostKey: options.hostKey } : {}), connectTimeoutMs: 10_000 });
  try {
    return await scanCompliance(target, policies, { scanName: 'ssh test', commandTimeoutMs: 10_000 });
  } finally {
    await target.close();
  }
}

function states(result: ComplianceResult, types: ReadonlySet<string>, policies: Policy[]): Map<string, string> {
  const checkType = new Map(policies.flatMap((policy) => policy.controls.map((control) => [`${policy.id}/${control.cid}`, control.check?.type ?? ''] as const)));
  const map = new Map<string, string>();
  for (const policy of result.policies) for (const control of policy.controls) if (types.has(checkType.get(`${policy.id}/${control.cid}`) ?? '')) map.set(`${policy.id}/${control.cid}`, control.state);
  return map;
}

describe('ssh:// targets', () => {
  it('authenticates with a passphrase-protected key, reads root-only files through sudo -n, and agrees with dir:/ wherever checks read files', async () => {
    const policies = resolvePolicies(['linux-baseline-debian', 'ssh-server']);
    const overSsh = await scanOverSsh('key', policies);
    expect(overSsh.authentication.status).toBe('succeeded');
    expect(overSsh.target.name).toBe(`ssh://${KEY_USER}@127.0.0.1:${sshd.port}`);
    const shadow = overSsh.policies[0]?.controls.find((control) => control.cid === 'TG-LNX-1002');
    expect(shadow?.state).toBe('PASS');
    const local = await openTarget('dir:/');
    const onDisk = await scanCompliance(local, policies, { scanName: 'dir' });
    // Checks that read files give the same answer; runtime checks (sysctl, mounts, loaded
    // modules, commands) legitimately differ between a live host and its files.
    const fileTypes = new Set(['file', 'file-content', 'config-value', 'package', 'service', 'accounts', 'any', 'all', 'none']);
    expect(states(overSsh, fileTypes, policies)).toEqual(states(onDisk, fileTypes, policies));
    expect(states(overSsh, fileTypes, policies).size).toBeGreaterThan(60);
  });

  it('authenticates with a password and feeds the sudo password on stdin, never on a command line', async () => {
    const result = await scanOverSsh('password', resolvePolicies(['linux-baseline-debian']));
    expect(result.policies[0]?.controls.find((control) => control.cid === 'TG-LNX-1002')?.state).toBe('PASS');
  });

  it('reports a root-only file as ERROR with the reason when the record allows no sudo', async () => {
    const result = await scanOverSsh('password-no-sudo', resolvePolicies(['linux-baseline-debian']));
    const shadow = result.policies[0]?.controls.find((control) => control.cid === 'TG-LNX-1002');
    expect(shadow).toMatchObject({ state: 'ERROR', message: `/etc/shadow: permission denied for ${PASSWORD_USER}, and the authentication record allows no sudo` });
  });

  it('raises AUTH_FAILED for a wrong password, distinct from an unreachable host', async () => {
    await expect(scanOverSsh('wrong', [])).rejects.toBeInstanceOf(AuthenticationError);
    const record = loadAuthenticationRecord(credentials, 'password', { ...process.env, ...env() });
    await expect(openTarget('ssh://127.0.0.1:1', { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 5000 })).rejects.toBeInstanceOf(TargetUnavailableError);
  });

  it('gives up on a host that accepts the connection but never speaks SSH, at the connect timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const record = loadAuthenticationRecord(credentials, 'password', { ...process.env, ...env() });
      const started = Date.now();
      await expect(openTarget(`ssh://127.0.0.1:${(silent.address() as AddressInfo).port}`, { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 1000 })).rejects.toThrow(/no SSH handshake within 1 s/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('authenticates through an ssh-agent', async () => {
    const run = promisify(execFile);
    const agentKey = path.join(work, 'agent_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', agentKey]);
    const authorized = path.join(sshd.dir, 'authorized_keys', KEY_USER);
    await writeFile(authorized, `${await readFile(authorized, 'utf8')}${await readFile(`${agentKey}.pub`, 'utf8')}`);
    const socket = path.join(work, 'agent.sock');
    const { stdout } = await run('ssh-agent', ['-a', socket]);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1];
    try {
      await run('ssh-add', [agentKey], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const agentCredentials = path.join(work, 'agent.yaml');
      await writeFile(agentCredentials, `records:\n  - name: agent\n    username: ${KEY_USER}\n    agent: true\n`);
      const record = loadAuthenticationRecord(agentCredentials, 'agent', { SSH_AUTH_SOCK: socket });
      const target = await openTarget(`ssh://127.0.0.1:${sshd.port}`, { record, knownHostsFiles: [knownHosts] });
      expect(target.name).toBe(`ssh://${KEY_USER}@127.0.0.1:${sshd.port}`);
      expect((await target.run?.('id -un', { timeoutMs: 5000 }))?.stdout.trim()).toBe(KEY_USER);
      await target.close();
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });

  it('refuses an unknown host key and a changed one, and accepts a pinned fingerprint', async () => {
    const empty = path.join(work, 'empty_known_hosts');
    await writeFile(empty, '');
    await expect(scanOverSsh('key', [], { knownHostsFiles: [empty] })).rejects.toThrow(/is not in known_hosts .*refusing an unknown host/);
    const changed = path.join(work, 'changed_known_hosts');
    await writeFile(changed, `[127.0.0.1]:${sshd.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm1CBr0QJgZl2uFHLHpUJvOvkCMLMO3qA7xiVq9xGLU\n`);
    await expect(scanOverSsh('key', [], { knownHostsFiles: [changed] })).rejects.toThrow(/has CHANGED/);
    await expect(scanOverSsh('key', [], { knownHostsFiles: [empty], hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).rejects.toThrow(/not the pinned/);
    const pinned = await scanOverSsh('key', resolvePolicies(['ssh-server']), { knownHostsFiles: [empty], hostKey: sshd.hostKeyFingerprint });
    expect(pinned.authentication.status).toBe('succeeded');
  });

  it('ends a hanging command at its time limit as ERROR and goes on with the next control', async () => {
    const policy = parsePolicy(
      `schemaVersion: 1\nid: hang\ntitle: Hang\nversion: "1"\ncontrols:\n  - cid: H-1\n    title: hangs\n    statement: x\n    criticality: MINIMAL\n    check: { type: command, run: "sleep 60", timeoutSeconds: 1 }\n  - cid: H-2\n    title: runs\n    statement: x\n    criticality: MINIMAL\n    check: { type: command, run: "id -un", stdoutMatches: ["^${KEY_USER}$"] }\n`,
      'hang.yaml',
    );
    const started = Date.now();
    const result = await scanOverSsh('key', [policy]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.policies[0]?.controls.map((control) => [control.cid, control.state, control.message])).toEqual([
      ['H-1', 'ERROR', 'command timed out after 1 s: sleep 60'],
      ['H-2', 'PASS', 'id -un: as expected'],
    ]);
  });
});

describe('tollgate compliance scan over ssh (CLI)', () => {
  it('passes a wrong password with a loud warning and no report by default, and fails with --fail-on-auth-failure', async () => {
    const report = path.join(work, 'auth.json');
    const args = ['compliance', 'scan', `ssh://127.0.0.1:${sshd.port}`, '--credentials', credentials, '--auth', 'wrong', '--known-hosts', knownHosts, '--policy', 'ssh-server', '--format', `json=${report}`];
    const passing = await runTollgate(args, { env: env() });
    expect(passing.code).toBe(0);
    expect(passing.stderr).toMatch(/WARNING: authentication to ssh:\/\/127\.0\.0\.1:\d+ failed: .*authentication failed for user tollgate-pw/);
    expect(existsSync(report)).toBe(false);
    const failing = await runTollgate([...args, '--fail-on-auth-failure'], { env: env() });
    expect(failing.code).toBe(1);
    const written = JSON.parse(await readFile(report, 'utf8')) as ComplianceResult & { verdict: { passed: boolean; authentication: string } };
    expect(written.authentication.status).toBe('failed');
    expect(written.verdict).toMatchObject({ passed: false, authentication: 'failed' });
    for (const output of [passing.stdout, passing.stderr, failing.stdout, failing.stderr, JSON.stringify(written)]) expect(output).not.toContain('not-the-password');
  });

  it('scans with key authentication and writes every compliance report without leaking a secret', async () => {
    const out = (name: string): string => path.join(work, name);
    const result = await runTollgate(['compliance', 'scan', `ssh://${KEY_USER}@127.0.0.1:${sshd.port}`, '--credentials', credentials, '--auth', 'key', '--known-hosts', knownHosts, '--policy', 'ssh-server', '--format', `json=${out('r.json')}`, '--format', `html=${out('r.html')}`, '--format', `junit=${out('r.xml')}`, '--format', `markdown=${out('r.md')}`, '--fail-on-criticality', 'URGENT'], { env: env() });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    const texts = await Promise.all(['r.json', 'r.html', 'r.xml', 'r.md'].map((name) => readFile(out(name), 'utf8')));
    for (const text of [...texts, result.stdout, result.stderr]) {
      expect(text).not.toContain(sshd.passphrase);
      expect(text).not.toContain(sshd.password);
    }
    expect(texts[1]).toContain('All Controls');
    expect(texts[2]).toContain('TG-SSH-003');
  });
});
