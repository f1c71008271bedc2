/**
 * `tollgate server` and `tollgate server token create` as a user runs them (the CLI from source):
 * the first start prints the admin token once, a second start prints none, a token made on the
 * command line works against the running server with its role, and nothing the run printed
 * besides those two announcements holds a token.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

async function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; stdout: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${stderr}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return {
    url,
    stdout: () => stdout + stderr,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

describe('tollgate server', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('prints the first admin token once, makes tokens from the command line, and shuts down on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-server-cli-'));
    dirs.push(dir);
    const env = { TOLLGATE_DATA_DIR: path.join(dir, 'data'), TOLLGATE_ADMIN_TOKEN: '' };
    const first = await startCli(['server', '--port', '0', '--request-log'], env);
    const admin = /the admin token is (tg_admin_\S+)/.exec(first.stdout())?.[1] as string;
    expect(admin).toMatch(/^tg_admin_[A-Za-z0-9_-]{43}$/);
    const made = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'server', 'token', 'create', '--role', 'viewer', '--name', 'dashboard'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(made.status).toBe(0);
    const viewer = made.stdout.trim();
    expect(viewer).toMatch(/^tg_viewer_/);
    const read = await fetch(`${first.url}/api/v1/images`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(read.status).toBe(200);
    const write = await fetch(`${first.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' }, body: '{"name":"x","role":"admin"}' });
    expect(write.status).toBe(403);
    const audit = await (await fetch(`${first.url}/api/v1/audit`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(audit).toContain('command-line');
    expect(audit).not.toContain(viewer);
    expect(await first.stop()).toBe(0);
    const firstOutput = first.stdout();
    expect(firstOutput.split(admin).length - 1).toBe(1);
    expect(firstOutput).not.toContain(viewer);
    // The request log was on: it saw every request above, and none of their tokens.
    expect(firstOutput).toContain('/api/v1/audit');

    const second = await startCli(['server', '--port', '0'], env);
    expect(second.stdout()).not.toMatch(/admin token is/);
    expect(await second.stop()).toBe(0);
    expect(second.stdout()).not.toContain(admin);
    const duplicate = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'server', 'token', 'create', '--role', 'ci', '--name', 'dashboard'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(duplicate.status).toBe(2);
    expect(duplicate.stderr).toContain('a token named dashboard exists already');
    const badRole = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'server', 'token', 'create', '--role', 'root', '--name', 'x'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(badRole.status).toBe(2);
  });

  it('serves HTTPS with --tls-cert and --tls-key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-server-tls-'));
    dirs.push(dir);
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const server = await startCli(['server', '--port', '0', '--tls-cert', cert, '--tls-key', key], { TOLLGATE_DATA_DIR: path.join(dir, 'data') });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { Agent, request } = await import('undici');
      const agent = new Agent({ connect: { ca: await readFile(cert) } });
      const health = await request(`${server.url}/api/v1/health`, { dispatcher: agent });
      expect(health.statusCode).toBe(200);
      expect(((await health.body.json()) as { status: string }).status).toBe('ok');
      expect(health.headers['strict-transport-security']).toBeDefined();
      await agent.close();
    } finally {
      await server.stop();
    }
  });

  it('refuses a database URL that is not PostgreSQL and half a TLS pair, as usage errors', () => {
    const url = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'server', '--database-url', 'mysql://user:secretpw@db/x', '--port', '0'], { encoding: 'utf8' });
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('postgres://');
    expect(url.stderr).not.toContain('secretpw');
    const tls = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'server', '--tls-cert', '/nonexistent', '--port', '0'], { encoding: 'utf8' });
    expect(tls.status).toBe(2);
  });
});
