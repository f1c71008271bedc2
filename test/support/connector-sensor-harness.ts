/**
 * A scripted stand-in for the CI-mode sensor and its registration route, for the connector tests
 * until the real sensor (branch h14s) is merged: named a harness, never shipped.
 *
 * - In front of the real `tollgate server` child it is a loopback proxy: GET /api/v1/sensors
 *   answers from a scripted list (what h14s's route answers); every other request is forwarded
 *   as it is to the server. When the server is down the proxy drops the client's connection, so
 *   the CLI sees a network error, as it would without the proxy. The upstream can be changed
 *   (a restarted server).
 * - It watches the real dockerd for `tollgate_scan_target:<hex>` tags (listing, every 200 ms),
 *   scans the image in-process with the engine's image job through the `docker:` source, uploads
 *   the result with a sensor token (retrying while the server is down, idempotent by scan id),
 *   and removes the marker tag unless it is the image's only tag.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runImageJob } from '../../src/jobs/image-job.js';
import { emptyGateConfig } from '../../src/gate/gate-config.js';
import { openVulnDatabase } from '../../src/vulndb/database.js';
import { parsePlatform } from '../../src/image/platform.js';
import type { TestDockerd } from './dockerd.js';

export interface ScriptedSensor {
  id: string;
  daemonId: string;
  mode: 'ci' | 'general' | 'registry';
  live: boolean;
}

export interface SensorHarness {
  /** The address the CLI is given as --server. */
  url: string;
  sensors: ScriptedSensor[];
  /** Where requests go; change it after a server restart. */
  upstream: string;
  /** While true, marked images are left alone (a slow or stopped sensor). */
  hold: boolean;
  /** Scan ids uploaded, in order. */
  uploads: string[];
  /** What the sensor route was asked, for assertions. */
  sensorQueries: string[];
  /** Scans the harness could not make or upload. */
  errors: string[];
  close(): Promise<void>;
}

export async function startSensorHarness(options: { upstream: string; dockerd: TestDockerd; db: string; sensorToken: string }): Promise<SensorHarness> {
  const harness: SensorHarness = { url: '', sensors: [], upstream: options.upstream, hold: false, uploads: [], sensorQueries: [], errors: [], close: async () => undefined };

  const proxy = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://harness');
    if (request.method === 'GET' && url.pathname === '/api/v1/sensors') {
      harness.sensorQueries.push(url.search);
      if (!request.headers.authorization?.startsWith('Bearer ')) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthorized', message: 'a bearer token is required' } }));
        return;
      }
      const daemonId = url.searchParams.get('daemonId');
      const mode = url.searchParams.get('mode');
      const listed = harness.sensors.filter((sensor) => (!daemonId || sensor.daemonId === daemonId) && (!mode || sensor.mode === mode));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listed));
      return;
    }
    const target = new URL(request.url ?? '/', harness.upstream);
    const forwarded = httpRequest(target, { method: request.method, headers: { ...request.headers, host: target.host } }, (upstream) => {
      response.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(response);
    });
    forwarded.on('error', () => response.socket?.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  harness.url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const database = openVulnDatabase(options.db);
  let stopped = false;
  const scanning = new Set<string>();
  const upload = async (scanId: string, body: string): Promise<void> => {
    for (;;) {
      try {
        const answer = await fetch(`${harness.upstream}/api/v1/scans/${scanId}`, { method: 'PUT', headers: { authorization: `Bearer ${options.sensorToken}`, 'content-type': 'application/json' }, body });
        if (answer.status === 200 || answer.status === 201) return;
        throw new Error(`upload answered ${answer.status}: ${await answer.text()}`);
      } catch (error) {
        if (stopped) return;
        if (!(error instanceof TypeError)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  };
  const scanMarked = async (marker: string): Promise<void> => {
    const imageId = (await options.dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', marker])).trim();
    const job = await runImageJob([`docker:${imageId}`], { database, gate: emptyGateConfig(), platform: parsePlatform('linux/amd64'), docker: { dockerHost: `unix://${options.dockerd.socket}` } });
    const [result] = job.scans;
    if (!result) throw new Error(`the harness's scan of ${marker} gave no result`);
    const scanId = `harness-${imageId.slice(7, 19)}-${Date.now()}`;
    await upload(scanId, JSON.stringify({ result, matched: true }));
    harness.uploads.push(scanId);
    const tags = (await options.dockerd.docker(['image', 'inspect', '--format', '{{join .RepoTags "\\n"}}', imageId])).split('\n').filter(Boolean);
    if (tags.length > 1) await options.dockerd.docker(['image', 'rm', '--no-prune', marker]);
  };
  const watch = async (): Promise<void> => {
    while (!stopped) {
      if (!harness.hold) {
        const listed = (await options.dockerd.docker(['images', '--format', '{{.Repository}}:{{.Tag}}', 'tollgate_scan_target']).catch(() => '')).split('\n').filter(Boolean);
        for (const marker of listed) {
          if (scanning.has(marker)) continue;
          scanning.add(marker);
          await scanMarked(marker)
            .catch((error: unknown) => harness.errors.push(`${marker}: ${(error as Error).message}`))
            .finally(() => scanning.delete(marker));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const watching = watch();
  harness.close = async () => {
    stopped = true;
    await watching.catch(() => undefined);
    database.close();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  };
  return harness;
}
