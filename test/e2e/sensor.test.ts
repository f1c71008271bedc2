/**
 * The sensor end to end on loopback: a real dockerd (and Podman's service), a real `tollgate
 * server` child process matching with the test database, `tollgate sensor` child processes, and
 * the marker tags a CI connector sets. Proves: marker → complete result equal to the standalone scan
 * of the same image, no marker left behind, an only-tag marker kept, marks set while the sensor was
 * down found at start, one scan with two sensors on a daemon, the spool carrying an upload over a
 * server restart, general mode's containers/events/runningOn, registry mode, and Podman's names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDocker } from '../../src/image/docker/connection.js';
import { tagImage } from '../../src/image/docker/operations.js';
import type { ScanResult } from '../../src/model/image-scan.js';
import { CLI, runTollgate } from '../support/cli.js';
import { startDockerd, type TestDockerd } from '../support/dockerd.js';
import { writeOciLayout } from '../support/image-builder.js';
import type { BookwormImage } from '../support/images.js';
import { startPodman, type TestPodman } from '../support/podman.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { openScanWorkspace, scanEssence } from '../support/scan-workspace.js';

vi.setConfig({ testTimeout: 480_000 });

const ADMIN = 'tg_admin_sensor-e2e-admin-token-0123456789abcdef';

interface Child {
  process: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function spawnTollgate(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    process: child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

let image: BookwormImage;
let work: string;
let db: string;
/** The server's port: any free one at the first start, the same one after a restart. */
let port = 0;
let server: Child;
let serverUrl: string;
const tokens = { sensor: '', ci: '' };
const sensors: Child[] = [];

function startServer(): Promise<Child> {
  const child = spawnTollgate(['server', '--port', String(port), '--data-dir', path.join(work, 'server'), '--db', db, '--watch-interval', '3600'], { TOLLGATE_ADMIN_TOKEN: ADMIN });
  return waitFor('the server to listen', async () => {
    const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(child.output());
    if (!listening) return undefined;
    port = Number(listening[1]);
    serverUrl = `http://127.0.0.1:${port}`;
    return (await fetch(`${serverUrl}/api/v1/health`)).ok ? child : undefined;
  }, 60_000);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert every field they read
async function api(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${serverUrl}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

function startSensor(name: string, dockerHost: string | undefined, extra: string[] = []): Child {
  const sensor = spawnTollgate(['sensor', '--server', serverUrl, ...(dockerHost ? ['--docker-host', dockerHost] : []), '--spool-dir', path.join(work, 'sensors', name), '--heartbeat', '2', '--sensor-id', name, ...extra], { TOLLGATE_TOKEN: tokens.sensor });
  sensors.push(sensor);
  return sensor;
}

/** Waits until the server lists `sensor` live; on a timeout the error carries what the sensor said. */
async function live(name: string, sensor: Child): Promise<void> {
  await waitFor(`sensor ${name} to be live`, async () => ((await api('GET', '/api/v1/sensors', tokens.ci)).json.sensors.some((s: { id: string; live: boolean }) => s.id === name && s.live) ? true : undefined), 240_000).catch((error: Error) => {
    throw new Error(`${error.message}; it said:\n${sensor.output()}`);
  });
}

/** Polls as a connector does: the latest scan after `after`, until it is complete. */
function completeResult(digest: string, after: string, timeoutMs = 180_000): Promise<{ scanId: string; result: ScanResult }> {
  return waitFor(`a complete result for ${digest}`, async () => {
    const answer = await api('GET', `/api/v1/images/${digest}/scan?scannedAfter=${encodeURIComponent(after)}`, tokens.ci);
    return answer.status === 200 && answer.json.status === 'complete' ? (answer.json as { scanId: string; result: ScanResult }) : undefined;
  }, timeoutMs);
}

function sortedEssence(result: ScanResult) {
  const essence = scanEssence(result);
  return { ...essence, packages: [...essence.packages].sort(), findings: [...essence.findings].sort() };
}

beforeAll(async () => {
  ({ image, work, db } = await openScanWorkspace('sensor-e2e'));
  server = await startServer();
  for (const role of ['sensor', 'ci'] as const) {
    const created = await api('POST', '/api/v1/tokens', ADMIN, { name: `${role}-e2e`, role });
    expect(created.status).toBe(201);
    tokens[role] = created.json.token as string;
  }
});

afterAll(async () => {
  await Promise.all(sensors.map((sensor) => sensor.stop()));
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a sensor in CI mode on Docker Engine', () => {
  let dockerd: TestDockerd;
  let host: string;
  let imageId: string;
  let standalone: ScanResult;

  /** A new image (a commit of a created container, with a label) with no tag; returns its id. */
  async function newImage(label: string): Promise<string> {
    const container = (await dockerd.docker(['create', '--network', 'none', 'tollgate-test/bookworm:1', '/bin/true'])).trim();
    const id = (await dockerd.docker(['commit', '--change', `LABEL sensor.test=${label}`, container])).trim();
    await dockerd.docker(['rm', container]);
    return id;
  }

  async function tagsOf(id: string): Promise<string[]> {
    return JSON.parse(await dockerd.docker(['image', 'inspect', '--format', '{{json .RepoTags}}', id])) as string[];
  }

  async function mark(id: string): Promise<string> {
    const at = new Date().toISOString();
    await dockerd.docker(['tag', id, `tollgate_scan_target:${id.slice('sha256:'.length)}`]);
    return at;
  }

  beforeAll(async () => {
    dockerd = await startDockerd();
    host = `unix://${dockerd.socket}`;
    await dockerd.docker(['load', '-i', image.dockerArchive]);
    imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim();
    const scan = await runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--db', db, '--format', 'json', '--no-cache'], { env: { DOCKER_HOST: host } });
    expect(scan.code, scan.stderr).toBeLessThanOrEqual(1);
    standalone = JSON.parse(scan.stdout) as ScanResult;
    expect(standalone.findings.length).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await dockerd?.stop();
  });

  it('scans a marked image once, the server matches it to the standalone scan, the mark is removed; a mark set while the sensor is down is found at start', async () => {
    // Marked before any sensor runs: found by the start-up listing.
    const requested = await mark(imageId);
    const [first, second] = [startSensor('ci-one', host), startSensor('ci-two', host)];
    const sensorsOfDaemon = await waitFor('two live CI sensors', async () => {
      const listed = await api('GET', '/api/v1/sensors?mode=ci', tokens.ci);
      const live = (listed.json.sensors as { id: string; live: boolean; daemonId: string }[]).filter((sensor) => sensor.live);
      return live.length === 2 ? live : undefined;
    });
    expect(new Set(sensorsOfDaemon.map((sensor) => sensor.daemonId)).size).toBe(1);
    const answer = await completeResult(imageId, requested);
    expect(sortedEssence(answer.result)).toEqual(sortedEssence(standalone));
    expect(answer.result.image.repoTags).toEqual(['tollgate-test/bookworm:1']);
    await waitFor('the mark to be removed', async () => ((await tagsOf(imageId)).some((tag) => tag.startsWith('tollgate_scan_target')) ? undefined : true));
    expect(await tagsOf(imageId)).toEqual(['tollgate-test/bookworm:1']);
    // Two sensors on one daemon: one scan.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const stored = await api('GET', `/api/v1/images/${imageId}`, tokens.ci);
    expect(stored.json.scans).toHaveLength(1);
    const scanning = `${first.output()}${second.output()}`.match(/scanning sha256:/g) ?? [];
    expect(scanning).toHaveLength(1);
    // The same gate as the standalone CLI: the server's verdict on the matched result.
    const verdict = await api('GET', `/api/v1/images/${imageId}/verdict?failOn=LOW`, tokens.ci);
    expect(verdict.status).toBe(200);
    const gated = await runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--db', db, '--format', 'json', '--no-cache', '--fail-on', 'LOW'], { env: { DOCKER_HOST: host } });
    expect(gated.code, gated.stderr).toBe(1);
    expect(verdict.json.verdict.passed).toBe(false);
    expect(verdict.json.verdict.reasons).toEqual((JSON.parse(gated.stdout) as { verdict: { reasons: string[] } }).verdict.reasons);
  });

  it('marks an image again after its scan, and scans it again (by the event stream)', async () => {
    const requested = await mark(imageId);
    const answer = await completeResult(imageId, requested);
    expect(answer.result.scannedAt > requested).toBe(true);
    expect(sortedEssence(answer.result).findings).toEqual(sortedEssence(standalone).findings);
    await waitFor('the mark to be removed', async () => ((await tagsOf(imageId)).length === 1 ? true : undefined));
  });

  it("keeps a mark that is the image's only tag, and scans it", async () => {
    const only = await newImage('only-tag');
    const requested = await mark(only);
    const answer = await completeResult(only, requested);
    expect(sortedEssence(answer.result).findings).toEqual(sortedEssence(standalone).findings);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await tagsOf(only)).toEqual([`tollgate_scan_target:${only.slice('sha256:'.length)}`]);
  });

  it('carries an upload over a server outage through its spool (killed and restarted while the sensor scans)', async () => {
    // A sensor with a cold layer cache of its own: its scan takes long enough to kill the server under it.
    const spooling = startSensor('ci-cold', host);
    await live('ci-cold', spooling);
    await Promise.all(sensors.filter((sensor) => sensor !== spooling).map((sensor) => sensor.stop()));
    const target = await newImage('outage');
    const requested = await mark(target);
    await waitFor('the sensor to announce the scan', async () => ((await api('GET', `/api/v1/images/${target}/scan`, tokens.ci)).status === 204 ? true : undefined), 60_000, 20);
    await server.stop('SIGKILL');
    await waitFor('the upload to fail and be spooled', async () => (/upload of scan sensor-\S+ will be retried/.test(spooling.output()) ? true : undefined), 120_000);
    expect(await readdir(path.join(work, 'sensors', 'ci-cold', 'uploads'))).toHaveLength(1);
    server = await startServer();
    const answer = await completeResult(target, requested);
    expect(sortedEssence(answer.result).findings).toEqual(sortedEssence(standalone).findings);
    await waitFor('the spool to empty', async () => ((await readdir(path.join(work, 'sensors', 'ci-cold', 'uploads'))).filter((name) => name.endsWith('.json')).length === 0 ? true : undefined));
    expect(await tagsOf(target)).toEqual([`tollgate_scan_target:${target.slice('sha256:'.length)}`]);
    expect(spooling.output()).not.toContain(tokens.sensor as string);
  });

  it('in general mode records containers, daemon events and where an image runs', async () => {
    const general = startSensor('general-one', host, ['--mode', 'general', '--inventory-interval', '2']);
    await live('general-one', general);
    const container = (await dockerd.docker(['create', '--network', 'none', '--name', 'web-1', '--label', 'tier=front', 'tollgate-test/bookworm:1', '/bin/true'])).trim();
    await dockerd.docker(['tag', 'tollgate-test/bookworm:1', 'tollgate-test/bookworm:general']);
    const runningOn = await waitFor('the container in runningOn', async () => {
      const answer = await api('GET', `/api/v1/images/${imageId}`, tokens.ci);
      return answer.json.runningOn?.length === 1 ? answer.json.runningOn : undefined;
    });
    expect(runningOn[0]).toMatchObject({ sensorId: 'general-one', containers: [{ id: container, name: 'web-1', state: 'created', image: 'tollgate-test/bookworm:1' }] });
    const events = await waitFor('create and tag events', async () => {
      const answer = await api('GET', '/api/v1/sensors/general-one/events', tokens.ci);
      const types = new Set((answer.json.events as { type: string }[]).map((event) => event.type));
      return types.has('create') && types.has('tag') ? answer.json.events : undefined;
    });
    expect(events).toContainEqual(expect.objectContaining({ type: 'create', container }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'tag', image: 'tollgate-test/bookworm:general' }));
    expect(general.output()).not.toMatch(/failed/);
  });
});

describe('a sensor in CI mode on Podman', () => {
  let podman: TestPodman;
  let imageId: string;

  beforeAll(async () => {
    podman = await startPodman();
    await podman.podman(['load', '--quiet', '--input', image.dockerArchive]);
    imageId = `sha256:${(await podman.podman(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim()}`;
  });

  afterAll(async () => {
    await podman?.stop();
  });

  /** The CI-mode sensor on Podman's service, started by the first test that needs it. */
  let podmanSensor: Child | undefined;
  async function sensorOnPodman(): Promise<void> {
    podmanSensor ??= startSensor('podman-ci', `unix://${podman.socket}`);
    await live('podman-ci', podmanSensor);
  }

  it('finds the mark under the name Podman gives it, scans the image and removes the mark', async () => {
    const host = `unix://${podman.socket}`;
    await sensorOnPodman();
    const requested = new Date().toISOString();
    // As a connector does it: through the Docker-compatible API.
    await tagImage(await connectDocker({ dockerHost: host }), imageId, 'tollgate_scan_target', imageId.slice('sha256:'.length));
    expect(await podman.podman(['image', 'inspect', '--format', '{{json .RepoTags}}', imageId])).toMatch(/tollgate_scan_target/);
    const answer = await completeResult(imageId, requested);
    expect(answer.result.findings.length).toBeGreaterThan(0);
    await waitFor('the mark to be removed', async () => (/tollgate_scan_target/.test(await podman.podman(['image', 'inspect', '--format', '{{json .RepoTags}}', imageId])) ? undefined : true));
  });

  it('serves the CLI connector (image scan --server --via-sensor on the Podman socket): the standalone verdict and report, no marker left', async () => {
    const host = `unix://${podman.socket}`;
    await sensorOnPodman();
    const out = (name: string): string => path.join(work, `podman-${name}`);
    const flags = (name: string): string[] => ['--docker-host', host, '--fail-on', 'HIGH', '--format', `json=${out(name)}.json`, '--summary-output', `${out(name)}.verdict.json`];
    const local = await runTollgate(['image', 'scan', `docker:${imageId}`, '--db', db, '--no-cache', ...flags('local')]);
    const remote = await runTollgate(['image', 'scan', `docker:${imageId}`, '--server', serverUrl, '--via-sensor', '--poll', '0.5', '--timeout', '3*60', ...flags('remote')], { env: { TOLLGATE_TOKEN: tokens.ci } });
    expect(local.code, local.stderr).toBe(1);
    expect(remote.code, `${remote.stderr}\n--- sensor:\n${podmanSensor?.output() ?? ''}`).toBe(local.code);
    const essence = async (file: string): Promise<unknown> => {
      const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      return rest;
    };
    expect(await essence(`${out('remote')}.json`)).toEqual(await essence(`${out('local')}.json`));
    expect(await readFile(`${out('remote')}.verdict.json`, 'utf8')).toBe(await readFile(`${out('local')}.verdict.json`, 'utf8'));
    await waitFor('the mark to be removed', async () => (/tollgate_scan_target/.test(await podman.podman(['image', 'inspect', '--format', '{{json .RepoTags}}', imageId])) ? undefined : true), 30_000);
    expect(`${remote.stderr}${remote.stdout}`).not.toContain(tokens.ci);
  });
});

describe('a sensor in registry mode', () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startRegistry();
    await registry.push(image.ociReference, 'test/bookworm:1');
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it("lists the registry's catalog and tags, scans the new digest, and does not scan it twice", async () => {
    const requested = new Date(Date.now() - 1000).toISOString();
    const sensor = startSensor('registry-one', undefined, ['--mode', 'registry', '--registry', registry.host, '--registry-insecure', '--registry-interval', '1']);
    const scanned = await waitFor('the registry scan in the spool log', async () => /uploaded scan registry-\S+ of (sha256:[0-9a-f]{64})/.exec(sensor.output())?.[1], 180_000).catch((error: Error) => {
      throw new Error(`${error.message}; the sensor said:\n${sensor.output()}`);
    });
    const answer = await completeResult(scanned, requested);
    expect(answer.result.image.repoTags).toContain(`${registry.host}/test/bookworm:1`);
    const archive = await runTollgate(['image', 'scan', `registry:${registry.host}/test/bookworm:1`, '--db', db, '--format', 'json', '--no-cache', '--registry-insecure']);
    expect(sortedEssence(answer.result).findings).toEqual(sortedEssence(JSON.parse(archive.stdout) as ScanResult).findings);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(sensor.output().match(/scanning /g)).toHaveLength(1);
  });

  it('with two registry-mode sensors on one registry, scans a new digest once (they claim it as CI mode does)', async () => {
    // Only the pair watches the registry (the sensor of the test above lists its whole catalog).
    await Promise.all(sensors.map((sensor) => sensor.stop()));
    // A digest no other test pushed: a one-layer image with a stamp of its own.
    const layout = path.join(work, 'claimed-layout');
    await writeOciLayout(layout, [{ tag: '1', layers: [{ entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }, { type: 'file', name: 'opt/stamp', content: randomBytes(16).toString('hex') }] }] }]);
    await registry.push(`oci:${layout}:1`, 'test/claimed:1');
    const requested = new Date(Date.now() - 1000).toISOString();
    const pair = ['registry-a', 'registry-b'].map((name) => startSensor(name, undefined, ['--mode', 'registry', '--registry', `${registry.host}/test/claimed`, '--registry-insecure', '--registry-interval', '1']));
    const both = (): string => pair.map((sensor) => sensor.output()).join('\n');
    const scanned = await waitFor('the claimed digest uploaded', async () => /uploaded scan registry-\S+ of (sha256:[0-9a-f]{64})/.exec(both())?.[1], 180_000).catch((error: Error) => {
      throw new Error(`${error.message}; the sensors said:\n${both()}`);
    });
    await completeResult(scanned, requested);
    // Several listings later (every second) still one scan, and the other sensor was refused the claim.
    await waitFor('the other sensor to be refused', async () => (/scanned this image after it was marked.*; not scanning it again/.test(both()) ? true : undefined), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(both().match(/scanning 127\.0\.0\.1:\d+\/test\/claimed:1 /g), both()).toHaveLength(1);
    const stored = await api('GET', `/api/v1/images/${scanned}`, tokens.ci);
    expect(stored.json.scans).toHaveLength(1);
  });
});

describe('tollgate sensor refuses', () => {
  it('to start without a token, with credentials in the server address, or without a reachable daemon', async () => {
    const noToken = await runTollgate(['sensor', '--server', serverUrl], { env: { TOLLGATE_TOKEN: '' } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/a sensor token is needed/);
    const inUrl = await runTollgate(['sensor', '--server', `http://user:pw@127.0.0.1:${port}`, '--token', tokens.sensor]);
    expect(inUrl.code).toBe(2);
    expect(inUrl.stderr).not.toContain('pw@');
    const noDaemon = await runTollgate(['sensor', '--server', serverUrl, '--docker-host', `unix://${path.join(work, 'absent.sock')}`, '--spool-dir', path.join(work, 'sensors', 'absent')], { env: { TOLLGATE_TOKEN: tokens.sensor } });
    expect(noDaemon.code).toBe(3);
    expect(noDaemon.stderr).toMatch(/cannot reach the Docker daemon/);
    expect(`${noDaemon.stderr}${inUrl.stderr}`).not.toContain(tokens.sensor);
  });
});
