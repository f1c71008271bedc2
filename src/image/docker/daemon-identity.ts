/**
 * Which Docker daemon an image lives in, as a sensor registers it and a CI connector looks it up:
 * Docker Engine's own id (`GET /info` `ID`). Podman's Docker-compatible service answers a new
 * random `ID` on every `/info` call, so for Podman (named in `GET /version`'s components) the id
 * is made from its host name and storage root instead, the same for every caller of one service.
 * A daemon that answers no id at all gets one from its host name and address.
 */
import { createHash } from 'node:crypto';
import { describeDockerError, dial, type DockerConnection } from './connection.js';

export interface DaemonIdentity {
  daemonId: string;
  name: string;
}

export interface DaemonInfo {
  ID?: unknown;
  Name?: unknown;
  DockerRootDir?: unknown;
}

export interface DaemonVersion {
  Components?: unknown;
}

const hashed = (prefix: string, text: string): string => `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

/** The identity from the answers of `/info` and `/version`; `address` stands in when nothing else does. */
export function identityOf(info: DaemonInfo, version: DaemonVersion | undefined, address: string): DaemonIdentity {
  const name = typeof info.Name === 'string' && info.Name !== '' ? info.Name : 'unknown';
  const components = Array.isArray(version?.Components) ? (version.Components as { Name?: unknown }[]) : [];
  const podman = components.some((component) => typeof component?.Name === 'string' && /podman/i.test(component.Name));
  if (podman) return { daemonId: hashed('podman', `${name} ${typeof info.DockerRootDir === 'string' ? info.DockerRootDir : ''}`), name };
  if (typeof info.ID === 'string' && info.ID !== '') return { daemonId: info.ID, name };
  return { daemonId: hashed('addr', `${name} ${address}`), name };
}

export async function daemonIdentity(connection: DockerConnection): Promise<DaemonIdentity> {
  let info: DaemonInfo;
  try {
    info = await dial<DaemonInfo>(connection.modem, { path: '/info', method: 'GET', statusCodes: { 200: true, 500: 'server error' } });
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
  const version = await dial<DaemonVersion>(connection.modem, { path: '/version', method: 'GET', statusCodes: { 200: true, 500: 'server error' } }).catch(() => undefined);
  return identityOf(info, version, connection.address.text);
}
