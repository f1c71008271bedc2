/**
 * Before a pipeline marks an image, it makes sure someone will scan it: a live sensor in CI mode
 * registered for the very daemon that holds the image (by daemon id). Without one the tag would
 * sit there and the pipeline would wait for its whole timeout, so the connector stops at once.
 */
import { ScanError } from '../errors.js';
import { describeAnswer, refuseBadCredentials, type PlatformClient } from './platform-client.js';

export interface RegisteredSensor {
  id: string;
  daemonId: string;
  mode: string;
  live: boolean;
}

function sensorsOf(body: unknown): RegisteredSensor[] | undefined {
  const list = Array.isArray(body) ? body : (body as { sensors?: unknown } | undefined)?.sensors;
  if (!Array.isArray(list)) return undefined;
  return list.filter((item): item is RegisteredSensor => typeof item === 'object' && item !== null && typeof (item as RegisteredSensor).daemonId === 'string');
}

/** The live CI-mode sensor serving `daemonId`, or a ScanError (exit 3) that says why there is none. */
export async function requireLiveCiSensor(client: PlatformClient, daemonId: string): Promise<RegisteredSensor> {
  const answer = await client.request('GET', `/api/v1/sensors?daemonId=${encodeURIComponent(daemonId)}&mode=ci`);
  refuseBadCredentials(answer, client.shown);
  if (answer.status !== 200) throw new ScanError(`cannot ask the Tollgate server at ${client.shown} for sensors (${describeAnswer(answer)}); the image was not marked`);
  const sensors = sensorsOf(answer.body);
  if (!sensors) throw new ScanError(`the Tollgate server at ${client.shown} answered the sensor list with something that is not one; the image was not marked`);
  const serving = sensors.filter((sensor) => sensor.daemonId === daemonId && sensor.mode === 'ci');
  const live = serving.find((sensor) => sensor.live === true);
  if (live) return live;
  const hint = 'start `tollgate sensor --mode ci` on that Docker host, or scan on the runner with --server and without --via-sensor';
  if (serving.length > 0) throw new ScanError(`the CI-mode sensor${serving.length > 1 ? 's' : ''} of Docker daemon ${daemonId} (${serving.map((sensor) => sensor.id).join(', ')}) ${serving.length > 1 ? 'are' : 'is'} not live (no recent heartbeat); the image was not marked`, { hint });
  throw new ScanError(`no sensor in CI mode is registered for Docker daemon ${daemonId}; the image was not marked`, { hint });
}
