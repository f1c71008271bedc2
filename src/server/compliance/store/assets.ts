/**
 * Hosts and asset groups: written by PUT (the whole object replaced, its creation time kept),
 * read with each host's latest compliance state per policy. Every write is audited in the same
 * transaction.
 */
import { sql, type Kysely } from 'kysely';
import { audit } from '../../store/audit.js';
import type { Tables } from '../../store/tables.js';
import { parseJsonList, parseJsonObject } from '../names.js';
import type { HostTable } from './compliance-tables.js';
import type { HostToResolve } from '../resolve-host-address.js';

export interface HostInput {
  address?: string;
  cloudInstanceId?: string;
  cloudConnector?: string;
  labels?: Record<string, string>;
}

export interface LastScan {
  policy: string;
  state: string;
  finishedAt: string | null;
  totals: unknown;
}

export interface HostView {
  name: string;
  address: string | null;
  cloudInstanceId: string | null;
  cloudConnector: string | null;
  labels: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  lastScans: LastScan[];
}

export interface AssetGroupView {
  name: string;
  hosts: string[];
  policies: string[];
  createdAt: string;
  updatedAt: string;
}

/** How far back a host's scans are read to find the latest per policy. */
const LAST_SCANS_WINDOW = 200;

export async function putHost(db: Kysely<Tables>, name: string, input: HostInput, tokenName: string): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const existing = await trx.selectFrom('hosts').select('name').where('name', '=', name).executeTakeFirst();
    const values = { address: input.address ?? null, cloud_instance_id: input.cloudInstanceId ?? null, cloud_connector: input.cloudConnector ?? null, labels: JSON.stringify(input.labels ?? {}), updated_at: now };
    await trx
      .insertInto('hosts')
      .values({ name, ...values, created_at: now })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(values))
      .execute();
    await audit(trx, { tokenName, action: existing ? 'host.update' : 'host.create', target: name });
    return { created: !existing };
  });
}

/** The latest scan of each policy on a host, newest first; totals from the stored result. */
async function lastScans(db: Kysely<Tables>, host: string): Promise<LastScan[]> {
  const scans = await db.selectFrom('compliance_scans').select(['policies', 'state', 'finished_at', 'result']).where('host', '=', host).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(LAST_SCANS_WINDOW).execute();
  const seen = new Map<string, LastScan>();
  for (const scan of scans) {
    const names = parseJsonList(scan.policies);
    const results = scan.result ? ((JSON.parse(scan.result) as { policies?: { id?: string; totals?: unknown }[] }).policies ?? []) : [];
    names.forEach((policy, index) => {
      if (seen.has(policy)) return;
      const result = results.find((entry) => entry.id === policy) ?? results[index];
      seen.set(policy, { policy, state: scan.state, finishedAt: scan.finished_at, totals: scan.state === 'Finished' ? (result?.totals ?? null) : null });
    });
  }
  return [...seen.values()];
}

async function hostView(db: Kysely<Tables>, row: HostTable): Promise<HostView> {
  return {
    name: row.name,
    address: row.address,
    cloudInstanceId: row.cloud_instance_id,
    cloudConnector: row.cloud_connector,
    labels: parseJsonObject<Record<string, string>>(row.labels),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastScans: await lastScans(db, row.name),
  };
}

export async function getHost(db: Kysely<Tables>, name: string): Promise<HostView | undefined> {
  const row = await db.selectFrom('hosts').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? hostView(db, row) : undefined;
}

export async function listHosts(db: Kysely<Tables>): Promise<HostView[]> {
  const rows = await db.selectFrom('hosts').selectAll().orderBy('name').execute();
  const views: HostView[] = [];
  for (const row of rows) views.push(await hostView(db, row));
  return views;
}

/** The names of `names` that are not hosts. */
export async function missingHosts(db: Kysely<Tables>, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const found = new Set((await db.selectFrom('hosts').select('name').where('name', 'in', [...names]).execute()).map((row) => row.name));
  return names.filter((name) => !found.has(name));
}

export async function putAssetGroup(db: Kysely<Tables>, name: string, input: { hosts: string[]; policies: string[] }, tokenName: string): Promise<{ created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const existing = await trx.selectFrom('asset_groups').select('name').where('name', '=', name).executeTakeFirst();
    const values = { hosts: JSON.stringify(input.hosts), policies: JSON.stringify(input.policies), updated_at: now };
    await trx
      .insertInto('asset_groups')
      .values({ name, ...values, created_at: now })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(values))
      .execute();
    await audit(trx, { tokenName, action: existing ? 'asset-group.update' : 'asset-group.create', target: name });
    return { created: !existing };
  });
}

function groupView(row: Tables['asset_groups']): AssetGroupView {
  return { name: row.name, hosts: parseJsonList(row.hosts), policies: parseJsonList(row.policies), createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function getAssetGroup(db: Kysely<Tables>, name: string): Promise<AssetGroupView | undefined> {
  const row = await db.selectFrom('asset_groups').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? groupView(row) : undefined;
}

export async function listAssetGroups(db: Kysely<Tables>): Promise<AssetGroupView[]> {
  return (await db.selectFrom('asset_groups').selectAll().orderBy('name').execute()).map(groupView);
}

/**
 * The names of the asset groups listing `host`, read without the others: the store keeps each
 * group's hosts as a JSON array, so the query narrows to rows whose text holds the host as a JSON
 * string (LIKE, wildcards escaped, on both databases) and each candidate's list is then checked
 * exactly (a name inside another name's text is not a member).
 */
export async function assetGroupsOfHost(db: Kysely<Tables>, host: string): Promise<string[]> {
  const pattern = `%${JSON.stringify(host).replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const rows = await db
    .selectFrom('asset_groups')
    .select(['name', 'hosts'])
    .where(sql<boolean>`hosts LIKE ${pattern} ESCAPE '\\'`)
    .orderBy('name')
    .execute();
  return rows.filter((row) => parseJsonList(row.hosts).includes(host)).map((row) => row.name);
}

/** The hosts a scan is launched on, as the address resolution needs them (in the order named; unknown names left out). */
export async function hostsToResolve(db: Kysely<Tables>, names: readonly string[]): Promise<HostToResolve[]> {
  if (names.length === 0) return [];
  const rows = await db.selectFrom('hosts').select(['name', 'address', 'cloud_instance_id', 'cloud_connector']).where('name', 'in', [...names]).execute();
  const byName = new Map(rows.map((row) => [row.name, { name: row.name, address: row.address, cloudInstanceId: row.cloud_instance_id, cloudConnector: row.cloud_connector }]));
  return names.map((name) => byName.get(name)).filter((host): host is HostToResolve => host !== undefined);
}
