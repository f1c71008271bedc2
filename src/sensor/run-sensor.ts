/**
 * `tollgate sensor`: the Docker-host agent. Connects to the daemon, registers with the server and
 * heartbeats, and runs its mode (CI: scan marked images; general: report images, containers and
 * events; registry: scan new digests of configured registries) until stopped. Uploads go through
 * the spool, so a server outage delays them and loses none. Never logs the token.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { LayerCache } from '../engine/layer-cache.js';
import { connectDocker, type DockerConnection, type DockerConnectionOptions } from '../image/docker/connection.js';
import { daemonIdentity } from '../image/docker/daemon-identity.js';
import type { ScanLimits } from '../image/limits.js';
import { messageOf } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { sleep } from './backoff.js';
import { CiMode } from './ci-mode.js';
import { imageScanner } from './daemon-scanner.js';
import { GeneralMode } from './general-mode.js';
import { PlatformClient } from './platform-client.js';
import { RegistryMode, type RegistryTarget } from './registry-mode.js';
import { sensorIdFor } from './sensor-id.js';
import { UploadSpool, type UploadedScan } from './upload-spool.js';

export type SensorMode = 'ci' | 'general' | 'registry';

export interface SensorOptions {
  serverUrl: string;
  token: string;
  mode: SensorMode;
  docker: DockerConnectionOptions;
  labels: Record<string, string>;
  spoolDir: string;
  /** The layer cache folder (default: `<spool dir>/cache`). */
  cacheDir?: string;
  heartbeatSeconds: number;
  /** CI mode: images scanned at once (default 2). */
  concurrency?: number;
  sensorId?: string;
  limits?: Partial<ScanLimits>;
  /** General mode: how often the full inventory is sent (besides after events). */
  inventoryIntervalSeconds?: number;
  /** Registry mode: what to watch and how often. */
  registries?: RegistryTarget[];
  registryIntervalSeconds?: number;
  registryInsecure?: boolean;
  log(line: string): void;
  /** Called after each scan the server has stored (tests, progress). */
  onUploaded?(scan: UploadedScan): void;
}

export interface RunningSensor {
  sensorId: string;
  daemonId: string;
  /** Resolves when the sensor stops (after `stop`, or when a mode ends with an error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startSensor(options: SensorOptions): Promise<RunningSensor> {
  const sensorId = await sensorIdFor(options.spoolDir, options.sensorId);
  const client = new PlatformClient(options.serverUrl, options.token);
  const connection: DockerConnection | undefined = options.mode === 'registry' ? undefined : await connectDocker(options.docker);
  const daemonId = connection ? (await daemonIdentity(connection)).daemonId : `registry-${sensorId}`;
  const controller = new AbortController();
  const signal = controller.signal;
  const log = options.log;
  const heartbeat = async (): Promise<void> => {
    await client.send('POST', `/api/v1/sensors/${sensorId}/heartbeat`, { daemonId, hostname: hostname(), version: TOOL_VERSION, mode: options.mode, labels: options.labels, intervalSeconds: options.heartbeatSeconds });
  };
  // The first heartbeat registers the sensor; a server that is down now is tried again by the loop.
  await heartbeat().catch((error: unknown) => log(`registering with ${client.address} failed: ${messageOf(error)}; retrying`));
  log(`sensor ${sensorId} (${options.mode} mode) on daemon ${daemonId}, server ${client.address}`);

  const needsScanner = options.mode === 'ci' || options.mode === 'registry';
  const layerCache = needsScanner ? LayerCache.open(options.cacheDir ?? path.join(options.spoolDir, 'cache')) : undefined;
  const spool = new UploadSpool(path.join(options.spoolDir, 'uploads'), client, log, options.onUploaded);
  const scan = imageScanner({ docker: options.docker, ...(layerCache ? { layerCache } : {}), ...(options.limits ? { limits: options.limits } : {}), registry: { insecure: Boolean(options.registryInsecure) } });

  const tasks: Promise<void>[] = [
    (async () => {
      while (!signal.aborted) {
        await sleep(options.heartbeatSeconds * 1000, signal);
        if (!signal.aborted) await heartbeat().catch((error: unknown) => log(`heartbeat failed: ${messageOf(error)}`));
      }
    })(),
  ];
  if (needsScanner) tasks.push(spool.run(signal));
  if (options.mode === 'ci' && connection) tasks.push(new CiMode({ connection, client, sensorId, spool, scan, log, ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) }).run(signal));
  if (options.mode === 'general' && connection) tasks.push(new GeneralMode({ connection, client, sensorId, inventoryIntervalMs: (options.inventoryIntervalSeconds ?? 60) * 1000, log }).run(signal));
  if (options.mode === 'registry') {
    tasks.push(new RegistryMode({ client, sensorId, spool, scan, targets: options.registries ?? [], intervalMs: (options.registryIntervalSeconds ?? 300) * 1000, stateFile: path.join(options.spoolDir, 'registry-seen.json'), insecure: Boolean(options.registryInsecure), log }).run(signal));
  }
  const done = Promise.all(tasks).then(
    () => undefined,
    (error: unknown) => {
      log(`sensor stopped: ${messageOf(error)}`);
      controller.abort();
    },
  );
  const finished = done.finally(() => layerCache?.close());
  return {
    sensorId,
    daemonId,
    done: finished,
    async stop() {
      controller.abort();
      await finished;
    },
  };
}
