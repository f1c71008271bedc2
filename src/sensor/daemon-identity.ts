/**
 * Which Docker daemon a sensor serves: the daemon's own id (`docker info`'s ID), which a CI
 * connector reads from the same daemon to check that a live CI-mode sensor serves it. Podman's
 * service may answer without one; then its host name and the address stand in.
 */
import { createHash } from 'node:crypto';
import { describeDockerError, dial, type DockerConnection } from '../image/docker/connection.js';

export interface DaemonIdentity {
  daemonId: string;
  name: string;
}

export async function daemonIdentity(connection: DockerConnection): Promise<DaemonIdentity> {
  let info: { ID?: string; Name?: string };
  try {
    info = await dial<{ ID?: string; Name?: string }>(connection.modem, { path: '/info', method: 'GET', statusCodes: { 200: true, 500: 'server error' } });
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
  const name = info.Name || 'unknown';
  const daemonId = info.ID || `addr-${createHash('sha256').update(`${name} ${connection.address.text}`).digest('hex').slice(0, 32)}`;
  return { daemonId, name };
}
