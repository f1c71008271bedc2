/**
 * The GitLab CI/CD component in server mode, end to end: gitlab-ci-local 4.52.2 runs the component
 * (shell executor, offline; gitlab-pipeline.ts) with its server and via-sensor inputs and the token
 * as the masked TOLLGATE_TOKEN variable, against a `tollgate server` child and a real `tollgate
 * sensor --mode ci` serving a real dockerd (sensor-platform.ts). The job's result and reports are
 * those of the same component run standalone on the same daemon; no marker tag is left; the token
 * is never printed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { runPipeline, snippetArgs } from './gitlab-pipeline.js';
import { SENSOR_IMAGE, startSensorPlatform, type SensorPlatform } from './sensor-platform.js';

let platform: SensorPlatform;
let work: string;

beforeAll(async () => {
  platform = await startSensorPlatform('gitlab-component-sensor');
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-gitlab-sensor-'));
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  await platform?.stop();
});

describe('the GitLab component with server and via-sensor, a sensor scanning the image', () => {
  it('fails the job as the standalone job does, with the same reports, and leaves no marker tag', async () => {
    const dockerHost = `unix://${platform.dockerd.socket}`;
    const tollgate = `${process.execPath} ${CLI}`;
    const local = await runPipeline(work, { args: await snippetArgs(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--docker-host', dockerHost, '--db', platform.workspace.db, '--skip-db-update', '--fail-on', 'HIGH']), tollgate, 'job-name': 'scan-image' });
    const remoteArgs = await snippetArgs(['image', 'scan', `docker:${SENSOR_IMAGE}`, '--docker-host', dockerHost, '--fail-on', 'HIGH']);
    const viaSensor = (): ReturnType<typeof runPipeline> => runPipeline(work, { args: remoteArgs, tollgate, 'job-name': 'scan-image', server: platform.server.url, 'via-sensor': true, poll: '0.5', timeout: '2*60' }, [`TOLLGATE_TOKEN=${platform.ciToken}`]);
    // The sensor registers and heartbeats after it starts: a run before it is live is repeated.
    let remote = await viaSensor();
    for (let attempt = 0; /no sensor in CI mode|not live/.test(remote.output) && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      remote = await viaSensor();
    }
    expect(remote.output).toMatch(/scan-image .*FAIL/);
    expect(local.output).toMatch(/scan-image .*FAIL/);
    const exitCode = async (project: string): Promise<unknown> => JSON.parse(await readFile(path.join(project, '.gitlab-ci-local', 'builds', 'scan-image', '.tollgate-exit-code'), 'utf8'));
    expect(await exitCode(remote.project), `${remote.output}\n--- sensor:\n${platform.sensorLog()}`).toBe(1);
    expect(await exitCode(local.project)).toBe(1);
    const artifact = (project: string, name: string): Promise<string> => readFile(path.join(project, '.gitlab-ci-local', 'artifacts', 'scan-image', name), 'utf8');
    const withoutVolatile = (text: string): unknown => {
      const { scannedAt: _scannedAt, database: _database, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    expect(withoutVolatile(await artifact(remote.project, 'tollgate-report.json'))).toEqual(withoutVolatile(await artifact(local.project, 'tollgate-report.json')));
    const report = (text: string): { vulnerabilities: unknown[] } => JSON.parse(text) as { vulnerabilities: unknown[] };
    const [remoteReport, localReport] = [report(await artifact(remote.project, 'gl-container-scanning-report.json')), report(await artifact(local.project, 'gl-container-scanning-report.json'))];
    expect(remoteReport.vulnerabilities.length).toBeGreaterThan(0);
    expect(remoteReport.vulnerabilities).toEqual(localReport.vulnerabilities);
    const junit = async (project: string): Promise<string> => (await artifact(project, 'tollgate-junit.xml')).replace(/ timestamp="[^"]*"/g, '');
    expect(await junit(remote.project)).toBe(await junit(local.project));
    await expect.poll(async () => platform.tagsOf(platform.imageId), { timeout: 30_000, interval: 200 }).toEqual([SENSOR_IMAGE]);
    expect(remote.output).not.toContain(platform.ciToken);
    expect(platform.sensorLog()).not.toContain(platform.ciToken);
  }, 300_000);
});
