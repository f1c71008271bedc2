/**
 * The address of a host that is a cloud instance (`cloudInstanceId` + `cloudConnector`), fixed when
 * a compliance scan of it is launched, with the outcomes the compliance connectors document:
 *
 *   connector disabled or missing   -> abort   (cloud_connector_disabled / cloud_connector_not_found)
 *   instance not found              -> abort   (instance_not_found, with EC2's message)
 *   not running, or no private IP   -> fail    (host_not_alive: "no host alive")
 *   state never seen, not run       -> abort   (instance_state_unknown: run the connector)
 *   running with a private address  -> that address
 *
 * A connector with `runConnector` asks EC2 at every launch; one without it uses the state its last
 * run (POST /cloud-connectors/:name/run) recorded. Every answer is kept in cloud_instances.
 */
import type { Kysely } from 'kysely';
import { ApiError } from '../api/api-error.js';
import type { SecretKey } from '../compliance/secrets/secret-key.js';
import type { Tables } from '../store/tables.js';
import type { CloudConnectorTable, CloudInstanceTable } from './cloud-tables.js';
import { connectorAccess, getCloudConnector } from './connector-store.js';
import { CloudLookupError, describeInstance } from './describe-instance.js';

export type CloudResolutionCode = 'cloud_connector_not_found' | 'cloud_connector_disabled' | 'instance_not_found' | 'instance_state_unknown' | 'host_not_alive' | 'cloud_lookup_failed';

/** A cloud host that cannot be scanned now; `code` tells the connectors' outcome (abort or fail). */
export class CloudResolutionError extends ApiError {
  constructor(
    readonly resolution: CloudResolutionCode,
    message: string,
  ) {
    super(resolution === 'cloud_lookup_failed' ? 502 : 409, resolution, message, 'body.host');
  }
}

export interface CloudHost {
  name: string;
  cloudInstanceId: string;
  cloudConnector: string;
}

/** Asks EC2 for one instance and records the answer. */
export async function refreshInstance(db: Kysely<Tables>, connector: CloudConnectorTable, secretKey: SecretKey | undefined, instanceId: string): Promise<CloudInstanceTable> {
  let seen: CloudInstanceTable;
  try {
    const lookup = await describeInstance(connectorAccess(connector, secretKey), instanceId);
    seen = {
      connector: connector.name,
      instance_id: instanceId,
      state: lookup.found ? lookup.state : 'not-found',
      private_address: lookup.found ? (lookup.privateIpAddress ?? null) : null,
      detail: lookup.found ? null : lookup.reason,
      refreshed_at: new Date().toISOString(),
    };
  } catch (error) {
    if (error instanceof CloudLookupError) throw new CloudResolutionError('cloud_lookup_failed', `cloud connector ${connector.name}: ${error.message}`);
    throw error;
  }
  await db
    .insertInto('cloud_instances')
    .values(seen)
    .onConflict((conflict) => conflict.columns(['connector', 'instance_id']).doUpdateSet({ state: seen.state, private_address: seen.private_address, detail: seen.detail, refreshed_at: seen.refreshed_at }))
    .execute();
  return seen;
}

export async function resolveCloudAddress(db: Kysely<Tables>, secretKey: SecretKey | undefined, host: CloudHost): Promise<string> {
  const { cloudConnector: name, cloudInstanceId: instanceId } = host;
  const connector = await getCloudConnector(db, name);
  if (!connector) throw new CloudResolutionError('cloud_connector_not_found', `host ${host.name}: no cloud connector named ${name}; the scan is aborted`);
  if (connector.enabled !== 1) throw new CloudResolutionError('cloud_connector_disabled', `host ${host.name}: cloud connector ${name} is disabled; the scan of instance ${instanceId} is aborted`);
  const known =
    connector.run_connector === 1
      ? await refreshInstance(db, connector, secretKey, instanceId)
      : await db.selectFrom('cloud_instances').selectAll().where('connector', '=', name).where('instance_id', '=', instanceId).executeTakeFirst();
  if (!known) throw new CloudResolutionError('instance_state_unknown', `host ${host.name}: the state of instance ${instanceId} is not known and cloud connector ${name} does not run at launch; run it (POST /api/v1/cloud-connectors/${name}/run) or set runConnector`);
  if (known.state === 'not-found') throw new CloudResolutionError('instance_not_found', `host ${host.name}: instance ${instanceId} not found by cloud connector ${name} (${connector.region})${known.detail ? `: ${known.detail}` : ''}; the scan is aborted`);
  if (known.state !== 'running') throw new CloudResolutionError('host_not_alive', `no host alive: instance ${instanceId} of host ${host.name} is ${known.state}, not running`);
  if (!known.private_address) throw new CloudResolutionError('host_not_alive', `no host alive: instance ${instanceId} of host ${host.name} is running but has no private address`);
  return known.private_address;
}

/** "Run the connector": refreshes every instance its hosts name; what each was seen as. */
export async function runCloudConnector(db: Kysely<Tables>, secretKey: SecretKey | undefined, name: string): Promise<{ instanceId: string; state: string; privateAddress: string | null }[]> {
  const connector = await getCloudConnector(db, name);
  if (!connector) throw new ApiError(404, 'not_found', `no cloud connector named ${name}`, 'params.name');
  if (connector.enabled !== 1) throw new CloudResolutionError('cloud_connector_disabled', `cloud connector ${name} is disabled`);
  const hosts = await db.selectFrom('hosts').select('cloud_instance_id').where('cloud_connector', '=', name).where('cloud_instance_id', 'is not', null).execute();
  const instanceIds = [...new Set(hosts.map((row) => row.cloud_instance_id as string))].sort();
  const seen = [];
  for (const instanceId of instanceIds) {
    const row = await refreshInstance(db, connector, secretKey, instanceId);
    seen.push({ instanceId, state: row.state, privateAddress: row.private_address });
  }
  return seen;
}
