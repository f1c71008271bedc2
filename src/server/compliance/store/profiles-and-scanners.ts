/**
 * Option profiles (policies plus scan settings) and scanners (worker pools by label, with each
 * worker's last heartbeat). "External" exists from the first migration on.
 */
import type { Kysely } from 'kysely';
import { audit } from '../../store/audit.js';
import type { Tables } from '../../store/tables.js';
import { parseJsonList, parseJsonObject } from '../names.js';

export interface ScanSettings {
  connectTimeoutSeconds?: number;
  commandTimeoutSeconds?: number;
  timeoutMinutes?: number;
}

export interface OptionProfileView {
  name: string;
  policies: string[];
  settings: ScanSettings;
  createdAt: string;
  updatedAt: string;
}

export interface WorkerView {
  id: string;
  hostname: string;
  version: string;
  lastSeen: string;
  live: boolean;
}

/** A worker heard from within this is live. */
export const WORKER_LIVE_MS = 90_000;

export async function putOptionProfile(db: Kysely<Tables>, name: string, input: { policies: string[]; settings: ScanSettings }, tokenName: string): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const existing = await trx.selectFrom('option_profiles').select('name').where('name', '=', name).executeTakeFirst();
    const values = { policies: JSON.stringify(input.policies), settings: JSON.stringify(input.settings), updated_at: now };
    await trx
      .insertInto('option_profiles')
      .values({ name, ...values, created_at: now })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(values))
      .execute();
    await audit(trx, { tokenName, action: existing ? 'option-profile.update' : 'option-profile.create', target: name });
    return { created: !existing };
  });
}

function profileView(row: Tables['option_profiles']): OptionProfileView {
  return { name: row.name, policies: parseJsonList(row.policies), settings: parseJsonObject<ScanSettings>(row.settings), createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function getOptionProfile(db: Kysely<Tables>, name: string): Promise<OptionProfileView | undefined> {
  const row = await db.selectFrom('option_profiles').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? profileView(row) : undefined;
}

export async function listOptionProfiles(db: Kysely<Tables>): Promise<OptionProfileView[]> {
  return (await db.selectFrom('option_profiles').selectAll().orderBy('name').execute()).map(profileView);
}

export async function scannerExists(db: Kysely<Tables>, label: string): Promise<boolean> {
  return (await db.selectFrom('scanners').select('label').where('label', '=', label).executeTakeFirst()) !== undefined;
}

export async function putScanner(db: Kysely<Tables>, label: string, tokenName: string): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('scanners')
      .values({ label, created_at: new Date().toISOString() })
      .onConflict((conflict) => conflict.column('label').doNothing())
      .executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (created) await audit(trx, { tokenName, action: 'scanner.create', target: label });
    return { created };
  });
}

export async function listScanners(db: Kysely<Tables>, now: number = Date.now()): Promise<{ label: string; workers: WorkerView[] }[]> {
  const labels = await db.selectFrom('scanners').select('label').orderBy('label').execute();
  const workers = await db.selectFrom('scanner_workers').selectAll().orderBy('worker_id').execute();
  const liveSince = new Date(now - WORKER_LIVE_MS).toISOString();
  return labels.map(({ label }) => ({
    label,
    workers: workers.filter((worker) => worker.label === label).map((worker) => ({ id: worker.worker_id, hostname: worker.hostname, version: worker.version, lastSeen: worker.last_seen, live: worker.last_seen >= liveSince })),
  }));
}

/**
 * A worker's heartbeat. Only a worker's first heartbeat is audited (as its registration): the
 * periodic refresh of its last-seen time is liveness, not a change anyone decides.
 */
export async function recordHeartbeat(db: Kysely<Tables>, label: string, workerId: string, info: { hostname: string; version: string }, tokenName: string): Promise<{ lastSeen: string }> {
  return db.transaction().execute(async (trx) => {
    const lastSeen = new Date().toISOString();
    const existing = await trx.selectFrom('scanner_workers').select('worker_id').where('label', '=', label).where('worker_id', '=', workerId).executeTakeFirst();
    const values = { hostname: info.hostname, version: info.version, last_seen: lastSeen };
    await trx
      .insertInto('scanner_workers')
      .values({ label, worker_id: workerId, ...values })
      .onConflict((conflict) => conflict.columns(['label', 'worker_id']).doUpdateSet(values))
      .execute();
    if (!existing) await audit(trx, { tokenName, action: 'worker.register', target: `${workerId} on ${label} (${info.hostname}, ${info.version})` });
    return { lastSeen };
  });
}

/** A lease is a sign of life too: the worker's last-seen time moves (when it has registered). */
export async function touchWorker(db: Kysely<Tables>, label: string, workerId: string): Promise<void> {
  await db.updateTable('scanner_workers').set({ last_seen: new Date().toISOString() }).where('label', '=', label).where('worker_id', '=', workerId).execute();
}
