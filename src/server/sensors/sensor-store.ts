/**
 * The sensors' side of the store: heartbeats and liveness, image claims (two sensors on one daemon
 * scan an image once), and what general-mode sensors report (images, containers, events). Every
 * write is audited with the token's name; nothing here trusts a sensor id to be more than a name.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from '../store/audit.js';
import type { Tables } from '../store/tables.js';
import type { SensorTable } from './sensor-tables.js';

export const SENSOR_MODES = ['ci', 'general', 'registry'] as const;
export type SensorMode = (typeof SENSOR_MODES)[number];
export const DEFAULT_HEARTBEAT_SECONDS = 30;
/** A sensor is live while its last heartbeat is within this many of its intervals. */
export const LIVE_INTERVALS = 3;

export interface Heartbeat {
  daemonId: string;
  hostname: string;
  version: string;
  mode: SensorMode;
  labels: Record<string, string>;
  intervalSeconds?: number;
}

export interface SensorView {
  id: string;
  daemonId: string;
  hostname: string;
  version: string;
  mode: string;
  labels: Record<string, string>;
  intervalSeconds: number;
  firstSeen: string;
  lastSeen: string;
  live: boolean;
}

export function isLive(row: Pick<SensorTable, 'last_seen' | 'interval_seconds'>, now: number = Date.now()): boolean {
  return now - Date.parse(row.last_seen) <= LIVE_INTERVALS * row.interval_seconds * 1000;
}

function viewOf(row: SensorTable, now: number): SensorView {
  return {
    id: row.sensor_id,
    daemonId: row.daemon_id,
    hostname: row.hostname,
    version: row.version,
    mode: row.mode,
    labels: JSON.parse(row.labels) as Record<string, string>,
    intervalSeconds: row.interval_seconds,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    live: isLive(row, now),
  };
}

export async function recordHeartbeat(db: Kysely<Tables>, sensorId: string, beat: Heartbeat, tokenName: string): Promise<SensorView> {
  const now = new Date().toISOString();
  const values = {
    daemon_id: beat.daemonId,
    hostname: beat.hostname,
    version: beat.version,
    mode: beat.mode,
    labels: JSON.stringify(beat.labels),
    interval_seconds: beat.intervalSeconds ?? DEFAULT_HEARTBEAT_SECONDS,
    last_seen: now,
    token_name: tokenName,
  };
  await db.transaction().execute(async (trx) => {
    const known = await trx.selectFrom('sensors').select('sensor_id').where('sensor_id', '=', sensorId).executeTakeFirst();
    if (known) await trx.updateTable('sensors').set(values).where('sensor_id', '=', sensorId).execute();
    else {
      await trx.insertInto('sensors').values({ sensor_id: sensorId, first_seen: now, ...values }).execute();
      await audit(trx, { tokenName, action: 'sensor.register', target: sensorId });
    }
  });
  const row = await db.selectFrom('sensors').selectAll().where('sensor_id', '=', sensorId).executeTakeFirstOrThrow();
  return viewOf(row, Date.now());
}

export async function listSensors(db: Kysely<Tables>, filter: { daemonId?: string; mode?: string }): Promise<SensorView[]> {
  let query = db.selectFrom('sensors').selectAll();
  if (filter.daemonId !== undefined) query = query.where('daemon_id', '=', filter.daemonId);
  if (filter.mode !== undefined) query = query.where('mode', '=', filter.mode);
  const now = Date.now();
  return (await query.orderBy('last_seen', 'desc').orderBy('sensor_id').limit(1000).execute()).map((row) => viewOf(row, now));
}

export async function sensorExists(db: Kysely<Tables>, sensorId: string): Promise<boolean> {
  return (await db.selectFrom('sensors').select('sensor_id').where('sensor_id', '=', sensorId).executeTakeFirst()) !== undefined;
}

export type ClaimAnswer =
  | { claimed: true; claimId: string; renewed: boolean }
  | { claimed: false; reason: 'held' | 'done'; heldBy: string; claimId: string };

/**
 * Claims `digest` for `sensorId`. Granted when nobody holds it, when the caller already holds it
 * (the same claim id, so a restarted sensor uploads under the same scan id), when the holder gave
 * up on its scan (a failed claim holds nothing), when the holder is no longer live, or when the
 * last claim completed before `requestedAt` (the image was marked again). Granting clears a
 * recorded failure: the image is being tried again.
 */
export async function claimImage(db: Kysely<Tables>, digest: string, request: { sensorId: string; marker: string; requestedAt?: string }, tokenName: string): Promise<ClaimAnswer> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const current = await trx.selectFrom('image_claims').selectAll().where('digest', '=', digest).executeTakeFirst();
    const grant = async (): Promise<ClaimAnswer> => {
      const claimId = randomUUID();
      const row = { claim_id: claimId, sensor_id: request.sensorId, marker: request.marker, claimed_at: now, completed_at: null, failed_at: null, failure_reason: null };
      if (current) await trx.updateTable('image_claims').set(row).where('digest', '=', digest).where('claim_id', '=', current.claim_id).execute();
      else await trx.insertInto('image_claims').values({ digest, ...row }).execute();
      await audit(trx, { tokenName, action: 'image.claim', target: `${digest} ${request.sensorId}` });
      return { claimed: true, claimId, renewed: false };
    };
    if (!current) return grant();
    if (current.completed_at !== null) {
      if (request.requestedAt !== undefined && request.requestedAt > current.completed_at) return grant();
      return { claimed: false, reason: 'done', heldBy: current.sensor_id, claimId: current.claim_id };
    }
    if (current.sensor_id === request.sensorId) {
      if (current.failed_at !== null) await trx.updateTable('image_claims').set({ failed_at: null, failure_reason: null, marker: request.marker, claimed_at: now }).where('digest', '=', digest).where('claim_id', '=', current.claim_id).execute();
      return { claimed: true, claimId: current.claim_id, renewed: true };
    }
    if (current.failed_at !== null) return grant();
    const holder = await trx.selectFrom('sensors').select(['last_seen', 'interval_seconds']).where('sensor_id', '=', current.sensor_id).executeTakeFirst();
    if (!holder || !isLive(holder)) return grant();
    return { claimed: false, reason: 'held', heldBy: current.sensor_id, claimId: current.claim_id };
  });
}

/** The holder reports its scan uploaded: the claim stays (so the other sensors skip the image) but is done. */
export async function completeClaim(db: Kysely<Tables>, digest: string, claimId: string, tokenName: string): Promise<boolean> {
  const result = await db.updateTable('image_claims').set({ completed_at: new Date().toISOString(), failed_at: null, failure_reason: null }).where('digest', '=', digest).where('claim_id', '=', claimId).where('completed_at', 'is', null).executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) await audit(db, { tokenName, action: 'image.claim.complete', target: `${digest} ${claimId}` });
  const claim = await db.selectFrom('image_claims').select('claim_id').where('digest', '=', digest).where('claim_id', '=', claimId).executeTakeFirst();
  return claim !== undefined;
}

export interface ReportedContainer {
  id: string;
  name: string;
  image: string;
  imageId?: string;
  state: string;
  ports: unknown[];
  labels: Record<string, string>;
}

export interface ReportedImage {
  id: string;
  tags: string[];
  repoDigests: string[];
}

/** A general-mode inventory replaces what this sensor reported before. */
export async function recordInventory(db: Kysely<Tables>, sensorId: string, inventory: { images: ReportedImage[]; containers: ReportedContainer[] }, tokenName: string): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sensor_images').where('sensor_id', '=', sensorId).execute();
    await trx.deleteFrom('sensor_containers').where('sensor_id', '=', sensorId).execute();
    const images = dedupe(inventory.images, (image) => image.id);
    const containers = dedupe(inventory.containers, (container) => container.id);
    for (const image of images) {
      await trx.insertInto('sensor_images').values({ sensor_id: sensorId, image_id: image.id, tags: JSON.stringify(image.tags), repo_digests: JSON.stringify(image.repoDigests), reported_at: now }).execute();
    }
    for (const container of containers) {
      await trx
        .insertInto('sensor_containers')
        .values({ sensor_id: sensorId, container_id: container.id, name: container.name, image: container.image, image_id: container.imageId ?? null, state: container.state, ports: JSON.stringify(container.ports), labels: JSON.stringify(container.labels), reported_at: now })
        .execute();
    }
    await audit(trx, { tokenName, action: 'sensor.inventory', target: `${sensorId} ${images.length} images ${containers.length} containers` });
  });
}

function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

export interface DaemonEvent {
  /** Identifies the event so a repeated upload stores it once. */
  id?: string;
  type: string;
  at: string;
  image?: string;
  container?: string;
}

export async function recordEvents(db: Kysely<Tables>, sensorId: string, events: readonly DaemonEvent[], tokenName: string): Promise<number> {
  const now = new Date().toISOString();
  let stored = 0;
  await db.transaction().execute(async (trx) => {
    for (const event of events) {
      const eventId = `${sensorId}:${event.id ?? randomUUID()}`;
      const seen = await trx.selectFrom('sensor_events').select('event_id').where('event_id', '=', eventId).executeTakeFirst();
      if (seen) continue;
      await trx.insertInto('sensor_events').values({ event_id: eventId, sensor_id: sensorId, type: event.type, at: new Date(event.at).toISOString(), image: event.image ?? null, container: event.container ?? null, received_at: now }).execute();
      stored += 1;
    }
    await audit(trx, { tokenName, action: 'sensor.events', target: `${sensorId} ${stored}` });
  });
  return stored;
}

export async function listEvents(db: Kysely<Tables>, sensorId: string, limit: number): Promise<{ type: string; at: string; image?: string; container?: string }[]> {
  const rows = await db.selectFrom('sensor_events').selectAll().where('sensor_id', '=', sensorId).orderBy('at', 'desc').orderBy('event_id').limit(limit).execute();
  return rows.map((row) => ({ type: row.type, at: row.at, ...(row.image !== null ? { image: row.image } : {}), ...(row.container !== null ? { container: row.container } : {}) }));
}

/** Where an image runs: the containers general-mode sensors reported for it (by image id or an alias of it). */
export async function runningOn(db: Kysely<Tables>, digest: string): Promise<{ sensorId: string; daemonId: string; hostname: string; containers: { id: string; name: string; state: string; image: string }[] }[]> {
  const ids = [digest, ...(await db.selectFrom('image_aliases').select('alias').where('digest', '=', digest).execute()).map((row) => row.alias)];
  const rows = await db
    .selectFrom('sensor_containers')
    .innerJoin('sensors', 'sensors.sensor_id', 'sensor_containers.sensor_id')
    .select(['sensor_containers.sensor_id', 'sensors.daemon_id', 'sensors.hostname', 'sensor_containers.container_id', 'sensor_containers.name', 'sensor_containers.state', 'sensor_containers.image'])
    .where((eb) => eb.or([eb('sensor_containers.image_id', 'in', ids), eb('sensor_containers.image', 'in', ids)]))
    .orderBy('sensor_containers.sensor_id')
    .orderBy('sensor_containers.container_id')
    .execute();
  const bySensor = new Map<string, { sensorId: string; daemonId: string; hostname: string; containers: { id: string; name: string; state: string; image: string }[] }>();
  for (const row of rows) {
    const entry = bySensor.get(row.sensor_id) ?? { sensorId: row.sensor_id, daemonId: row.daemon_id, hostname: row.hostname, containers: [] };
    entry.containers.push({ id: row.container_id, name: row.name, state: row.state, image: row.image });
    bySensor.set(row.sensor_id, entry);
  }
  return [...bySensor.values()];
}
