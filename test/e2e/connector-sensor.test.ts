/**
 * The connector mode of `tollgate image scan` with the real sensor (issue 14): the built CLI, a
 * `tollgate server` child, a real dockerd and `tollgate sensor --mode ci` as a process. The
 * verdict and reports equal the standalone scan's; no marker tag is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../src/server/test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type TestStore } from '../../src/server/test-support/harness.js';
import { CLI, runTollgate } from '../support/cli.js';
import { startDockerd, type TestDockerd } from '../support/dockerd.js';
import { openScanWorkspace, type ScanWorkspace } from '../support/scan-workspace.js';

let workspace: ScanWorkspace;
let dockerd: TestDockerd;
let store: TestStore;
let server: ChildServer;
let sensor: ChildProcess;
let sensorLog = '';
let ciToken: string;
let imageId: string;

async function createToken(name: string, role: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function tagsOf(id: string): Promise<string[]> {
  return (await dockerd.docker(['image', 'inspect', '--format', '{{join .RepoTags "\\n"}}', id])).split('\n').filter(Boolean).sort();
}

beforeAll(async () => {
  workspace = await openScanWorkspace('connector-sensor');
  dockerd = await startDockerd();
  await dockerd.docker(['load', '-i', workspace.image.dockerArchive]);
  imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim();
  store = await createTestStore('sqlite');
  server = await startChildServer({ host: '127.0.0.1', port: 0, ...store.options(), vulndbPath: workspace.db, retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN });
  ciToken = await createToken('pipeline', 'ci');
  const sensorToken = await createToken('sensor-1', 'sensor');
  sensor = spawn(process.execPath, [CLI, 'sensor', '--server', server.url, '--mode', 'ci', '--docker-host', `unix://${dockerd.socket}`, '--spool-dir', path.join(workspace.work, 'spool'), '--heartbeat', '2'], { env: { ...process.env, TOLLGATE_TOKEN: sensorToken }, stdio: ['ignore', 'pipe', 'pipe'] });
  sensor.stdout?.on('data', (chunk: Buffer) => (sensorLog += chunk.toString()));
  sensor.stderr?.on('data', (chunk: Buffer) => (sensorLog += chunk.toString()));
});

afterAll(async () => {
  if (sensor && sensor.exitCode === null) {
    const exited = new Promise((resolve) => sensor.once('exit', resolve));
    sensor.kill('SIGTERM');
    await exited;
  }
  await server?.kill();
  await store?.dispose();
  await dockerd?.stop();
  await workspace?.remove();
});

describe('image scan --via-sensor with tollgate sensor', () => {
  it('gives the standalone verdict and reports, and leaves no marker tag', async () => {
    const out = (name: string): string => path.join(workspace.work, name);
    const shared = ['--docker-host', `unix://${dockerd.socket}`, '--fail-on', 'HIGH', '--format', 'json=@.json', '--format', 'markdown=@.md', '--summary-output', '@.verdict.json'];
    const flags = (name: string): string[] => shared.map((flag) => flag.replace('@', out(name)));
    const local = await runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--db', workspace.db, '--no-cache', ...flags('local')]);
    // The sensor registers and heartbeats; the connector waits for it to be live rather than failing on a race.
    let remote = await runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--server', server.url, '--via-sensor', '--poll', '0.5', '--timeout', '2*60', ...flags('remote')], { env: { TOLLGATE_TOKEN: ciToken } });
    for (let attempt = 0; remote.code === 3 && /no sensor in CI mode|not live/.test(remote.stderr) && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      remote = await runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--server', server.url, '--via-sensor', '--poll', '0.5', '--timeout', '2*60', ...flags('remote')], { env: { TOLLGATE_TOKEN: ciToken } });
    }
    expect(remote.code, `${remote.stderr}\n--- sensor:\n${sensorLog}`).toBe(local.code);
    expect(local.code).toBe(1);
    const essence = async (file: string): Promise<unknown> => {
      const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      return rest;
    };
    expect(await essence(`${out('remote')}.json`)).toEqual(await essence(`${out('local')}.json`));
    expect(await readFile(`${out('remote')}.verdict.json`, 'utf8')).toBe(await readFile(`${out('local')}.verdict.json`, 'utf8'));
    expect(await readFile(`${out('remote')}.md`, 'utf8')).toBe(await readFile(`${out('local')}.md`, 'utf8'));
    await expect.poll(async () => tagsOf(imageId), { timeout: 30_000, interval: 200 }).toEqual(['tollgate-test/bookworm:1']);
    expect(remote.stderr + remote.stdout + sensorLog).not.toContain(ciToken);
  });
});
