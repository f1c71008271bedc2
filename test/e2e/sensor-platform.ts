/**
 * The platform of the sensor-mode image tests, shared by the CLI's connector test and the CI
 * integrations' end-to-end tests: a real dockerd on loopback with the bookworm test image loaded,
 * a `tollgate server` child (SQLite, the test vulnerability database), a `ci` token, and the built
 * `tollgate sensor --mode ci` as a process serving that dockerd. Everything is stopped and removed
 * by stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startChildServer, type ChildServer } from '../../src/server/test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type TestStore } from '../../src/server/test-support/harness.js';
import { CLI } from '../support/cli.js';
import { startDockerd, type TestDockerd } from '../support/dockerd.js';
import { openScanWorkspace, type ScanWorkspace } from '../support/scan-workspace.js';

/** The test image's name in the daemon. */
export const SENSOR_IMAGE = 'tollgate-test/bookworm:1';

export interface SensorPlatform {
  workspace: ScanWorkspace;
  dockerd: TestDockerd;
  server: ChildServer;
  ciToken: string;
  /** The loaded test image's id. */
  imageId: string;
  /** What the sensor wrote so far. */
  sensorLog(): string;
  /** The tags of an image, sorted: a marker tag left behind shows here. */
  tagsOf(id: string): Promise<string[]>;
  /** Resolves once the server lists the CI-mode sensor as live (it registers with its first heartbeat). */
  waitForLiveSensor(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SensorPlatformOptions {
  /** The address the sensor is given for the daemon (default: the daemon's socket), e.g. a relay that injects faults. */
  sensorDockerHost?(dockerd: TestDockerd): Promise<string>;
}

export async function startSensorPlatform(name: string, options: SensorPlatformOptions = {}): Promise<SensorPlatform> {
  const stack: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stack.reverse()) await step();
  };
  try {
    const workspace = await openScanWorkspace(name);
    stack.push(() => workspace.remove());
    const dockerd = await startDockerd();
    stack.push(() => dockerd.stop());
    await dockerd.docker(['load', '-i', workspace.image.dockerArchive]);
    const imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', SENSOR_IMAGE])).trim();
    const store: TestStore = await createTestStore('sqlite');
    stack.push(() => store.dispose());
    const server = await startChildServer({ host: '127.0.0.1', port: 0, ...store.options(), vulndbPath: workspace.db, retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN });
    stack.push(() => server.kill());
    const createToken = async (tokenName: string, role: string): Promise<string> => {
      const response = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: tokenName, role }) });
      if (response.status !== 201) throw new Error(`token ${tokenName}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    };
    const ciToken = await createToken('pipeline', 'ci');
    const sensorToken = await createToken('sensor-1', 'sensor');
    const sensorDockerHost = options.sensorDockerHost ? await options.sensorDockerHost(dockerd) : `unix://${dockerd.socket}`;
    const sensor: ChildProcess = spawn(process.execPath, [CLI, 'sensor', '--server', server.url, '--mode', 'ci', '--docker-host', sensorDockerHost, '--spool-dir', path.join(workspace.work, 'spool'), '--heartbeat', '2'], { env: { ...process.env, TOLLGATE_TOKEN: sensorToken }, stdio: ['ignore', 'pipe', 'pipe'] });
    let sensorLog = '';
    sensor.stdout?.on('data', (chunk: Buffer) => (sensorLog += chunk.toString()));
    sensor.stderr?.on('data', (chunk: Buffer) => (sensorLog += chunk.toString()));
    stack.push(async () => {
      if (sensor.exitCode !== null || sensor.signalCode !== null) return;
      const exited = new Promise((resolve) => sensor.once('exit', resolve));
      sensor.kill('SIGTERM');
      await exited;
    });
    return {
      workspace,
      dockerd,
      server,
      ciToken,
      imageId,
      sensorLog: () => sensorLog,
      async waitForLiveSensor(timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const response = await fetch(`${server.url}/api/v1/sensors?mode=ci`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
          const { sensors = [] } = (await response.json()) as { sensors?: { live?: boolean }[] };
          if (sensors.some((sensor) => sensor.live === true)) return;
          if (Date.now() > deadline) throw new Error(`no live CI-mode sensor after ${timeoutMs} ms; sensor log:\n${sensorLog}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      },
      tagsOf: async (id) => (await dockerd.docker(['image', 'inspect', '--format', '{{join .RepoTags "\\n"}}', id])).split('\n').filter(Boolean).sort(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
