import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateDurationExpression } from '../cli/duration-expression.js';
import { UsageError } from '../errors.js';
import { loadAuthenticationRecord } from '../config/credentials.js';
import { parseExceptions } from '../config/exceptions.js';
import { findException, isActive } from './exceptions.js';
import { resolveEnvValue } from '../util/env-values.js';
import { expandScanName } from './scan-name.js';
import { parseSshAddress } from './targets/ssh-address.js';
import { fingerprintOf, verifyHostKey } from './targets/host-keys.js';

describe('--timeout expressions', () => {
  it.each([['30', 30], ['2*60', 120], [' 1.5 * 60 + 10 ', 100], ['(1+1)*(2+3)', 10], ['90/2', 45]])('%s is %d minutes', (text, minutes) => {
    expect(evaluateDurationExpression(text, '--timeout')).toBe(minutes);
  });

  it.each(['', '2*', 'process.exit()', '1/0', '-5', '(2', '2 3', '0'])('refuses "%s" as a usage error', (text) => {
    expect(() => evaluateDurationExpression(text, '--timeout')).toThrow(UsageError);
  });

  it('agrees with arithmetic on generated products and sums', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (a, b, c) => {
        expect(evaluateDurationExpression(`${a}*${b}+${c}`, '--timeout')).toBe(a * b + c);
        expect(evaluateDurationExpression(`${a} * (${b} + ${c})`, '--timeout')).toBe(a * (b + c));
      }),
    );
  });
});

describe('scan names', () => {
  const at = new Date('2026-11-22T10:00:00.123Z');
  it.each([
    ['Jenkins', { JOB_NAME: 'deploy', BUILD_NUMBER: '42' }],
    ['Azure DevOps', { BUILD_DEFINITIONNAME: 'deploy', BUILD_BUILDNUMBER: '42' }],
    ['GitHub Actions', { GITHUB_WORKFLOW: 'deploy', GITHUB_RUN_NUMBER: '42' }],
    ['GitLab CI', { CI_JOB_NAME: 'deploy', CI_PIPELINE_IID: '42' }],
  ])('fills [job_name] and [build_number] from %s and appends the timestamp', (_ci, env) => {
    expect(expandScanName('scan [job_name] #[build_number]', at, env)).toBe('scan deploy #42 2026-11-22T10:00:00Z');
  });

  it('names a scan outside CI "local" and honours an explicit [timestamp]', () => {
    expect(expandScanName('[timestamp] [job_name]', at, {})).toBe('2026-11-22T10:00:00Z local');
  });
});

describe('env.NAME values and SSH addresses', () => {
  it('takes env.NAME from the environment and refuses an unset one', () => {
    expect(resolveEnvValue('env.TARGET_HOST', 'target', { TARGET_HOST: 'web-1' })).toBe('web-1');
    expect(resolveEnvValue('plain', 'target', {})).toBe('plain');
    expect(() => resolveEnvValue('env.MISSING', 'target', {})).toThrow(/the environment variable MISSING \(from "env\.MISSING"\) is not set/);
  });

  it('parses ssh:// addresses with users, ports, IPv6 and env.NAME parts', () => {
    expect(parseSshAddress('ssh://deploy@10.0.0.5:2222')).toEqual({ user: 'deploy', host: '10.0.0.5', port: 2222 });
    expect(parseSshAddress('ssh://[::1]')).toEqual({ host: '::1', port: 22 });
    process.env.TG_TEST_HOST = 'db.internal';
    expect(parseSshAddress('ssh://ops@env.TG_TEST_HOST')).toEqual({ user: 'ops', host: 'db.internal', port: 22 });
    expect(() => parseSshAddress('ssh://host:99999')).toThrow(/not a TCP port/);
    expect(() => parseSshAddress('ssh://a/b/c')).toThrow(/expected ssh:\/\/user@host\[:port\]/);
  });
});

describe('host keys', () => {
  const key = randomBytes(51);
  const other = randomBytes(51);
  it('accepts a key listed in known_hosts, plain or hashed, and refuses an unknown or changed one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-hosts-'));
    try {
      const plain = path.join(dir, 'plain');
      await writeFile(plain, `# comment\n[10.0.0.1]:2222 ssh-ed25519 ${key.toString('base64')}\nweb,10.0.0.2 ssh-ed25519 ${other.toString('base64')}\n`);
      const salt = randomBytes(20);
      const hashed = path.join(dir, 'hashed');
      await writeFile(hashed, `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('10.0.0.2').digest('base64')} ssh-ed25519 ${key.toString('base64')}\n`);
      expect(verifyHostKey(key, { host: '10.0.0.1', port: 2222, knownHostsFiles: [plain] })).toEqual({ accepted: true });
      expect(verifyHostKey(key, { host: '10.0.0.2', port: 22, knownHostsFiles: [hashed] })).toEqual({ accepted: true });
      expect(verifyHostKey(key, { host: '10.0.0.2', port: 22, knownHostsFiles: [plain] })).toMatchObject({ accepted: false, reason: expect.stringMatching(/has CHANGED/) });
      expect(verifyHostKey(key, { host: '10.0.0.9', port: 22, knownHostsFiles: [plain, path.join(dir, 'missing')] })).toMatchObject({ accepted: false, reason: expect.stringMatching(/not in known_hosts/) });
      expect(verifyHostKey(key, { host: 'x', port: 22, knownHostsFiles: [], pinned: fingerprintOf(key) })).toEqual({ accepted: true });
      expect(verifyHostKey(key, { host: 'x', port: 22, knownHostsFiles: [], pinned: fingerprintOf(other) })).toMatchObject({ accepted: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('credentials and exceptions files', () => {
  it('reads secrets from the environment and files, never showing them when printed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-cred-'));
    try {
      const file = path.join(dir, 'credentials.yaml');
      await writeFile(path.join(dir, 'key'), 'PRIVATE-KEY-BYTES');
      await writeFile(file, `records:\n  - name: web\n    username: env.TG_USER\n    password: { env: TG_SECRET }\n    privateKey: { file: ${dir}/key }\n    sudo: { password: { env: TG_SECRET } }\n`);
      const record = loadAuthenticationRecord(file, 'web', { TG_USER: 'deploy', TG_SECRET: 's3cr3t-value' });
      expect(record.username).toBe('deploy');
      expect(record.password?.reveal()).toBe('s3cr3t-value');
      for (const shown of [JSON.stringify(record), inspect(record, { depth: 5 }), `${String(record.password)}`]) {
        expect(shown).not.toContain('s3cr3t-value');
        expect(shown).not.toContain('PRIVATE-KEY-BYTES');
      }
      expect(() => loadAuthenticationRecord(file, 'web', { TG_USER: 'deploy' })).toThrow(/record "web", password: the environment variable TG_SECRET is not set/);
      expect(() => loadAuthenticationRecord(file, 'db', {})).toThrow(/no authentication record named "db" \(records: web\)/);
      await writeFile(file, 'records:\n  - name: web\n    username: x\n    password: hunter2\n');
      expect(() => loadAuthenticationRecord(file, 'web', {})).toThrow(/credentials\.yaml:4:15: records\[0\]\.password: must be object/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('matches exceptions by control id, policy and target glob, and stops applying after the expiry date', () => {
    const entries = parseExceptions('exceptions:\n  - cid: TG-SSH-005\n    targets: ["ssh://*@bastion-*"]\n    reason: break-glass access\n    approver: sec@example.com\n    expires: 2026-12-31\n  - cid: TG-LNX-1006\n    policy: linux-baseline-debian\n    reason: managed by IdP\n    approver: iam@example.com\n', 'exceptions.yaml');
    expect(entries[0]?.origin).toBe('exceptions.yaml:2:5');
    const bastion = findException(entries, 'TG-SSH-005', 'ssh-server', 'ssh://ops@bastion-1');
    expect(bastion?.reason).toBe('break-glass access');
    expect(isActive(bastion as NonNullable<typeof bastion>, '2026-12-31')).toBe(true);
    expect(isActive(bastion as NonNullable<typeof bastion>, '2027-01-01')).toBe(false);
    expect(findException(entries, 'TG-SSH-005', 'ssh-server', 'ssh://ops@web-1')).toBeUndefined();
    expect(findException(entries, 'TG-LNX-1006', 'linux-baseline-rhel', 'local')).toBeUndefined();
    expect(() => parseExceptions('exceptions:\n  - cid: X\n    reason: r\n', 'e.yaml')).toThrow(/e\.yaml:2:5: exceptions\[0\]: missing required field "approver"/);
    expect(() => parseExceptions('exceptions:\n  - cid: X\n    reason: r\n    approver: a\n    expires: 2026-02-30x\n', 'e.yaml')).toThrow(/expires: must match pattern/);
  });
});
