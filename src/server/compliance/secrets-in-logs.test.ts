/**
 * `tollgate server` as a user runs it, with the request log on and the sealing key from
 * `--secret-key-file`: an authentication record goes through its whole life (stored, listed,
 * handed to a worker's lease, a scan ending in error) and nothing the server printed holds a
 * secret or the key. A missing or malformed key stops the server at start with a clear message
 * that does not echo the key.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'main.ts');
const ADMIN = 'tg_admin_secrets-in-logs-test-admin-token';
const PASSWORD = 'log-test-password-never-printed';
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nlog-test-private-key-never-printed\n-----END OPENSSH PRIVATE KEY-----\n';
const SUDO_PASSWORD = 'log-test-sudo-never-printed';

async function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  return { url, output: () => output, stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

describe('the server log and authentication record secrets', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('never prints a secret or the key, with the request log on', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-secret-log-'));
    dirs.push(dir);
    const keyText = randomBytes(32).toString('hex');
    await writeFile(path.join(dir, 'secret.key'), `${keyText}\n`, { mode: 0o600 });
    const server = await startCli(['server', '--port', '0', '--request-log', '--secret-key-file', path.join(dir, 'secret.key')], { TOLLGATE_DATA_DIR: path.join(dir, 'data'), TOLLGATE_ADMIN_TOKEN: ADMIN, TOLLGATE_SECRET_KEY: '' });
    try {
      const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | undefined }> => {
        const response = await fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
        const text = await response.text();
        return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
      };
      expect((await call('PUT', '/api/v1/hosts/db-1', { address: '127.0.0.1' })).status).toBe(201);
      expect((await call('PUT', '/api/v1/auth-records/tollgate_unix_logs', { type: 'unix', user: 'root', password: PASSWORD, privateKey: PRIVATE_KEY, sudoPassword: SUDO_PASSWORD })).status).toBe(201);
      // A refused write that carries a secret: the error names the field, not the value.
      expect((await call('PUT', '/api/v1/auth-records/tollgate_unix_logs', { type: 'unix', user: 'root', password: PASSWORD, extra: PASSWORD })).status).toBe(400);
      expect((await call('GET', '/api/v1/auth-records')).status).toBe(200);
      const scan = await call('POST', '/api/v1/compliance-scans', { name: 'log test', host: 'db-1', scanner: 'External', authRecord: 'tollgate_unix_logs', policies: ['ssh-server'] });
      const lease = await call('POST', '/api/v1/scanners/External/lease', { workerId: 'log-worker' });
      expect(lease.json?.scanId).toBe(scan.json?.id);
      const credentials = await call('POST', `/api/v1/compliance-scans/${String(scan.json?.id)}/credentials`, { leaseToken: lease.json?.leaseToken });
      expect(credentials.json?.password).toBe(PASSWORD);
      expect((await call('PUT', `/api/v1/compliance-scans/${String(scan.json?.id)}/result`, { leaseToken: lease.json?.leaseToken, error: { code: 'auth_failed', message: 'permission denied for root' } })).json?.state).toBe('Error');
      const audit = JSON.stringify((await call('GET', '/api/v1/audit')).json);
      for (const value of [PASSWORD, PRIVATE_KEY, 'log-test-private-key-never-printed', SUDO_PASSWORD, keyText]) expect(audit).not.toContain(value);
    } finally {
      await server.stop();
    }
    const printed = server.output();
    expect(printed).toMatch(/"url":"\/api\/v1\/compliance-scans\/[0-9a-f-]+\/credentials"/);
    // Nor any lease token (`tgl_…`): request bodies are not logged.
    for (const value of [PASSWORD, PRIVATE_KEY, 'log-test-private-key-never-printed', SUDO_PASSWORD, keyText, 'tgl_']) expect(printed).not.toContain(value);
  }, 120_000);

  it('refuses to start with a missing or malformed key, without echoing it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-secret-key-'));
    dirs.push(dir);
    const run = (args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } => {
      const done = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'server', '--port', '0', ...args], { env: { ...process.env, TOLLGATE_DATA_DIR: path.join(dir, 'data'), TOLLGATE_ADMIN_TOKEN: ADMIN, ...env }, encoding: 'utf8', timeout: 60_000 });
      return { status: done.status, output: done.stdout + done.stderr };
    };
    const missing = run(['--secret-key-file', path.join(dir, 'nope.key')], {});
    expect(missing.status).toBe(2);
    expect(missing.output).toMatch(/--secret-key-file .*nope\.key: cannot read it \(ENOENT\)/);
    const malformed = 'definitely-not-a-32-byte-key';
    const bad = run([], { TOLLGATE_SECRET_KEY: malformed });
    expect(bad.status).toBe(2);
    expect(bad.output).toMatch(/TOLLGATE_SECRET_KEY must be 32 bytes/);
    expect(bad.output).not.toContain(malformed);
  }, 120_000);
});

