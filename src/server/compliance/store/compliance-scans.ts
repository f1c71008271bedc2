/**
 * Compliance scans and their leases. States: Queued -> Running -> Finished | Error, and Queued |
 * Running -> Canceled. A worker leases the oldest leasable scan of its scanner label: a Queued one,
 * or a Running one whose lease expired (its worker died). Every state change is one conditional
 * UPDATE (`... WHERE id = ? AND state = ... AND attempts = <seen>`) whose affected-row count says
 * whether this caller won, inside a transaction, so two workers on two server processes never get
 * one job, on SQLite or PostgreSQL. A lease token is random, handed out once and stored as its
 * SHA-256; a new lease replaces it, so a stale worker's token stops working at once.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from '../../store/audit.js';
import type { Tables } from '../../store/tables.js';
import { parseJsonList, parseJsonObject } from '../names.js';
import type { ComplianceScanTable } from './compliance-tables.js';
import type { ScanSettings } from './profiles-and-scanners.js';

export const SCAN_STATES = ['Queued', 'Running', 'Finished', 'Error', 'Canceled'] as const;
export type ScanState = (typeof SCAN_STATES)[number];

/** A scan whose worker died this many times is given up (state Error), not leased forever. */
export const MAX_ATTEMPTS = 5;
/** How many times a lease retries when another worker took the candidate first. */
const LEASE_RETRIES = 10;

export interface ScanView {
  id: string;
  name: string;
  host: string;
  assetGroup: string | null;
  address: string;
  scanner: string;
  optionProfile: string | null;
  policies: string[];
  authRecord: string;
  state: string;
  error?: { code: string; message: string };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  workerId?: string;
  attempts: number;
}

export interface NewScan {
  name: string;
  host: string;
  address: string;
  assetGroup?: string;
  scanner: string;
  optionProfile?: string;
  policies: string[];
  settings: ScanSettings;
  authRecord: string;
  /** The address could not be resolved (a cloud instance not found or not running): recorded in state Error. */
  unresolved?: { code: string; message: string };
}

export function hashLeaseToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function scanView(row: ComplianceScanTable): ScanView {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    assetGroup: row.asset_group,
    address: row.address,
    scanner: row.scanner,
    optionProfile: row.option_profile,
    policies: parseJsonList(row.policies),
    authRecord: row.auth_record,
    state: row.state,
    ...(row.error_code !== null ? { error: { code: row.error_code, message: row.error_message ?? '' } } : {}),
    createdAt: row.created_at,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.worker_id !== null ? { workerId: row.worker_id } : {}),
    attempts: row.attempts,
  };
}

export async function launchScans(db: Kysely<Tables>, scans: readonly NewScan[], tokenName: string): Promise<ScanView[]> {
  return db.transaction().execute(async (trx) => {
    const created: ScanView[] = [];
    for (const scan of scans) {
      const row: ComplianceScanTable = {
        id: randomUUID(),
        name: scan.name,
        host: scan.host,
        asset_group: scan.assetGroup ?? null,
        address: scan.address,
        scanner: scan.scanner,
        option_profile: scan.optionProfile ?? null,
        policies: JSON.stringify(scan.policies),
        settings: JSON.stringify(scan.settings),
        auth_record: scan.authRecord,
        state: scan.unresolved ? 'Error' : 'Queued',
        created_at: new Date().toISOString(),
        created_by: tokenName,
        started_at: null,
        finished_at: scan.unresolved ? new Date().toISOString() : null,
        worker_id: null,
        lease_token_hash: null,
        lease_expires_at: null,
        attempts: 0,
        result: null,
        error_code: scan.unresolved?.code ?? null,
        error_message: scan.unresolved?.message ?? null,
      };
      await trx.insertInto('compliance_scans').values(row).execute();
      await audit(trx, { tokenName, action: 'compliance-scan.launch', target: `${row.id} ${scan.host} on ${scan.scanner}` });
      created.push(scanView(row));
    }
    return created;
  });
}

export async function getScanRow(db: Kysely<Tables>, id: string): Promise<ComplianceScanTable | undefined> {
  return db.selectFrom('compliance_scans').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listScans(db: Kysely<Tables>, filter: { host?: string; state?: string; limit: number }): Promise<ScanView[]> {
  let select = db.selectFrom('compliance_scans').selectAll();
  if (filter.host !== undefined) select = select.where('host', '=', filter.host);
  if (filter.state !== undefined) select = select.where('state', '=', filter.state);
  return (await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()).map(scanView);
}

export type CancelOutcome = { kind: 'canceled'; scan: ScanView } | { kind: 'not_found' } | { kind: 'not_cancelable'; state: string };

export async function cancelScan(db: Kysely<Tables>, id: string, tokenName: string): Promise<CancelOutcome> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const updated = await trx.updateTable('compliance_scans').set({ state: 'Canceled', finished_at: now, lease_expires_at: null }).where('id', '=', id).where('state', 'in', ['Queued', 'Running']).executeTakeFirst();
    const row = await getScanRow(trx, id);
    if (!row) return { kind: 'not_found' };
    if (Number(updated.numUpdatedRows) === 0) return { kind: 'not_cancelable', state: row.state };
    await audit(trx, { tokenName, action: 'compliance-scan.cancel', target: id });
    return { kind: 'canceled', scan: scanView(row) };
  });
}

export interface Lease {
  scan: ComplianceScanTable;
  leaseToken: string;
  leaseExpiresAt: string;
}

/** Running scans of this label whose worker died too often: given up, so they stop circulating. */
async function giveUpExhausted(db: Kysely<Tables>, label: string, now: string): Promise<void> {
  await db
    .updateTable('compliance_scans')
    .set({ state: 'Error', finished_at: now, lease_expires_at: null, error_code: 'attempts_exhausted', error_message: `the scan's lease expired ${MAX_ATTEMPTS} times (its workers stopped answering)` })
    .where('scanner', '=', label)
    .where('state', '=', 'Running')
    .where('lease_expires_at', '<', now)
    .where('attempts', '>=', MAX_ATTEMPTS)
    .execute();
}

/**
 * Leases the oldest leasable scan of `label` to `workerId`, or answers undefined when there is
 * none. The UPDATE repeats the candidate's conditions and its attempt count: when another worker
 * (on this process or another) took the scan in between, no row changes and the next candidate is
 * tried.
 */
export async function leaseNext(db: Kysely<Tables>, label: string, workerId: string, leaseSeconds: number, tokenName: string): Promise<Lease | undefined> {
  for (let retry = 0; retry < LEASE_RETRIES; retry++) {
    const outcome = await db.transaction().execute(async (trx): Promise<Lease | 'none' | 'lost'> => {
      const now = new Date();
      const nowText = now.toISOString();
      await giveUpExhausted(trx, label, nowText);
      const candidate = await trx
        .selectFrom('compliance_scans')
        .select(['id', 'attempts'])
        .where('scanner', '=', label)
        .where((eb) => eb.or([eb('state', '=', 'Queued'), eb.and([eb('state', '=', 'Running'), eb('lease_expires_at', '<', nowText)])]))
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return 'none';
      const leaseToken = `tgl_${randomBytes(32).toString('base64url')}`;
      const leaseExpiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
      const updated = await trx
        .updateTable('compliance_scans')
        .set((eb) => ({
          state: 'Running',
          worker_id: workerId,
          lease_token_hash: hashLeaseToken(leaseToken),
          lease_expires_at: leaseExpiresAt,
          attempts: candidate.attempts + 1,
          started_at: eb.fn.coalesce('started_at', eb.val(nowText)),
        }))
        .where('id', '=', candidate.id)
        .where('attempts', '=', candidate.attempts)
        .where((eb) => eb.or([eb('state', '=', 'Queued'), eb.and([eb('state', '=', 'Running'), eb('lease_expires_at', '<', nowText)])]))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return 'lost';
      await audit(trx, { tokenName, action: 'compliance-scan.lease', target: `${candidate.id} to ${workerId} (attempt ${candidate.attempts + 1})` });
      const scan = await getScanRow(trx, candidate.id);
      return scan ? { scan, leaseToken, leaseExpiresAt } : 'lost';
    });
    if (outcome === 'none') return undefined;
    if (outcome !== 'lost') return outcome;
  }
  return undefined;
}

export type LeaseCheck = { kind: 'valid'; scan: ComplianceScanTable } | { kind: 'not_found' } | { kind: 'canceled' } | { kind: 'lease_lost' };

/** Why a lease token does not hold `scan` (or that it does). Holding: Running, this token, and (when `unexpired`) not past its expiry. */
export function checkLease(scan: ComplianceScanTable | undefined, leaseToken: string, options: { unexpired: boolean; now?: string }): LeaseCheck {
  if (!scan) return { kind: 'not_found' };
  if (scan.state === 'Canceled') return { kind: 'canceled' };
  if (scan.state !== 'Running' || scan.lease_token_hash !== hashLeaseToken(leaseToken)) return { kind: 'lease_lost' };
  if (options.unexpired && (scan.lease_expires_at ?? '') <= (options.now ?? new Date().toISOString())) return { kind: 'lease_lost' };
  return { kind: 'valid', scan };
}

/**
 * Extends a lease. A lease past its expiry that no other worker has taken is still this worker's
 * (its token is the scan's); once another worker leased the scan, the token is stale.
 */
export async function renewLease(db: Kysely<Tables>, id: string, leaseToken: string, leaseSeconds: number): Promise<LeaseCheck | { kind: 'renewed'; leaseExpiresAt: string }> {
  const leaseExpiresAt = new Date(Date.now() + leaseSeconds * 1000).toISOString();
  const updated = await db.updateTable('compliance_scans').set({ lease_expires_at: leaseExpiresAt }).where('id', '=', id).where('state', '=', 'Running').where('lease_token_hash', '=', hashLeaseToken(leaseToken)).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return { kind: 'renewed', leaseExpiresAt };
  return checkLease(await getScanRow(db, id), leaseToken, { unexpired: false });
}

export type RecordOutcome = { kind: 'recorded'; state: ScanState } | { kind: 'unchanged'; state: string } | LeaseCheck;

/**
 * Records a worker's outcome (a result, or an error) once: the UPDATE holds only while this token
 * holds the Running scan. The same token again after that answers `unchanged` (an upload repeated
 * after a lost answer), never a second record.
 */
export async function recordOutcome(db: Kysely<Tables>, id: string, leaseToken: string, outcome: { result: string } | { error: { code: string; message: string } }, tokenName: string): Promise<RecordOutcome> {
  return db.transaction().execute(async (trx) => {
    const state: ScanState = 'result' in outcome ? 'Finished' : 'Error';
    const updated = await trx
      .updateTable('compliance_scans')
      .set({
        state,
        finished_at: new Date().toISOString(),
        lease_expires_at: null,
        result: 'result' in outcome ? outcome.result : null,
        error_code: 'error' in outcome ? outcome.error.code : null,
        error_message: 'error' in outcome ? outcome.error.message : null,
      })
      .where('id', '=', id)
      .where('state', '=', 'Running')
      .where('lease_token_hash', '=', hashLeaseToken(leaseToken))
      .executeTakeFirst();
    const scan = await getScanRow(trx, id);
    if (Number(updated.numUpdatedRows) === 1) {
      await audit(trx, { tokenName, action: state === 'Finished' ? 'compliance-scan.result' : 'compliance-scan.error', target: `${id} from ${scan?.worker_id ?? 'unknown'}` });
      return { kind: 'recorded', state };
    }
    if (scan && (scan.state === 'Finished' || scan.state === 'Error') && scan.lease_token_hash === hashLeaseToken(leaseToken)) return { kind: 'unchanged', state: scan.state };
    return checkLease(scan, leaseToken, { unexpired: false });
  });
}

export function scanSettings(scan: ComplianceScanTable): ScanSettings {
  return parseJsonObject<ScanSettings>(scan.settings);
}
