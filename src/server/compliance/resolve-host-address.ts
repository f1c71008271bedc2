/**
 * The address a compliance scan connects to, fixed when the scan is launched. A host with an
 * address is scanned there; a host known only by name is scanned by its name; a host that is a
 * cloud instance (cloudInstanceId + cloudConnector) is resolved through its cloud connector
 * (src/server/cloud/resolve-cloud-address.ts). A cloud host that cannot be scanned now (connector
 * disabled, instance not found, not running) is not a refused launch: its scan is recorded in
 * state Error with the resolution's code and message, as the compliance connectors report it.
 */
import type { Kysely } from 'kysely';
import { CloudResolutionError, resolveCloudAddress } from '../cloud/resolve-cloud-address.js';
import type { Tables } from '../store/tables.js';
import type { SecretKey } from './secrets/secret-key.js';

export interface HostToResolve {
  name: string;
  address: string | null;
  cloudInstanceId: string | null;
  cloudConnector: string | null;
}

export type ResolvedAddress = { address: string } | { unresolved: { code: string; message: string } };

export async function resolveHostAddress(db: Kysely<Tables>, host: HostToResolve, secretKey: SecretKey | undefined): Promise<ResolvedAddress> {
  if (host.cloudInstanceId === null || host.cloudConnector === null) return { address: host.address ?? host.name };
  try {
    return { address: await resolveCloudAddress(db, secretKey, { name: host.name, cloudInstanceId: host.cloudInstanceId, cloudConnector: host.cloudConnector }) };
  } catch (error) {
    if (error instanceof CloudResolutionError) return { unresolved: { code: error.code, message: error.message } };
    throw error;
  }
}
