/**
 * The connector mode of `tollgate image scan` with the real sensor (issue 14): the built CLI, a
 * `tollgate server` child, a real dockerd and `tollgate sensor --mode ci` as a process. The
 * verdict and reports equal the standalone scan's; no marker tag is left behind.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTollgate } from '../support/cli.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from './sensor-platform.js';

let platform: SensorPlatform;

beforeAll(async () => {
  platform = await startSensorPlatform('connector-sensor');
});

afterAll(async () => {
  await platform?.stop();
});

describe('image scan --via-sensor with tollgate sensor', () => {
  it('gives the standalone verdict and reports, and leaves no marker tag', async () => {
    const { workspace, dockerd, server, ciToken, imageId } = platform;
    const out = (name: string): string => path.join(workspace.work, name);
    const shared = ['--docker-host', `unix://${dockerd.socket}`, '--fail-on', 'HIGH', '--format', 'json=@.json', '--format', 'markdown=@.md', '--summary-output', '@.verdict.json'];
    const flags = (name: string): string[] => shared.map((flag) => flag.replace('@', out(name)));
    const local = await runTollgate(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--db', workspace.db, '--no-cache', ...flags('local')]);
    // The sensor registers and heartbeats; the connector waits for it to be live rather than failing on a race.
    let remote = await runTollgate(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--server', server.url, '--via-sensor', '--poll', '0.5', '--timeout', '2*60', ...flags('remote')], { env: { TOLLGATE_TOKEN: ciToken } });
    for (let attempt = 0; remote.code === 3 && /no sensor in CI mode|not live/.test(remote.stderr) && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      remote = await runTollgate(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--server', server.url, '--via-sensor', '--poll', '0.5', '--timeout', '2*60', ...flags('remote')], { env: { TOLLGATE_TOKEN: ciToken } });
    }
    expect(remote.code, `${remote.stderr}\n--- sensor:\n${platform.sensorLog()}`).toBe(local.code);
    expect(local.code).toBe(1);
    const essence = async (file: string): Promise<unknown> => {
      const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      return rest;
    };
    expect(await essence(`${out('remote')}.json`)).toEqual(await essence(`${out('local')}.json`));
    expect(await readFile(`${out('remote')}.verdict.json`, 'utf8')).toBe(await readFile(`${out('local')}.verdict.json`, 'utf8'));
    expect(await readFile(`${out('remote')}.md`, 'utf8')).toBe(await readFile(`${out('local')}.md`, 'utf8'));
    await expect.poll(async () => platform.tagsOf(imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
    expect(remote.stderr + remote.stdout + platform.sensorLog()).not.toContain(ciToken);
  });
});
