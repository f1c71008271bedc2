/**
 * The platform on PostgreSQL with two server nodes (issue 14's last proof): a throwaway database,
 * two `tollgate server` processes on it (the same secret key), two CI-mode sensors on one real
 * dockerd (each talking to a different node), two workers (label External, each to a different
 * node) against the loopback sshd, and the CLI connector against alternating nodes. Proves: the
 * image verdict and report equal the standalone scan's, each marked image is scanned once (two
 * sensors, two nodes, one claim), each compliance scan is leased and recorded once and its control
 * results equal the standalone scan's; no secret in any output.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceResult } from '../../src/model/compliance-result.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/server/test-support/stores.js';
import { startDockerd, type TestDockerd } from '../support/dockerd.js';
import { openScanWorkspace, type ScanWorkspace } from '../support/scan-workspace.js';
import { PASSWORD_USER, startSshd, type TestSshd } from '../support/sshd.js';
import { startPlatformServer, startTollgate, type PlatformServer, type TollgateProcess } from './worker-platform.js';

/** Real processes (two servers, two sensors, two workers, dockerd, sshd) on a shared machine: minutes. */
const TEST_TIMEOUT_MS = 420_000;

let workspace: ScanWorkspace;
let database: ThrowawayDatabase;
let dockerd: TestDockerd;
let sshd: TestSshd;
let knownHosts: string;
let credentials: string;
const nodes: PlatformServer[] = [];
const sensors: TollgateProcess[] = [];
const workers: TollgateProcess[] = [];
const everyOutput: string[] = [];
let ci = '';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | string; output: string }> {
  const child = startTollgate(args, { TG_PASSWORD: sshd.password, ...env });
  const code = await child.exited;
  everyOutput.push(child.output());
  return { code, output: child.output() };
}

async function tagsOf(id: string): Promise<string[]> {
  return (await dockerd.docker(['image', 'inspect', '--format', '{{join .RepoTags "\\n"}}', id])).split('\n').filter(Boolean).sort();
}

/** The JSON report without what differs between two scans of the same image (time, database file). */
async function reportEssence(file: string): Promise<unknown> {
  const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  return rest;
}

function controlStates(result: ComplianceResult): Record<string, string> {
  return Object.fromEntries(result.policies.flatMap((policy) => policy.controls.map((control) => [`${policy.id}/${control.cid}`, control.state])));
}

const sensorScansOf = (imageId: string): number => sensors.map((sensor) => sensor.output().split(`scanning ${imageId} `).length - 1).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  workspace = await openScanWorkspace('two-nodes');
  database = await createThrowawayDatabase();
  const secretKeyHex = randomBytes(32).toString('hex');
  const adminToken = `tg_admin_${randomBytes(32).toString('base64url')}`;
  for (const name of ['node-a', 'node-b']) {
    // One after the other: the first applies the migrations, the second finds them applied.
    nodes.push(await startPlatformServer({ dataDir: path.join(workspace.work, name), databaseUrl: database.url, secretKeyHex, adminToken, extraArgs: ['--db', workspace.db, '--watch-interval', '3600'] }));
  }
  const [a, b] = nodes as [PlatformServer, PlatformServer];
  // Tokens made on one node work on the other: they live in the shared database.
  ci = await a.createToken('pipeline', 'ci');
  const sensorToken = await b.createToken('sensors', 'sensor');
  const workerToken = await a.createToken('workers', 'worker');

  dockerd = await startDockerd();
  await dockerd.docker(['load', '-i', workspace.image.dockerArchive]);
  sshd = await startSshd();
  knownHosts = path.join(workspace.work, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  credentials = path.join(workspace.work, 'credentials.yaml');
  await writeFile(credentials, ['records:', '  - name: pw', `    username: ${PASSWORD_USER}`, '    password: { env: TG_PASSWORD }', '    sudo: { password: { env: TG_PASSWORD } }', ''].join('\n'));

  for (const [index, node] of nodes.entries()) {
    sensors.push(startTollgate(['sensor', '--server', node.url, '--mode', 'ci', '--docker-host', `unix://${dockerd.socket}`, '--spool-dir', path.join(workspace.work, `sensor-${index}`), '--heartbeat', '2', '--sensor-id', `sensor-${index}`], { TOLLGATE_TOKEN: sensorToken }));
    const home = path.join(workspace.work, `worker-home-${index}`);
    await mkdir(home, { recursive: true });
    workers.push(startTollgate(['worker', '--server', node.url, '--label', 'External', '--poll', '1', '--heartbeat', '2', '--worker-id', `worker-${index}`, '--known-hosts', knownHosts], { TOLLGATE_TOKEN: workerToken, HOME: home }));
  }
  // Both sensors live, as either node sees them.
  for (const deadline = Date.now() + 180_000; ; ) {
    const listed = await b.api('GET', '/sensors?mode=ci', ci);
    if ((listed.body.sensors as { live: boolean }[]).filter((sensor) => sensor.live).length === 2) break;
    if (Date.now() > deadline) throw new Error(`the two sensors are not live: ${JSON.stringify(listed.body)}\n${sensors.map((sensor) => sensor.output()).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, TEST_TIMEOUT_MS);

afterAll(async () => {
  for (const child of [...sensors, ...workers]) {
    await child.kill('SIGTERM');
    everyOutput.push(child.output());
  }
  for (const node of nodes) {
    await node.process.kill();
    everyOutput.push(node.process.output());
  }
  const all = everyOutput.join('\n');
  if (sshd) expect(all).not.toContain(sshd.password);
  if (ci) expect(all).not.toContain(ci);
  await sshd?.stop();
  await dockerd?.stop();
  await database?.drop();
  await workspace?.remove();
}, 120_000);

describe('two server nodes on PostgreSQL', () => {
  it('scans each image marked through either node once, with the standalone verdict and report, and leaves no marker', async () => {
    // A second image (a commit of the first with a label) so each node serves one connector run.
    const container = (await dockerd.docker(['create', '--network', 'none', 'tollgate-test/bookworm:1', '/bin/true'])).trim();
    await dockerd.docker(['commit', '--change', 'LABEL two.nodes=b', container, 'tollgate-test/bookworm:two']);
    await dockerd.docker(['rm', container]);
    const references = ['tollgate-test/bookworm:1', 'tollgate-test/bookworm:two'];
    for (const [index, reference] of references.entries()) {
      const node = nodes[index % nodes.length] as PlatformServer;
      const imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', reference])).trim();
      const out = (name: string): string => path.join(workspace.work, `${name}-${index}`);
      const flags = (name: string): string[] => ['--docker-host', `unix://${dockerd.socket}`, '--fail-on', 'HIGH', '--format', `json=${out(name)}.json`, '--format', `markdown=${out(name)}.md`, '--summary-output', `${out(name)}.verdict.json`];
      const local = await run(['image', 'scan', `docker:${reference}`, '--db', workspace.db, '--no-cache', ...flags('local')]);
      const remote = await run(['image', 'scan', `docker:${reference}`, '--server', node.url, '--via-sensor', '--poll', '0.5', '--timeout', '4*60', ...flags('remote')], { TOLLGATE_TOKEN: ci });
      expect(local.code, local.output).toBe(1);
      expect(remote.code, `${remote.output}\n--- sensors:\n${sensors.map((sensor) => sensor.output()).join('\n')}`).toBe(local.code);
      expect(await reportEssence(`${out('remote')}.json`)).toEqual(await reportEssence(`${out('local')}.json`));
      expect(await readFile(`${out('remote')}.verdict.json`, 'utf8')).toBe(await readFile(`${out('local')}.verdict.json`, 'utf8'));
      // The database's age is rounded to a tenth of an hour when rendered: the two runs may straddle a step.
      const markdown = async (name: string): Promise<string> => (await readFile(`${out(name)}.md`, 'utf8')).replace(/\(\d+(?:\.\d+)? hours? old\)/g, '(age)');
      expect(await markdown('remote')).toBe(await markdown('local'));
      await expect.poll(async () => tagsOf(imageId), { timeout: 30_000, interval: 200 }).toEqual([reference]);
      // One scan, not two: one sensor claimed it, the other was refused (on whichever node it asked).
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(sensorScansOf(imageId)).toBe(1);
      for (const server of nodes) expect((await server.api('GET', `/images/${imageId}`, ci)).body.scans).toHaveLength(1);
    }
  }, TEST_TIMEOUT_MS);

  it('leases and records each compliance scan launched through either node once, with the standalone control results', async () => {
    const localReport = path.join(workspace.work, 'compliance-local.json');
    const local = await run(['compliance', 'scan', `ssh://127.0.0.1:${sshd.port}`, '--credentials', credentials, '--auth', 'pw', '--known-hosts', knownHosts, '--policy', 'ssh-server', '--format', `json=${localReport}`, '--quiet']);
    expect([0, 1], local.output).toContain(local.code);
    const localStates = controlStates(JSON.parse(await readFile(localReport, 'utf8')) as ComplianceResult);
    expect(Object.keys(localStates).length).toBeGreaterThan(5);
    const scanIds: string[] = [];
    for (const [index, node] of [...nodes, ...nodes].entries()) {
      const report = path.join(workspace.work, `compliance-remote-${index}.json`);
      const remote = await run(['compliance', 'scan', `127.0.0.1:${sshd.port}`, '--server', node.url, '--scanner', 'External', '--poll', '0.2', '--timeout', '3*60', '--policy', 'ssh-server', '--create-auth-record', 'unix', '--credentials', credentials, '--auth', 'pw', '--format', `json=${report}`], { TOLLGATE_TOKEN: ci, JOB_NAME: 'two-nodes', BUILD_NUMBER: String(index) });
      expect(remote.code, remote.output).toBe(local.code);
      const scanId = /scan (\S+) ".*" queued/.exec(remote.output)?.[1] as string;
      expect(scanId, remote.output).toBeDefined();
      scanIds.push(scanId);
      const remoteStates = controlStates(JSON.parse(await readFile(report, 'utf8')) as ComplianceResult);
      expect(Object.keys(remoteStates).sort()).toEqual(Object.keys(localStates).sort());
      for (const key of Object.keys(localStates).filter((cid) => localStates[cid] !== 'ERROR' && remoteStates[cid] !== 'ERROR')) expect(remoteStates[key], key).toBe(localStates[key]);
    }
    expect(new Set(scanIds).size).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const workerLogs = workers.map((worker) => worker.output()).join('\n');
    for (const scanId of scanIds) {
      // Leased once (one worker scanned it), uploaded once, and one scan of that id on both nodes.
      expect(workerLogs.split(`scan ${scanId}: scanning`).length - 1, workerLogs).toBe(1);
      expect(workerLogs.split(`scan ${scanId}: uploaded`).length - 1).toBe(1);
      for (const server of nodes) {
        const listed = (await server.api('GET', '/compliance-scans?limit=1000', ci)).body as unknown as { id: string; state: string }[];
        expect(listed.filter((scan) => scan.id === scanId)).toEqual([expect.objectContaining({ state: 'Finished' })]);
      }
    }
  }, TEST_TIMEOUT_MS);
});
