/**
 * The built image task in server mode with "scan through the sensor of the Docker host", end to
 * end: the task run as the agent runs it, over the real CLI, against a real dockerd, a `tollgate
 * server` child (SQLite) and the built `tollgate sensor --mode ci` serving that dockerd
 * (test/e2e/sensor-platform.ts). Its `##vso` lines, verdict and result are the standalone task's
 * for the same image on the same daemon; no marker tag is left; the token is only in the setsecret
 * line the agent masks with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/cli.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from '../../../test/e2e/sensor-platform.js';
import { buildExtension } from '../scripts/build.mjs';
import { CONNECTION, serviceConnection } from './support/service-connection.js';
import { reportFolder, runTask, type TaskRun } from './support/task-run.js';

let platform: SensorPlatform;
let built: string;
let task: string;

beforeAll(async () => {
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  [platform] = await Promise.all([startSensorPlatform('azure-image-task-sensor'), buildExtension(built)]);
  task = path.join(built, 'tollgate-image-scan');
}, 300_000);

afterAll(async () => {
  if (built) rmSync(built, { recursive: true, force: true });
  await platform?.stop();
});

const scan = (inputs: Record<string, string>, variables: Record<string, string> = {}): Promise<TaskRun> =>
  runTask(task, { inputs: { images: `docker:${SENSOR_IMAGE}`, dockerUrl: `unix://${platform.dockerd.socket}`, failOnSeverity: 'HIGH', databasePath: platform.workspace.db, skipDatabaseUpdate: 'true', tollgatePath: CLI, ...inputs }, variables });

/** Server mode via the sensor; the sensor registers and heartbeats after it starts, so a run before it is live is repeated. */
async function viaSensor(): Promise<TaskRun> {
  const once = (): Promise<TaskRun> => scan({ mode: 'server', tollgateServer: CONNECTION, viaSensor: 'true', dataCollectionFrequency: '0.5', resultTimeout: '2*60' }, serviceConnection(platform.server.url, platform.ciToken));
  let run = await once();
  for (let attempt = 0; /no sensor in CI mode|not live/.test(run.commands.at(-1) ?? '') && attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    run = await once();
  }
  return run;
}

const shape = (run: TaskRun): string[] => run.commands.filter((line) => !line.startsWith('##vso[task.setsecret]')).map((line) => line.replaceAll(reportFolder(run), '<folder>'));

describe('the image task through the sensor of the Docker host', () => {
  it('gives the standalone task’s ##vso lines, verdict and result, and leaves no marker tag', async () => {
    const local = await scan({});
    const remote = await viaSensor();
    expect(remote.commands[0]).toBe(`##vso[task.setsecret]${platform.ciToken}`);
    expect(remote.stdout).toContain('--via-sensor');
    expect(remote.commands.at(-1), `${remote.stdout}\n--- sensor:\n${platform.sensorLog()}`).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the gate failed: .*HIGH/);
    expect(shape(remote)).toEqual(shape(local));
    const read = (run: TaskRun, file: string): Promise<string> => readFile(path.join(reportFolder(run), file), 'utf8');
    expect(await read(remote, 'tollgate-verdict.json')).toBe(await read(local, 'tollgate-verdict.json'));
    const essence = async (run: TaskRun): Promise<unknown> => {
      const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(await read(run, 'tollgate-result.json')) as Record<string, unknown>;
      return rest;
    };
    expect(await essence(remote)).toEqual(await essence(local));
    await expect.poll(async () => platform.tagsOf(platform.imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
    expect(remote.stdout.split(platform.ciToken).length - 1).toBe(1);
    expect(platform.sensorLog()).not.toContain(platform.ciToken);
  }, 300_000);
});
