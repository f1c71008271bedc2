/**
 * The connector mode of `tollgate image scan` (issue 14) end to end on loopback: the built CLI, a
 * real `tollgate server` child process, a real dockerd holding the e2e image, and the scripted
 * sensor harness (test/support/connector-sensor-harness.ts) standing in for h14s's sensor.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../src/server/test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type TestStore } from '../../src/server/test-support/harness.js';
import type { ServerOptions } from '../../src/server/start-server.js';
import { runTollgate, type CliResult } from '../support/cli.js';
import { startSensorHarness, type SensorHarness } from '../support/connector-sensor-harness.js';
import { startDockerd, type TestDockerd } from '../support/dockerd.js';
import { openScanWorkspace, type ScanWorkspace } from '../support/scan-workspace.js';

let workspace: ScanWorkspace;
let dockerd: TestDockerd;
let store: TestStore;
let server: ChildServer;
let harness: SensorHarness;
let imageId: string;
let daemonId: string;
let ciToken: string;
const everyOutput: string[] = [];

function serverOptions(): Omit<ServerOptions, 'announce' | 'log'> {
  return { host: '127.0.0.1', port: 0, ...store.options(), vulndbPath: workspace.db, retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN };
}

async function createToken(name: string, role: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await runTollgate(args, { env: { TOLLGATE_TOKEN: ciToken, ...env } });
  everyOutput.push(result.stdout, result.stderr);
  return result;
}

function connector(reference: string, out: string, ...extra: string[]): Promise<CliResult> {
  return cli(['image', 'scan', reference, '--server', harness.url, '--via-sensor', '--docker-host', `unix://${dockerd.socket}`, '--poll', '0.2', '--timeout', '2*30', '--format', `json=${out}.json`, '--format', `markdown=${out}.md`, '--summary-output', `${out}.verdict.json`, ...extra]);
}

function standalone(reference: string, out: string, ...extra: string[]): Promise<CliResult> {
  return cli(['image', 'scan', reference, '--db', workspace.db, '--no-cache', '--docker-host', `unix://${dockerd.socket}`, '--format', `json=${out}.json`, '--format', `markdown=${out}.md`, '--summary-output', `${out}.verdict.json`, ...extra]);
}

/** The JSON report without what differs between two scans of the same image (time, database file). */
async function reportEssence(file: string): Promise<unknown> {
  const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  return rest;
}

async function tagsOf(id: string): Promise<string[]> {
  return (await dockerd.docker(['image', 'inspect', '--format', '{{join .RepoTags "\\n"}}', id])).split('\n').filter(Boolean).sort();
}

beforeAll(async () => {
  workspace = await openScanWorkspace('connector-image');
  dockerd = await startDockerd();
  await dockerd.docker(['load', '-i', workspace.image.dockerArchive]);
  imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim();
  daemonId = (await dockerd.docker(['info', '--format', '{{.ID}}'])).trim();
  store = await createTestStore('sqlite');
  server = await startChildServer(serverOptions());
  ciToken = await createToken('pipeline', 'ci');
  harness = await startSensorHarness({ upstream: server.url, dockerd, db: workspace.db, sensorToken: await createToken('sensor-harness', 'sensor') });
  harness.sensors.push({ id: 'sensor-1', daemonId, mode: 'ci', live: true });
});

afterAll(async () => {
  await harness?.close();
  await server?.kill();
  await store?.dispose();
  await dockerd?.stop();
  await workspace?.remove();
});

describe('image scan --server --via-sensor', () => {
  it('gives the verdict, findings, reports and exit code of the standalone scan, and leaves no marker tag', async () => {
    const out = (name: string): string => path.join(workspace.work, name);
    for (const conditions of [[], ['--fail-on', 'HIGH']]) {
      const label = conditions.length === 0 ? 'plain' : 'fail-on';
      const local = await standalone('docker:tollgate-test/bookworm:1', out(`local-${label}`), ...conditions);
      const remote = await connector('docker:tollgate-test/bookworm:1', out(`remote-${label}`), ...conditions);
      expect(remote.code, remote.stderr).toBe(local.code);
      expect(await reportEssence(out(`remote-${label}.json`))).toEqual(await reportEssence(out(`local-${label}.json`)));
      expect(await readFile(out(`remote-${label}.verdict.json`), 'utf8')).toBe(await readFile(out(`local-${label}.verdict.json`), 'utf8'));
      expect(await readFile(out(`remote-${label}.md`), 'utf8')).toBe(await readFile(out(`local-${label}.md`), 'utf8'));
      expect(remote.stderr).toContain(`tagged tollgate_scan_target:${imageId.slice(7)}`);
    }
    expect(JSON.parse(await readFile(out('remote-fail-on.verdict.json'), 'utf8')).passed).toBe(false);
    expect(harness.sensorQueries.at(-1)).toBe(`?daemonId=${encodeURIComponent(daemonId)}&mode=ci`);
    // The sensor removes the marker after its upload, which the connector may already have read.
    await expect.poll(async () => tagsOf(imageId), { timeout: 30_000, interval: 200 }).toEqual(['tollgate-test/bookworm:1']);
    expect(harness.errors).toEqual([]);
  });

  it('stops with exit 3, marking nothing, when no live CI-mode sensor serves the daemon', async () => {
    harness.sensors.splice(0, harness.sensors.length, { id: 'sensor-stale', daemonId, mode: 'ci', live: false }, { id: 'sensor-general', daemonId, mode: 'general', live: true });
    try {
      const stale = await connector('tollgate-test/bookworm:1', path.join(workspace.work, 'stale'));
      expect(stale.code).toBe(3);
      expect(stale.stderr).toMatch(/CI-mode sensor of Docker daemon .* \(sensor-stale\) is not live/);
      harness.sensors.splice(0, harness.sensors.length, { id: 'elsewhere', daemonId: 'ABCD:OTHER:DAEMON', mode: 'ci', live: true });
      const none = await connector('tollgate-test/bookworm:1', path.join(workspace.work, 'none'));
      expect(none.code).toBe(3);
      expect(none.stderr).toContain(`no sensor in CI mode is registered for Docker daemon ${daemonId}; the image was not marked`);
      expect(await tagsOf(imageId)).toEqual(['tollgate-test/bookworm:1']);
    } finally {
      harness.sensors.splice(0, harness.sensors.length, { id: 'sensor-1', daemonId, mode: 'ci', live: true });
    }
  });

  it('at the timeout passes with a warning and no report, unless failure conditions are configured', async () => {
    harness.hold = true;
    try {
      const quiet = path.join(workspace.work, 'timeout-plain');
      const passing = await connector('tollgate-test/bookworm:1', quiet, '--timeout', '1.5', '--poll', '0.5');
      expect(passing.code, passing.stderr).toBe(0);
      expect(passing.stderr).toMatch(/warning: no complete result within 1\.5 seconds \(--timeout\) for tollgate-test\/bookworm:1 .*no failure condition is configured, so the build passes without a report/);
      await expect(stat(`${quiet}.json`)).rejects.toThrow(/ENOENT/);
      const failing = await connector('tollgate-test/bookworm:1', path.join(workspace.work, 'timeout-fail'), '--timeout', '1.5', '--poll', '0.5', '--fail-on', 'CRITICAL');
      expect(failing.code).toBe(3);
      expect(failing.stderr).toMatch(/failure conditions are configured, so the build fails/);
    } finally {
      harness.hold = false;
    }
    // The pending marker is scanned once the sensor is back, and removed.
    await expect.poll(async () => tagsOf(imageId), { timeout: 60_000, interval: 300 }).toEqual(['tollgate-test/bookworm:1']);
  });

  it('keeps polling through a server killed and restarted, and is judged on the result after the restart', async () => {
    harness.hold = true;
    const out = path.join(workspace.work, 'restart');
    const running = connector('tollgate-test/bookworm:1', out, '--poll', '0.3');
    await expect.poll(async () => tagsOf(imageId), { timeout: 30_000, interval: 100 }).toContain(`tollgate_scan_target:${imageId.slice(7)}`);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await server.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    server = await startChildServer(serverOptions());
    harness.upstream = server.url;
    harness.hold = false;
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/did not answer GET \/api\/v1\/images\/sha256:[0-9a-f]{64}\/scan .*; polling goes on/);
    expect(result.stderr).toMatch(/result harness-/);
    expect(JSON.parse(await readFile(`${out}.json`, 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('refuses a bad token with exit 2 and never prints a token', async () => {
    const wrong = await cli(['image', 'scan', 'tollgate-test/bookworm:1', '--server', harness.url, '--via-sensor', '--docker-host', `unix://${dockerd.socket}`, '--token', 'tg_ci_not-a-real-token-0123456789'], { TOLLGATE_TOKEN: '' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused the token \(HTTP 401\)/);
    expect(wrong.stderr).not.toContain('not-a-real-token');
    const missing = await cli(['image', 'scan', 'tollgate-test/bookworm:1', '--server', harness.url, '--via-sensor'], { TOLLGATE_TOKEN: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--server needs a token/);
    const noServer = await cli(['image', 'scan', 'tollgate-test/bookworm:1', '--via-sensor']);
    expect(noServer.code).toBe(2);
    for (const output of everyOutput) expect(output).not.toContain(ciToken);
  });
});

describe('image scan --server without --via-sensor', () => {
  it('scans on the runner, stores the result on the server, and judges as standalone', async () => {
    const out = path.join(workspace.work, 'upload');
    // The sensor harness removes the previous test's marker after its upload: wait for it.
    await expect.poll(async () => tagsOf(imageId), { timeout: 30_000, interval: 200 }).toEqual(['tollgate-test/bookworm:1']);
    const local = await standalone('docker:tollgate-test/bookworm:1', `${out}-local`, '--fail-on', 'HIGH');
    const uploaded = await cli(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--server', server.url, '--db', workspace.db, '--no-cache', '--docker-host', `unix://${dockerd.socket}`, '--fail-on', 'HIGH', '--format', `json=${out}.json`, '--summary-output', `${out}.verdict.json`]);
    expect(uploaded.code, uploaded.stderr).toBe(local.code);
    expect(await readFile(`${out}.verdict.json`, 'utf8')).toBe(await readFile(`${out}-local.verdict.json`, 'utf8'));
    const scanId = /stored on \S+ as (cli-[0-9a-f-]+)/.exec(uploaded.stderr)?.[1];
    expect(scanId, uploaded.stderr).toBeDefined();
    const stored = await fetch(`${server.url}/api/v1/images/${imageId}/scan`, { headers: { authorization: `Bearer ${ciToken}` } });
    expect(stored.status).toBe(200);
    const body = (await stored.json()) as { status: string; scanId: string; result: { findings: unknown[] } };
    expect(body).toMatchObject({ status: 'complete', scanId });
    expect(body.result.findings).toEqual((JSON.parse(await readFile(`${out}.json`, 'utf8')) as { findings: unknown[] }).findings);
  });
});
