/**
 * Cloud instances end to end: hosts known only as EC2 instance ids, resolved at launch through a
 * cloud connector configured on a real `tollgate server` child process, against the EC2
 * DescribeInstances STUB (AWS cannot run here; the stub checks Signature V4, so each answer proves
 * the server opened the sealed secret access key). A running instance is scanned at its private
 * address by a real worker over a real sshd; a stopped one fails "no host alive"; an unknown one
 * aborts with EC2's message; a disabled connector aborts; a connector that does not run at launch
 * uses what its last run saw. The secret access key never leaves the server, nor reaches its log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEc2DescribeStub, type Ec2DescribeStub } from '../../src/server/cloud/test-support/ec2-describe-stub.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/server/test-support/stores.js';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { PASSWORD_USER, startSshd, type TestSshd } from '../support/sshd.js';
import { startPlatformServer, startTollgate, waitForScanState, type PlatformServer, type TollgateProcess } from './worker-platform.js';

const RUNNING = 'i-0a1b2c3d4e5f60001';
const STOPPED = 'i-0a1b2c3d4e5f60002';
const MISSING = 'i-0a1b2c3d4e5f69999';
const ACCESS = { region: 'eu-central-1', accessKeyId: 'AKIATOLLGATESTUB0001', secretAccessKey: `stub/${randomBytes(24).toString('base64url')}` };

/** Real processes (server, workers, sshd, the standalone CLI) on a shared machine: minutes, not seconds. */
const SCAN_TEST_TIMEOUT_MS = 240_000;

let sshd: TestSshd;
let stub: Ec2DescribeStub;
let work: string;
let knownHosts: string;

beforeAll(async () => {
  sshd = await startSshd();
  stub = await startEc2DescribeStub(ACCESS);
  stub.instances.set(RUNNING, { instanceId: RUNNING, state: 'running', privateIpAddress: '127.0.0.1' });
  stub.instances.set(STOPPED, { instanceId: STOPPED, state: 'stopped' });
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-worker-cloud-'));
  knownHosts = path.join(work, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
});

afterAll(async () => {
  await stub?.close();
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe.each([{ store: 'SQLite' as const }, { store: 'PostgreSQL' as const }])('ec2: hosts with a $store server', ({ store }) => {
  let server: PlatformServer;
  let database: ThrowawayDatabase | undefined;
  let ci: string;
  let worker: TollgateProcess;
  const dataDir = (): string => path.join(work, `server-${store}`);

  const launch = async (host: string): Promise<Record<string, unknown>> => {
    const launched = await server.api('POST', '/compliance-scans', ci, { name: `cloud ${host}`, host, scanner: 'External', policies: ['ssh-server'], authRecord: 'pw' });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    return launched.body;
  };
  const putConnector = (name: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> => server.api('PUT', `/cloud-connectors/${name}`, server.adminToken, { provider: 'aws', region: ACCESS.region, accessKeyId: ACCESS.accessKeyId, endpoint: stub.endpoint, ...body });

  beforeAll(async () => {
    database = store === 'PostgreSQL' ? await createThrowawayDatabase() : undefined;
    server = await startPlatformServer({ dataDir: dataDir(), ...(database ? { databaseUrl: database.url } : {}), secretKeyHex: randomBytes(32).toString('hex') });
    ci = await server.createToken('pipeline', 'ci');
    const workerToken = await server.createToken('worker-1', 'worker');
    await server.api('PUT', '/auth-records/pw', ci, { type: 'unix', user: PASSWORD_USER, password: sshd.password, sudo: true, sudoPassword: sshd.password, port: sshd.port });
    for (const [host, instance] of [['ec2-running', RUNNING], ['ec2-stopped', STOPPED], ['ec2-missing', MISSING]] as const) {
      expect((await server.api('PUT', `/hosts/${host}`, ci, { cloudInstanceId: instance, cloudConnector: 'aws' })).status).toBe(201);
    }
    worker = startTollgate(['worker', '--server', server.url, '--poll', '1', '--lease-seconds', '10', '--known-hosts', knownHosts], { TOLLGATE_TOKEN: workerToken });
  });

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await server?.process.kill();
    const output = `${server?.process.output() ?? ''}\n${worker?.output() ?? ''}`;
    expect(output).not.toContain(ACCESS.secretAccessKey);
    expect(output).not.toContain(sshd.password);
    await database?.drop();
  }, SCAN_TEST_TIMEOUT_MS);

  it('keeps cloud connectors to admins, and their secret access key write-only and sealed at rest', async () => {
    expect((await server.api('PUT', '/cloud-connectors/aws', ci, { provider: 'aws', region: ACCESS.region, accessKeyId: ACCESS.accessKeyId, secretAccessKey: ACCESS.secretAccessKey })).status).toBe(403);
    expect((await putConnector('aws', {})).body.error).toMatchObject({ code: 'invalid_request', field: 'body.secretAccessKey' });
    const created = await putConnector('aws', { secretAccessKey: ACCESS.secretAccessKey, enabled: true, runConnector: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'aws', provider: 'aws', region: ACCESS.region, accessKeyId: ACCESS.accessKeyId, enabled: true, runConnector: true, hasSecretAccessKey: true });
    const listed = await server.api('GET', '/cloud-connectors', server.adminToken);
    const one = await server.api('GET', '/cloud-connectors/aws', server.adminToken);
    const audit = await server.api('GET', '/audit', server.adminToken);
    for (const answer of [created, listed, one, audit]) expect(JSON.stringify(answer.body)).not.toContain(ACCESS.secretAccessKey);
    expect(listed.body.cloudConnectors).toHaveLength(1);
    expect((await server.api('GET', '/cloud-connectors/aws', ci)).status).toBe(403);
    expect((await putConnector('bad name!', { secretAccessKey: 'x' })).status).toBe(400);
    if (store === 'SQLite') {
      const stored = await Promise.all((await filesUnder(dataDir())).map((file) => readFile(file)));
      for (const bytes of stored) expect(bytes.includes(ACCESS.secretAccessKey)).toBe(false);
      expect(stored.some((bytes) => bytes.includes(ACCESS.accessKeyId))).toBe(true);
    }
  }, SCAN_TEST_TIMEOUT_MS);

  it('scans a running instance at its private address, resolved at launch', async () => {
    const asked = stub.requests.length;
    const scan = await launch('ec2-running');
    expect(scan.state).toBe('Queued');
    expect(stub.requests.slice(asked)).toEqual([[RUNNING]]);
    const finished = await waitForScanState(server, ci, scan.id as string, ['Finished', 'Error']);
    expect(finished.state, JSON.stringify(finished)).toBe('Finished');
    const result = (await server.api('GET', `/compliance-scans/${scan.id as string}/result`, ci)).body as ComplianceResult;
    expect(result.target.name).toBe(`ssh://${PASSWORD_USER}@127.0.0.1:${sshd.port}`);
    expect(result.authentication.status).toBe('succeeded');
  }, SCAN_TEST_TIMEOUT_MS);

  it('fails a stopped instance as "no host alive", and aborts an unknown one with EC2\'s message', async () => {
    const stopped = await launch('ec2-stopped');
    expect(stopped.state).toBe('Error');
    expect(stopped.error).toEqual({ code: 'host_not_alive', message: `no host alive: instance ${STOPPED} of host ec2-stopped is stopped, not running` });
    const missing = await launch('ec2-missing');
    expect(missing.state).toBe('Error');
    expect(missing.error).toMatchObject({ code: 'instance_not_found' });
    expect((missing.error as { message: string }).message).toContain(`The instance ID '${MISSING}' does not exist`);
    const result = await server.api('GET', `/compliance-scans/${missing.id as string}/result`, ci);
    expect(result.status).toBe(409);
  }, SCAN_TEST_TIMEOUT_MS);

  it('aborts when the connector is disabled, and keeps the secret when a replacement leaves it out', async () => {
    const disabled = await putConnector('aws', { enabled: false, runConnector: true });
    expect(disabled.status).toBe(200);
    const scan = await launch('ec2-running');
    expect(scan).toMatchObject({ state: 'Error', error: { code: 'cloud_connector_disabled' } });
    expect((await putConnector('aws', { enabled: true, runConnector: true })).status).toBe(200);
    const asked = stub.requests.length;
    const again = await launch('ec2-running');
    expect(again.state).toBe('Queued');
    expect(stub.requests.length).toBe(asked + 1);
    await waitForScanState(server, ci, again.id as string, ['Finished']);
  }, SCAN_TEST_TIMEOUT_MS);

  it('uses what the last run saw when the connector does not run at launch', async () => {
    expect((await putConnector('aws', { enabled: true, runConnector: false })).status).toBe(200);
    const unknown = await launch('ec2-running');
    expect(unknown).toMatchObject({ state: 'Error', error: { code: 'instance_state_unknown' } });
    const run = await server.api('POST', '/cloud-connectors/aws/run', server.adminToken);
    expect(run.status).toBe(200);
    expect(run.body.instances).toEqual([
      { instanceId: RUNNING, state: 'running', privateAddress: '127.0.0.1' },
      { instanceId: STOPPED, state: 'stopped', privateAddress: null },
      { instanceId: MISSING, state: 'not-found', privateAddress: null },
    ]);
    const asked = stub.requests.length;
    const known = await launch('ec2-running');
    expect(known.state).toBe('Queued');
    expect(stub.requests.length).toBe(asked);
    await waitForScanState(server, ci, known.id as string, ['Finished']);
  });

  it('through the CLI connector (compliance scan --server ec2:<id>): scans a running instance via the worker, fails a stopped one, aborts an unknown one and a disabled connector', async () => {
    // Created here when this test runs alone, replaced otherwise.
    expect([200, 201]).toContain((await putConnector('aws', { secretAccessKey: ACCESS.secretAccessKey, enabled: true, runConnector: true })).status);
    const connector = async (instanceId: string, report?: string): Promise<{ code: number | string; output: string }> => {
      const child = startTollgate(['compliance', 'scan', `ec2:${instanceId}`, '--server', server.url, '--scanner', 'External', '--cloud-connector', 'aws', '--policy', 'ssh-server', '--auth', 'pw', '--poll', '0.005', '--timeout', '3', ...(report ? ['--format', `json=${report}`] : [])], { TOLLGATE_TOKEN: ci, JOB_NAME: `cloud-cli-${store}` });
      return { code: await child.exited, output: child.output() };
    };
    const report = path.join(work, `ec2-cli-${store}.json`);
    const running = await connector(RUNNING, report);
    expect([0, 1], running.output).toContain(running.code);
    expect(running.output).not.toMatch(/WARNING/);
    const result = JSON.parse(await readFile(report, 'utf8')) as ComplianceResult;
    expect(result.target.name).toBe(`ssh://${PASSWORD_USER}@127.0.0.1:${sshd.port}`);
    expect(result.authentication.status).toBe('succeeded');
    expect(result.policies.map((policy) => policy.id)).toEqual(['ssh-server']);
    const scanId = /scan (\S+) ".*" queued/.exec(running.output)?.[1] as string;
    expect(worker.output()).toContain(`scan ${scanId}: uploaded`);

    const stopped = await connector(STOPPED);
    expect(stopped.code, stopped.output).toBe(1);
    expect(stopped.output).toContain(`no host alive: instance ${STOPPED} of host ec2:${STOPPED} is stopped, not running`);
    const missing = await connector(MISSING);
    expect(missing.code, missing.output).toBe(3);
    expect(missing.output).toContain(`The instance ID '${MISSING}' does not exist`);
    expect(missing.output).toMatch(/the scan is aborted/);
    expect((await putConnector('aws', { enabled: false, runConnector: true })).status).toBe(200);
    const disabled = await connector(RUNNING);
    expect(disabled.code, disabled.output).toBe(3);
    expect(disabled.output).toMatch(/cloud connector aws is disabled; the scan of instance .* is aborted/);
    for (const outcome of [running, stopped, missing, disabled]) expect(outcome.output).not.toContain(ACCESS.secretAccessKey);
    expect((await putConnector('aws', { enabled: true, runConnector: true })).status).toBe(200);
  }, SCAN_TEST_TIMEOUT_MS);
});
