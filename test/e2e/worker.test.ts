/**
 * The scanner worker end to end, on loopback: a real sshd (test/support/sshd.ts), a real
 * `tollgate server` child process (SQLite, then PostgreSQL), `tollgate worker` children and the
 * standalone `tollgate compliance scan` of the same host.
 *
 * Proves: a queued scan run by the worker gives the same control results as the standalone scan;
 * a wrong password is an authentication-failure result; the password never appears in any output,
 * result or report, nor in any file under the workers' home and temporary folders; a worker killed with SIGKILL mid-scan leaves the scan to lease expiry, after
 * which another worker runs it and it is recorded once; a cancel stops the running scan; SIGTERM
 * ends the worker cleanly.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/server/test-support/stores.js';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { PASSWORD_USER, startSshd, type TestSshd } from '../support/sshd.js';
import { startPlatformServer, startTollgate, waitForScanState, type PlatformServer, type TollgateProcess } from './worker-platform.js';

const POLICIES = ['linux-baseline-debian', 'ssh-server'];
/** A policy whose one check takes a few seconds: long enough to kill or cancel a worker mid-scan. */
const slowPolicy = (id: string, seconds: number): string =>
  [
    'schemaVersion: 1',
    `id: ${id}`,
    `title: Takes ${seconds} seconds`,
    'version: 1.0.0',
    'controls:',
    '  - cid: TG-TEST-1',
    '    title: A slow command',
    '    statement: The command answers.',
    '    criticality: MINIMAL',
    '    check:',
    '      type: command',
    `      run: sleep ${seconds}; echo done`,
    '      stdoutMatches: [done]',
    '      timeoutSeconds: 600',
    '',
  ].join('\n');

let sshd: TestSshd;
let work: string;
let knownHosts: string;
const wrongPassword = `wrong-${randomBytes(9).toString('base64url')}`;

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-worker-'));
  knownHosts = path.join(work, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
});

afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

function controlStates(result: ComplianceResult): Record<string, string> {
  return Object.fromEntries(result.policies.flatMap((policy) => policy.controls.map((control) => [`${policy.id}/${control.cid}`, control.state])));
}

describe.each([
  { store: 'SQLite' as const },
  { store: 'PostgreSQL' as const },
])('tollgate worker with a $store server', ({ store }) => {
  let server: PlatformServer;
  let database: ThrowawayDatabase | undefined;
  let ci: string;
  let workerToken: string;
  const workers: TollgateProcess[] = [];
  const everyOutput: string[] = [];

  // The workers' home and temporary folders: after the run no file in them holds the password.
  const workerHome = (): string => path.join(work, `worker-home-${store}`);
  const startWorker = (extra: string[] = []): TollgateProcess => {
    const worker = startTollgate(['worker', '--server', server.url, '--label', 'External', '--poll', '1', '--heartbeat', '2', '--lease-seconds', '10', '--known-hosts', knownHosts, ...extra], { TOLLGATE_TOKEN: workerToken, HOME: workerHome(), TMPDIR: path.join(workerHome(), 'tmp') });
    workers.push(worker);
    return worker;
  };

  const launch = async (name: string, authRecord: string, policies: string[], host = 'sshd-host'): Promise<string> => {
    const launched = await server.api('POST', '/compliance-scans', ci, { name, host, scanner: 'External', policies, authRecord });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    return launched.body.id as string;
  };

  beforeAll(async () => {
    const dataDir = path.join(work, `server-${store}`);
    await mkdir(path.join(workerHome(), 'tmp'), { recursive: true });
    database = store === 'PostgreSQL' ? await createThrowawayDatabase() : undefined;
    server = await startPlatformServer({ dataDir, ...(database ? { databaseUrl: database.url } : {}), secretKeyHex: randomBytes(32).toString('hex') });
    ci = await server.createToken('pipeline', 'ci');
    workerToken = await server.createToken('worker-1', 'worker');
    const put = async (route: string, body: unknown): Promise<void> => {
      const answer = await server.api('PUT', route, ci, body);
      expect(answer.status, `${route}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    };
    await put('/hosts/sshd-host', { address: '127.0.0.1' });
    await put('/auth-records/pw', { type: 'unix', user: PASSWORD_USER, password: sshd.password, sudo: true, sudoPassword: sshd.password, port: sshd.port });
    await put('/auth-records/wrong', { type: 'unix', user: PASSWORD_USER, password: wrongPassword, port: sshd.port });
    await put('/policies/slow-5', { yaml: slowPolicy('slow-5', 5) });
    await put('/policies/slow-300', { yaml: slowPolicy('slow-300', 300) });
  });

  afterAll(async () => {
    for (const worker of workers) {
      await worker.kill('SIGKILL');
      everyOutput.push(worker.output());
    }
    await server?.process.kill();
    if (server) everyOutput.push(server.process.output());
    // The secret never reaches any process's output (worker, server), whatever happened above.
    const all = everyOutput.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(sshd.password);
    expect(all).not.toContain(wrongPassword);
    expect(all).not.toContain(workerToken);
    const written = await readdir(workerHome(), { recursive: true, withFileTypes: true });
    for (const entry of written.filter((file) => file.isFile())) {
      const bytes = await readFile(path.join(entry.parentPath, entry.name));
      expect(bytes.includes(sshd.password), `${entry.name} holds the password`).toBe(false);
    }
    await database?.drop();
  });

  it('runs a queued scan with the same control results as the standalone scan of the same host, and never shows the password', async () => {
    const worker = startWorker();
    const scanId = await launch('worker e2e', 'pw', POLICIES);
    const finished = await waitForScanState(server, ci, scanId, ['Finished', 'Error']);
    expect(finished.state, JSON.stringify(finished)).toBe('Finished');
    const fetched = await server.api('GET', `/compliance-scans/${scanId}/result`, ci);
    expect(fetched.status).toBe(200);
    const viaWorker = fetched.body as ComplianceResult;
    expect(viaWorker.authentication.status).toBe('succeeded');
    expect(viaWorker.target.name).toBe(`ssh://${PASSWORD_USER}@127.0.0.1:${sshd.port}`);

    const credentials = path.join(work, `credentials-${store}.yaml`);
    await writeFile(credentials, ['records:', '  - name: pw', `    username: ${PASSWORD_USER}`, '    password: { env: TG_PASSWORD }', '    sudo: { password: { env: TG_PASSWORD } }', ''].join('\n'));
    const report = path.join(work, `standalone-${store}.json`);
    const standalone = startTollgate(['compliance', 'scan', `ssh://127.0.0.1:${sshd.port}`, '--credentials', credentials, '--auth', 'pw', '--known-hosts', knownHosts, ...POLICIES.flatMap((policy) => ['--policy', policy]), '--format', `json=${report}`, '--quiet'], { TG_PASSWORD: sshd.password });
    expect([0, 1]).toContain(await standalone.exited);
    everyOutput.push(standalone.output());
    const alone = JSON.parse(await readFile(report, 'utf8')) as ComplianceResult;
    expect(Object.keys(controlStates(viaWorker)).length).toBeGreaterThan(60);
    expect(controlStates(viaWorker)).toEqual(controlStates(alone));

    expect(JSON.stringify(viaWorker)).not.toContain(sshd.password);
    expect(worker.output()).toMatch(new RegExp(`scan ${scanId}: uploaded, Finished`));
    const scanners = await server.api('GET', '/scanners', ci);
    const external = (scanners.body as { label: string; workers: { live: boolean }[] }[]).find((scanner) => scanner.label === 'External');
    expect(external?.workers.some((entry) => entry.live)).toBe(true);
  });

  it('uploads a wrong password as an authentication-failure result, not an error', async () => {
    const scanId = await launch('worker wrong password', 'wrong', POLICIES);
    const finished = await waitForScanState(server, ci, scanId, ['Finished', 'Error']);
    expect(finished.state).toBe('Finished');
    const result = (await server.api('GET', `/compliance-scans/${scanId}/result`, ci)).body as ComplianceResult;
    expect(result.authentication).toMatchObject({ status: 'failed', record: 'wrong' });
    expect(result.authentication.message).toMatch(/authentication failed for user tollgate-pw/);
    expect(result.policies).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(wrongPassword);
  });

  it('leases a scan again after a worker is killed with SIGKILL mid-scan, and records it once', async () => {
    for (const worker of workers.splice(0)) {
      expect(await worker.kill('SIGTERM')).toBe(0);
      everyOutput.push(worker.output());
    }
    const first = startWorker(['--worker-id', `first-${store}`]);
    const scanId = await launch('worker killed', 'pw', ['slow-5']);
    const running = await waitForScanState(server, ci, scanId, ['Running']);
    expect(running.workerId).toBe(`first-${store}`);
    await first.waitForOutput(new RegExp(`scan ${scanId}: scanning`));
    await first.kill('SIGKILL');
    everyOutput.push(first.output());

    const second = startWorker(['--worker-id', `second-${store}`]);
    const finished = await waitForScanState(server, ci, scanId, ['Finished', 'Error']);
    expect(finished).toMatchObject({ state: 'Finished', workerId: `second-${store}` });
    const result = (await server.api('GET', `/compliance-scans/${scanId}/result`, ci)).body as ComplianceResult;
    expect(controlStates(result)).toEqual({ 'slow-5/TG-TEST-1': 'PASS' });
    // Recorded once: one upload, by the second worker, and one scan of that name.
    expect(second.output().match(new RegExp(`scan ${scanId}: uploaded`, 'g'))).toHaveLength(1);
    const scans = await server.api('GET', '/compliance-scans?host=sshd-host&limit=1000', ci);
    const list = scans.body as { id: string }[];
    expect(list.filter((scan) => scan.id === scanId)).toHaveLength(1);
  });

  it('stops a running scan when it is canceled, and goes on to the next one', async () => {
    const worker = workers.at(-1) as TollgateProcess;
    const scanId = await launch('worker canceled', 'pw', ['slow-300']);
    await waitForScanState(server, ci, scanId, ['Running']);
    await worker.waitForOutput(new RegExp(`scan ${scanId}: scanning`));
    const canceled = await server.api('POST', `/compliance-scans/${scanId}/cancel`, ci);
    expect(canceled.status).toBe(200);
    // The next renewal (every third of the 10 s lease) answers 409 canceled.
    await worker.waitForOutput(new RegExp(`scan ${scanId}: canceled on the server: stopped, nothing uploaded`), 20_000);
    expect((await server.api('GET', `/compliance-scans/${scanId}`, ci)).body.state).toBe('Canceled');
    const next = await launch('worker after cancel', 'pw', ['slow-5']);
    expect((await waitForScanState(server, ci, next, ['Finished', 'Error'], 60_000)).state).toBe('Finished');
  });

  it('ends cleanly on SIGTERM', async () => {
    const worker = workers.at(-1) as TollgateProcess;
    expect(await worker.kill('SIGTERM')).toBe(0);
    expect(worker.output()).toMatch(/SIGTERM: stopping[\s\S]*stopped/);
  });
});
