/**
 * The compliance half of the API on both stores (SQLite file, throwaway PostgreSQL database): hosts,
 * asset groups, write-only authentication records sealed at rest, policies (built-in and uploaded),
 * option profiles, scanners and workers, and compliance scans through their whole life: launch,
 * lease (one job to one worker, also with two server processes on one PostgreSQL), lease expiry
 * and re-lease, renew, just-in-time credentials, result once, cancel, errors, retention. Every
 * answer, the audit log and the server's log are searched for the secrets.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPolicies } from '../../compliance/policy/load-policy.js';
import { runComplianceJob } from '../../jobs/compliance-job.js';
import type { ComplianceResult } from '../../model/compliance-result.js';
import { createTestStore, startTestServer, type JsonBody, type StoreKind, type TestServer, type TestStore } from '../test-support/harness.js';
import { applyRetention } from '../store/retention.js';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

const PASSWORD = 'Pa55-word-that-must-never-leak';
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAnever-leak-private-key-body\n-----END OPENSSH PRIVATE KEY-----\n';
const PASSPHRASE = 'passphrase-never-leaks';
const SUDO_PASSWORD = 'sudo-password-never-leaks';
const SECRET_VALUES = [PASSWORD, PRIVATE_KEY, 'never-leak-private-key-body', PASSPHRASE, SUDO_PASSWORD];

const UPLOADED_POLICY = `schemaVersion: 1
id: motd-present
title: A message of the day
version: 1.0.0
controls:
  - cid: TG-MOTD-001
    title: /etc/motd exists
    statement: /etc/motd exists.
    criticality: MINIMAL
    check:
      type: file
      path: /etc/motd
      exists: true
`;

/** A real compliance result: the engine's scan of a small root filesystem against the built-in ssh-server policy. */
async function realResult(): Promise<ComplianceResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'tollgate-compliance-root-'));
  try {
    await mkdir(path.join(root, 'etc/ssh'), { recursive: true });
    await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
    await writeFile(path.join(root, 'usr/sbin/sshd'), '');
    await writeFile(path.join(root, 'etc/ssh/sshd_config'), 'PermitRootLogin yes\nPasswordAuthentication no\n');
    const ssh = builtinPolicies().filter((policy) => policy.id === 'ssh-server');
    return (await runComplianceJob(`dir:${root}`, ssh, { scanName: 'api-test' })).result;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe.each(KINDS)('the compliance API on %s', (kind) => {
  let store: TestStore;
  let server: TestServer;
  let result: ComplianceResult;
  const keyText = randomBytes(32).toString('base64');
  const tokens: Record<string, string> = {};
  /** Every answer's text, except the credentials answers (which must hold the secrets). */
  const answers: string[] = [];
  let credentialAnswers = 0;

  const call = async (method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: JsonBody; text: string; headers: Headers }> => {
    const answer = await server.call(method, url, { token, ...(body !== undefined ? { body } : {}) });
    if (url.endsWith('/credentials') && answer.status === 200) credentialAnswers++;
    else answers.push(answer.text);
    return answer;
  };

  const launch = (host: string, extra: Record<string, unknown> = {}): ReturnType<typeof call> => call('POST', '/api/v1/compliance-scans', tokens.ci as string, { name: `nightly [${host}]`, host, scanner: 'External', authRecord: 'tollgate_unix_job-1', policies: ['ssh-server'], ...extra });
  const lease = (workerId: string, label = 'External', target: TestServer = server): Promise<{ status: number; json: JsonBody; text: string }> =>
    target.call('POST', `/api/v1/scanners/${label}/lease`, { token: tokens.worker as string, body: { workerId, leaseSeconds: 30 } }).then((answer) => (answers.push(answer.text), answer));
  /** The lease's expiry moved into the past: the worker holding it has stopped renewing. */
  const expireLease = async (id: string): Promise<void> => {
    await server.context.store.db.updateTable('compliance_scans').set({ lease_expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
  };
  /** Leases until nothing is left, so a test starts with an empty queue. */
  const drainQueue = async (): Promise<void> => {
    await server.context.store.db.updateTable('compliance_scans').set({ state: 'Canceled' }).where('state', 'in', ['Queued', 'Running']).execute();
  };

  beforeAll(async () => {
    result = await realResult();
    store = await createTestStore(kind);
    server = await startTestServer(store, { secretKey: keyText });
    for (const role of ['ci', 'viewer', 'worker', 'sensor']) tokens[role] = (await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: `${role}-1`, role } })).json.token as string;
    expect((await call('PUT', '/api/v1/hosts/web-1', tokens.ci as string, { address: '127.0.0.1', labels: { env: 'test' } })).status).toBe(201);
    expect((await call('PUT', '/api/v1/auth-records/tollgate_unix_job-1', tokens.ci as string, { type: 'unix', user: 'deploy', password: PASSWORD, privateKey: PRIVATE_KEY, passphrase: PASSPHRASE, sudoPassword: SUDO_PASSWORD, port: 2222 })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it('creates, replaces and reads hosts and asset groups, refusing unknown members by field', async () => {
    const replaced = await call('PUT', '/api/v1/hosts/web-1', tokens.ci as string, { address: '127.0.0.1', labels: { env: 'test', tier: 'web' } });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ name: 'web-1', address: '127.0.0.1', cloudInstanceId: null, labels: { env: 'test', tier: 'web' } });
    expect((await call('PUT', '/api/v1/hosts/i-cloud', tokens.ci as string, { cloudInstanceId: 'i-0abc' })).json.error.field).toBe('body.cloudConnector');
    expect((await call('PUT', '/api/v1/hosts/web-2', tokens.ci as string, { address: '10.0.0.2; rm -rf /' })).json.error.field).toBe('body.address');
    expect((await call('GET', '/api/v1/hosts/nope', tokens.viewer as string)).status).toBe(404);
    const hosts = await call('GET', '/api/v1/hosts', tokens.viewer as string);
    expect(hosts.json.map((host: { name: string }) => host.name)).toContain('web-1');
    const unknown = await call('PUT', '/api/v1/asset-groups/tollgate_AG_job-1', tokens.ci as string, { hosts: ['web-1', 'ghost'], policies: ['ssh-server'] });
    expect([unknown.status, unknown.json.error.field]).toEqual([404, 'body.hosts.1']);
    expect((await call('PUT', '/api/v1/asset-groups/tollgate_AG_job-1', tokens.ci as string, { hosts: ['web-1'], policies: ['no-such-policy'] })).json.error.field).toBe('body.policies.0');
    expect((await call('PUT', '/api/v1/asset-groups/tollgate_AG_job-1', tokens.ci as string, { hosts: ['web-1'], policies: ['ssh-server'] })).status).toBe(201);
    expect((await call('PUT', '/api/v1/asset-groups/tollgate_AG_job-1', tokens.ci as string, { hosts: ['web-1'], policies: ['ssh-server'] })).status).toBe(200);
    expect((await call('GET', '/api/v1/asset-groups/tollgate_AG_job-1', tokens.viewer as string)).json).toMatchObject({ hosts: ['web-1'], policies: ['ssh-server'] });
    expect((await call('GET', '/api/v1/asset-groups', tokens.viewer as string)).json).toHaveLength(1);
  });

  it('lists built-in policies, validates uploads with the CLI parser (line and field), and keeps built-in names', async () => {
    const listed = await call('GET', '/api/v1/policies', tokens.viewer as string);
    expect(listed.json).toContainEqual(expect.objectContaining({ name: 'ssh-server', builtin: true }));
    const builtin = await call('GET', '/api/v1/policies/ssh-server', tokens.viewer as string);
    expect(builtin.json.yaml).toContain('TG-SSH-001');
    const uploaded = await call('PUT', '/api/v1/policies/motd', tokens.ci as string, { yaml: UPLOADED_POLICY });
    expect([uploaded.status, uploaded.json.policyId]).toEqual([201, 'motd-present']);
    expect((await call('PUT', '/api/v1/policies/motd', tokens.ci as string, { yaml: UPLOADED_POLICY })).status).toBe(200);
    const broken = await call('PUT', '/api/v1/policies/broken', tokens.ci as string, { yaml: UPLOADED_POLICY.replace('MINIMAL', 'HUGE') });
    expect([broken.status, broken.json.error.code, broken.json.error.field]).toEqual([400, 'invalid_policy', 'body.yaml']);
    expect(broken.json.error.message).toMatch(/broken\.yaml:9:\d+: controls\[0\]\.criticality/);
    expect((await call('PUT', '/api/v1/policies/ssh-server', tokens.ci as string, { yaml: UPLOADED_POLICY })).json.error.code).toBe('builtin_policy');
    expect((await call('GET', '/api/v1/policies/motd', tokens.viewer as string)).json).toEqual({ name: 'motd', builtin: false, yaml: UPLOADED_POLICY });
    expect((await call('GET', '/api/v1/policies/broken', tokens.viewer as string)).status).toBe(404);
    const profile = await call('PUT', '/api/v1/option-profiles/standard', tokens.ci as string, { policies: ['ssh-server', 'motd'], settings: { connectTimeoutSeconds: 5, timeoutMinutes: 10 } });
    expect(profile.status).toBe(201);
    expect((await call('GET', '/api/v1/option-profiles/standard', tokens.viewer as string)).json).toMatchObject({ policies: ['ssh-server', 'motd'], settings: { connectTimeoutSeconds: 5, timeoutMinutes: 10 } });
    expect((await call('PUT', '/api/v1/option-profiles/bad', tokens.ci as string, { policies: ['ghost'], settings: {} })).json.error.field).toBe('body.policies.0');
    expect((await call('PUT', '/api/v1/option-profiles/bad', tokens.ci as string, { policies: [], settings: { timeoutMinutes: 0 } })).json.error.field).toMatch(/^body\.settings\.timeoutMinutes/);
    expect((await call('GET', '/api/v1/option-profiles', tokens.viewer as string)).json.map((entry: { name: string }) => entry.name)).toEqual(['standard']);
  });

  it('keeps authentication records write-only and sealed at rest', async () => {
    const again = await call('PUT', '/api/v1/auth-records/tollgate_unix_job-1', tokens.ci as string, { type: 'unix', user: 'deploy', password: PASSWORD, privateKey: PRIVATE_KEY, passphrase: PASSPHRASE, sudoPassword: SUDO_PASSWORD, port: 2222 });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ name: 'tollgate_unix_job-1', type: 'unix', user: 'deploy', port: 2222, sudo: true, hasPassword: true, hasPrivateKey: true, updatedAt: expect.any(String) });
    expect((await call('GET', '/api/v1/auth-records', tokens.viewer as string)).json).toHaveLength(1);
    expect(Object.keys((await call('GET', '/api/v1/auth-records/tollgate_unix_job-1', tokens.ci as string)).json).sort()).toEqual(['hasPassword', 'hasPrivateKey', 'name', 'port', 'sudo', 'type', 'updatedAt', 'user']);
    expect((await call('PUT', '/api/v1/auth-records/no-secret', tokens.ci as string, { type: 'unix', user: 'deploy' })).json.error.field).toBe('body.password');
    expect((await call('PUT', '/api/v1/auth-records/win', tokens.ci as string, { type: 'windows', user: 'x', password: 'y' })).status).toBe(400);
    const row = await server.context.store.db.selectFrom('auth_records').selectAll().where('name', '=', 'tollgate_unix_job-1').executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    for (const value of SECRET_VALUES) {
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(Buffer.from(value).toString('base64'));
    }
    expect(row.secret_ciphertext.length).toBeGreaterThan(PRIVATE_KEY.length);
  });

  it('launches scans, checking every reference, and leases one to a worker with its policies and target', async () => {
    await drainQueue();
    expect((await launch('web-1', { assetGroup: 'tollgate_AG_job-1' })).json.error.field).toBe('body.host');
    expect((await launch('web-1', { scanner: 'Nowhere' })).json.error).toMatchObject({ code: 'not_found', field: 'body.scanner' });
    expect((await launch('web-1', { authRecord: 'ghost' })).json.error.field).toBe('body.authRecord');
    expect((await launch('ghost')).json.error.field).toBe('body.host');
    expect((await launch('web-1', { policies: ['ssh-server', 'ghost'] })).json.error.field).toBe('body.policies.1');
    const fromProfile = await launch('web-1', { policies: undefined, optionProfile: 'standard' });
    expect([fromProfile.status, fromProfile.json.policies, fromProfile.json.state]).toEqual([201, ['ssh-server', 'motd'], 'Queued']);
    expect((await lease('worker-a', 'Nowhere')).status).toBe(404);
    const leased = await lease('worker-a');
    expect(leased.status).toBe(200);
    expect(leased.json).toMatchObject({ scanId: fromProfile.json.id, target: { host: 'web-1', address: '127.0.0.1', port: 2222 }, authRecord: 'tollgate_unix_job-1', settings: { connectTimeoutSeconds: 5, timeoutMinutes: 10 }, attempt: 1 });
    expect(leased.json.leaseToken).toMatch(/^tgl_/);
    expect(leased.json.policies.map((policy: { name: string }) => policy.name)).toEqual(['ssh-server', 'motd']);
    expect(leased.json.policies[1].yaml).toBe(UPLOADED_POLICY);
    expect((await lease('worker-b')).status).toBe(204);
    const running = await call('GET', `/api/v1/compliance-scans/${fromProfile.json.id}`, tokens.viewer as string);
    expect(running.json).toMatchObject({ state: 'Running', workerId: 'worker-a', startedAt: expect.any(String) });
    const stored = await server.context.store.db.selectFrom('compliance_scans').select('lease_token_hash').where('id', '=', fromProfile.json.id).executeTakeFirstOrThrow();
    expect(stored.lease_token_hash).not.toContain(leased.json.leaseToken);
    const group = await call('POST', '/api/v1/compliance-scans', tokens.ci as string, { name: 'group scan', assetGroup: 'tollgate_AG_job-1', scanner: 'External', authRecord: 'tollgate_unix_job-1' });
    expect([group.status, group.json.host, group.json.assetGroup, group.json.policies]).toEqual([201, 'web-1', 'tollgate_AG_job-1', ['ssh-server']]);
    expect((await call('GET', '/api/v1/compliance-scans?host=web-1&state=Queued&limit=5', tokens.viewer as string)).json.map((scan: { id: string }) => scan.id)).toEqual([group.json.id]);
    expect((await call('GET', '/api/v1/compliance-scans?state=Done', tokens.viewer as string)).json.error.field).toMatch(/^querystring\.state/);
  });

  it('hands credentials only to the valid lease, records the result once, and serves it', async () => {
    await drainQueue();
    const scan = await launch('web-1');
    const job = await lease('worker-a');
    const token = job.json.leaseToken as string;
    const url = `/api/v1/compliance-scans/${scan.json.id}`;
    expect((await call('GET', `${url}/result`, tokens.ci as string)).json.error.code).toBe('not_finished');
    const credentials = await call('POST', `${url}/credentials`, tokens.worker as string, { leaseToken: token });
    expect(credentials.status).toBe(200);
    expect(credentials.headers.get('cache-control')).toBe('no-store');
    expect(credentials.json).toEqual({ user: 'deploy', password: PASSWORD, privateKey: PRIVATE_KEY, passphrase: PASSPHRASE, sudo: true, sudoPassword: SUDO_PASSWORD, port: 2222 });
    expect((await call('POST', `${url}/credentials`, tokens.worker as string, { leaseToken: 'tgl_forged' })).json.error.code).toBe('lease_lost');
    expect((await call('POST', `${url}/credentials`, tokens.ci as string, { leaseToken: token })).status).toBe(403);
    const renewed = await call('POST', `${url}/lease/renew`, tokens.worker as string, { leaseToken: token, leaseSeconds: 120 });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.json.leaseExpiresAt)).toBeGreaterThan(Date.parse(job.json.leaseExpiresAt));
    expect((await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: token })).json.error.field).toBe('body.result');
    expect((await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: token, result: { ...result, kind: 'image' } })).status).toBe(400);
    const uploaded = await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: token, result });
    expect(uploaded.json).toEqual({ state: 'Finished', recorded: true });
    const repeated = await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: token, result: { ...result, warnings: ['a second, different upload'] } });
    expect([repeated.status, repeated.json]).toEqual([200, { state: 'Finished', recorded: false }]);
    const served = await call('GET', `${url}/result`, tokens.ci as string);
    expect(served.json).toEqual(result);
    expect((await call('POST', `${url}/credentials`, tokens.worker as string, { leaseToken: token })).json.error.code).toBe('lease_lost');
    expect((await call('POST', `${url}/lease/renew`, tokens.worker as string, { leaseToken: token })).json.error.code).toBe('lease_lost');
    const host = await call('GET', '/api/v1/hosts/web-1', tokens.viewer as string);
    const ssh = host.json.lastScans.find((entry: { policy: string }) => entry.policy === 'ssh-server');
    expect(ssh).toMatchObject({ state: 'Finished', finishedAt: expect.any(String), totals: result.policies[0]?.totals });
    expect((await call('GET', '/api/v1/compliance-scans/00000000-0000-4000-8000-000000000000/result', tokens.ci as string)).status).toBe(404);
  });

  it('leases an expired lease again: the old token is stale and the result is recorded once, from the new holder', async () => {
    await drainQueue();
    const scan = await launch('web-1');
    const first = await lease('worker-a');
    expect((await lease('worker-b')).status).toBe(204);
    await expireLease(scan.json.id);
    const second = await lease('worker-b');
    expect([second.json.scanId, second.json.attempt]).toEqual([scan.json.id, 2]);
    const url = `/api/v1/compliance-scans/${scan.json.id}`;
    expect((await call('POST', `${url}/lease/renew`, tokens.worker as string, { leaseToken: first.json.leaseToken })).json.error.code).toBe('lease_lost');
    expect((await call('POST', `${url}/credentials`, tokens.worker as string, { leaseToken: first.json.leaseToken })).status).toBe(409);
    expect((await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: first.json.leaseToken, result })).json.error.code).toBe('lease_lost');
    expect((await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: second.json.leaseToken, result })).json.state).toBe('Finished');
    expect((await call('GET', url, tokens.viewer as string)).json).toMatchObject({ state: 'Finished', workerId: 'worker-b', attempts: 2 });
    // A scan whose workers keep dying is given up, not leased forever.
    const doomed = await launch('web-1');
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await lease(`dying-${attempt}`)).json.scanId).toBe(doomed.json.id);
      await expireLease(doomed.json.id);
    }
    expect((await lease('worker-c')).status).toBe(204);
    expect((await call('GET', `/api/v1/compliance-scans/${doomed.json.id}`, tokens.viewer as string)).json).toMatchObject({ state: 'Error', error: { code: 'attempts_exhausted' } });
  });

  it('gives each job to one worker when many lease at once', async () => {
    await drainQueue();
    const launched = [];
    for (let i = 0; i < 6; i++) launched.push((await launch('web-1')).json.id as string);
    const servers = [server];
    const second = kind === 'postgres' ? await startTestServer(store, { secretKey: keyText }) : undefined;
    if (second) servers.push(second);
    try {
      const leased: string[] = [];
      await Promise.all(
        Array.from({ length: 12 }, async (_, worker) => {
          for (;;) {
            const answer = await lease(`racer-${worker}`, 'External', servers[worker % servers.length]);
            if (answer.status === 204) return;
            expect(answer.status).toBe(200);
            leased.push(answer.json.scanId as string);
          }
        }),
      );
      expect(leased.sort()).toEqual([...launched].sort());
      const rows = await server.context.store.db.selectFrom('compliance_scans').select(['attempts', 'state']).where('id', 'in', launched).execute();
      expect(rows.every((row) => row.attempts === 1 && row.state === 'Running')).toBe(true);
    } finally {
      await second?.close();
    }
  });

  it('cancels Queued and Running scans: the worker is told at its next renew, and nothing is recorded after', async () => {
    await drainQueue();
    const queued = await launch('web-1');
    const canceled = await call('POST', `/api/v1/compliance-scans/${queued.json.id}/cancel`, tokens.ci as string);
    expect([canceled.status, canceled.json.state]).toEqual([200, 'Canceled']);
    expect((await lease('worker-a')).status).toBe(204);
    expect((await call('POST', `/api/v1/compliance-scans/${queued.json.id}/cancel`, tokens.ci as string)).json.error.code).toBe('not_cancelable');
    const running = await launch('web-1');
    const job = await lease('worker-a');
    const url = `/api/v1/compliance-scans/${running.json.id}`;
    expect((await call('POST', `${url}/cancel`, tokens.viewer as string)).status).toBe(403);
    expect((await call('POST', `${url}/cancel`, tokens.ci as string)).json.state).toBe('Canceled');
    expect((await call('POST', `${url}/lease/renew`, tokens.worker as string, { leaseToken: job.json.leaseToken })).json.error.code).toBe('canceled');
    expect((await call('POST', `${url}/credentials`, tokens.worker as string, { leaseToken: job.json.leaseToken })).json.error.code).toBe('canceled');
    expect((await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: job.json.leaseToken, result })).json.error.code).toBe('canceled');
    expect((await call('GET', `${url}/result`, tokens.ci as string)).json.error.code).toBe('not_finished');
    expect((await call('POST', '/api/v1/compliance-scans/00000000-0000-4000-8000-000000000000/cancel', tokens.ci as string)).status).toBe(404);
  });

  it('records a worker error: state Error, and the result answers scan_error', async () => {
    await drainQueue();
    const scan = await launch('web-1');
    const job = await lease('worker-a');
    const url = `/api/v1/compliance-scans/${scan.json.id}`;
    const failed = await call('PUT', `${url}/result`, tokens.worker as string, { leaseToken: job.json.leaseToken, error: { code: 'unreachable', message: 'connect ECONNREFUSED 127.0.0.1:2222' } });
    expect(failed.json.state).toBe('Error');
    expect((await call('GET', url, tokens.viewer as string)).json.error).toEqual({ code: 'unreachable', message: 'connect ECONNREFUSED 127.0.0.1:2222' });
    const answer = await call('GET', `${url}/result`, tokens.ci as string);
    expect([answer.status, answer.json.error.code]).toEqual([409, 'scan_error']);
  });

  it('registers workers by heartbeat and shows them live under their scanner label', async () => {
    expect((await call('PUT', '/api/v1/scanners/DMZ', tokens.ci as string, {})).status).toBe(201);
    expect((await call('PUT', '/api/v1/scanners/DMZ', tokens.ci as string, {})).status).toBe(200);
    expect((await call('POST', '/api/v1/scanners/Nowhere/workers/w1/heartbeat', tokens.worker as string, { hostname: 'box', version: '0.1.0' })).status).toBe(404);
    expect((await call('POST', '/api/v1/scanners/DMZ/workers/w1/heartbeat', tokens.worker as string, { hostname: 'box', version: '0.1.0' })).status).toBe(200);
    expect((await call('POST', '/api/v1/scanners/DMZ/workers/w1/heartbeat', tokens.worker as string, { hostname: 'box\nforged log line', version: '0.1.0' })).json.error.field).toBe('body.hostname');
    const scanners = await call('GET', '/api/v1/scanners', tokens.viewer as string);
    expect(scanners.json.map((scanner: { label: string }) => scanner.label)).toEqual(['DMZ', 'External']);
    expect(scanners.json[0].workers).toEqual([{ id: 'w1', hostname: 'box', version: '0.1.0', lastSeen: expect.any(String), live: true }]);
  });

  it('keeps compliance scans per host by count, never a running one', async () => {
    await drainQueue();
    await call('PUT', '/api/v1/hosts/retained', tokens.ci as string, { address: '127.0.0.2' });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const scan = await launch('retained');
      ids.push(scan.json.id as string);
      const job = await lease('worker-r');
      await call('PUT', `/api/v1/compliance-scans/${scan.json.id}/result`, tokens.worker as string, { leaseToken: job.json.leaseToken, result });
    }
    const running = await launch('retained');
    await lease('worker-r');
    await applyRetention(server.context.store.db, { keepPerImage: 2 });
    const left = await call('GET', '/api/v1/compliance-scans?host=retained', tokens.viewer as string);
    expect(left.json.map((scan: { id: string }) => scan.id)).toEqual([running.json.id, ids[3], ids[2]]);
  });

  it('audits every write with the token name and never a secret; no answer or log line holds one', async () => {
    const audit = await call('GET', '/api/v1/audit?limit=10000', server.adminToken);
    const actions = new Set(audit.json.entries.map((entry: { token: string; action: string }) => `${entry.token} ${entry.action}`));
    for (const expected of ['ci-1 host.create', 'ci-1 host.update', 'ci-1 asset-group.create', 'ci-1 auth-record.create', 'ci-1 auth-record.update', 'ci-1 policy.create', 'ci-1 option-profile.create', 'ci-1 scanner.create', 'ci-1 compliance-scan.launch', 'ci-1 compliance-scan.cancel', 'worker-1 compliance-scan.lease', 'worker-1 auth-record.release', 'worker-1 compliance-scan.result', 'worker-1 compliance-scan.error', 'worker-1 worker.register']) expect(actions).toContain(expected);
    expect(credentialAnswers).toBeGreaterThan(0);
    const everything = [...answers, ...server.logged, ...server.announced].join('\n');
    for (const value of [...SECRET_VALUES, keyText]) expect(everything).not.toContain(value);
  });

  it('refuses to store a record without a key, and says so when the key differs from the one that sealed it', async () => {
    const keyless = await startTestServer(store);
    const otherKey = await startTestServer(store, { secretKey: randomBytes(32).toString('hex') });
    try {
      const refused = await keyless.call('PUT', '/api/v1/auth-records/another', { token: tokens.ci as string, body: { type: 'unix', user: 'u', password: 'p' } });
      expect([refused.status, refused.json.error.code]).toEqual([409, 'no_secret_key']);
      await drainQueue();
      const scan = await launch('web-1');
      const job = await lease('worker-a', 'External', otherKey);
      const mismatch = await otherKey.call('POST', `/api/v1/compliance-scans/${scan.json.id}/credentials`, { token: tokens.worker as string, body: { leaseToken: job.json.leaseToken } });
      expect([mismatch.status, mismatch.json.error.code]).toEqual([409, 'secret_key_mismatch']);
      const noKey = await keyless.call('POST', `/api/v1/compliance-scans/${scan.json.id}/credentials`, { token: tokens.worker as string, body: { leaseToken: job.json.leaseToken } });
      expect(noKey.json.error.code).toBe('no_secret_key');
      for (const answer of [refused, mismatch, noKey]) for (const value of SECRET_VALUES) expect(answer.text).not.toContain(value);
      await expect(startTestServer(store, { secretKey: 'not-a-key' })).rejects.toThrow(/TOLLGATE_SECRET_KEY must be 32 bytes/);
    } finally {
      await otherKey.close();
      await keyless.close();
    }
  });
});
