/**
 * A scan the sensor cannot make, end to end (issue 14): the built CLI in connector mode, a
 * `tollgate server` child, a real dockerd, and `tollgate sensor --mode ci` reaching that dockerd
 * through a relay that cuts off image exports (test/support/export-cutter.ts), as a dropped
 * connection does. Every export cut: the sensor gives up after its three attempts, records the
 * failure, and the connector stops at once with the sensor's reason (exit 3) instead of polling
 * until its timeout. One export cut: the sensor's second attempt succeeds and the connector gets
 * the result, unaffected by the earlier failure.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { boundedFailureReason } from '../../src/util/failure-reason.js';
import { runTollgate } from '../support/cli.js';
import { startExportCutter, type ExportCutter } from '../support/export-cutter.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from './sensor-platform.js';

vi.setConfig({ testTimeout: 600_000 });

let platform: SensorPlatform;
let cutter: ExportCutter | undefined;

beforeAll(async () => {
  platform = await startSensorPlatform('connector-sensor-failure', {
    sensorDockerHost: async (dockerd) => {
      cutter = await startExportCutter(dockerd.socket, dockerd.root);
      return cutter.dockerHost;
    },
  });
  await platform.waitForLiveSensor();
}, 600_000);

afterAll(async () => {
  await platform?.stop();
  await cutter?.close();
});

/** The connector on the test image: fail on HIGH, a JSON report and the verdict into files named `name`. */
function connector(name: string, timeout: string): ReturnType<typeof runTollgate> {
  const { workspace, dockerd, server, ciToken } = platform;
  const out = path.join(workspace.work, name);
  return runTollgate(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--server', server.url, '--via-sensor', '--docker-host', `unix://${dockerd.socket}`, '--poll', '0.5', '--timeout', timeout, '--fail-on', 'HIGH', '--format', `json=${out}.json`, '--summary-output', `${out}.verdict.json`], { env: { TOLLGATE_TOKEN: ciToken } });
}

describe('image scan --via-sensor when the sensor cannot scan the image', () => {
  it('stops polling and fails with the sensor reason (exit 3) once every attempt failed, long before the timeout', async () => {
    const relay = cutter as ExportCutter;
    relay.cutNext(Infinity);
    const started = Date.now();
    const run = await connector('failed', '10*60');
    const elapsedMs = Date.now() - started;
    const diagnosis = `${run.stderr}\n--- sensor:\n${platform.sensorLog()}`;
    expect(run.code, diagnosis).toBe(3);
    expect(relay.cuts, diagnosis).toBe(3);
    const givingUp = /failed \(attempt 3 of 3\): (.*); giving up/.exec(platform.sensorLog());
    expect(givingUp, diagnosis).not.toBeNull();
    expect(platform.sensorLog()).toContain("the scan's failure is recorded on the server");
    const reason = boundedFailureReason((givingUp as RegExpExecArray)[1] as string);
    expect(run.stderr).toContain(`the sensor could not scan docker:${SENSOR_IMAGE} (${platform.imageId})`);
    expect(run.stderr).toContain(reason.slice(0, 120));
    expect(run.stderr).toContain('running the scan again marks the image again');
    // The timeout was 600 s: the answer came with the failure, not at the timeout.
    expect(elapsedMs).toBeLessThan(240_000);
    expect(existsSync(path.join(platform.workspace.work, 'failed.verdict.json'))).toBe(false);
    // The mark stays (the next mark or a sensor restart tries again).
    expect(await platform.tagsOf(platform.imageId)).toContain(`tollgate_scan_target:${platform.imageId.slice('sha256:'.length)}`);
    expect(run.stderr + run.stdout + platform.sensorLog()).not.toContain(platform.ciToken);
  });

  it('retries an export cut off once and gives the result; the earlier failure does not fail the new mark', async () => {
    const relay = cutter as ExportCutter;
    relay.cutNext(1);
    const cutsBefore = relay.cuts;
    const logBefore = platform.sensorLog().length;
    const run = await connector('retried', '5*60');
    const sensorLog = platform.sensorLog().slice(logBefore);
    const diagnosis = `${run.stderr}\n--- sensor:\n${sensorLog}`;
    expect(run.code, diagnosis).toBe(1);
    expect(relay.cuts).toBe(cutsBefore + 1);
    expect(sensorLog).toMatch(/failed \(attempt 1 of 3\): .*; trying again in 2\.0 s/);
    expect(sensorLog).not.toContain('giving up');
    expect(run.stderr).not.toContain('could not scan');
    expect(existsSync(path.join(platform.workspace.work, 'retried.verdict.json'))).toBe(true);
    await expect.poll(async () => platform.tagsOf(platform.imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
  });
});
