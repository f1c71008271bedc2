/**
 * The address a compliance scan connects to, fixed when the scan is launched. A host with an
 * address is scanned there; a host known only by name is scanned by its name; a host that is a
 * cloud instance (cloudInstanceId + cloudConnector) is resolved through its cloud connector.
 *
 * This is the one hook for cloud resolution (issue 14 implements the connectors): until a connector
 * can answer, launching a scan of a cloud-only host is refused with a 409 naming the reason.
 */
import type { Kysely } from 'kysely';
import { ApiError } from '../api/api-error.js';
import type { Tables } from '../store/tables.js';

export interface HostToResolve {
  name: string;
  address: string | null;
  cloudInstanceId: string | null;
  cloudConnector: string | null;
}

export async function resolveHostAddress(_db: Kysely<Tables>, host: HostToResolve): Promise<string> {
  if (host.cloudInstanceId !== null && host.cloudConnector !== null) {
    throw new ApiError(409, 'cloud_resolution_unavailable', `host ${host.name} is cloud instance ${host.cloudInstanceId} of connector ${host.cloudConnector}, and this server cannot resolve cloud instances yet`, 'body.host');
  }
  return Promise.resolve(host.address ?? host.name);
}
