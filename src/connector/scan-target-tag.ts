/**
 * The image side of the sensor protocol: resolve what the pipeline names (name, short or full id,
 * digest) to the Docker image id, learn which daemon holds it (its daemon identity, the key a
 * sensor registers with: see image/docker/daemon-identity.ts), and mark it `tollgate_scan_target:<hex>` for a CI-mode sensor there.
 * It only adds that tag: removing it after the scan is the sensor's job.
 */
import { ScanError } from '../errors.js';
import { connectDocker, type DockerConnection, type DockerConnectionOptions } from '../image/docker/connection.js';
import { daemonIdentity } from '../image/docker/daemon-identity.js';
import { inspectImage, tagImage } from '../image/docker/operations.js';

/** The repository name of the marker tag; the tag is the image id's hex. */
export const SCAN_TARGET_REPOSITORY = 'tollgate_scan_target';

export interface DockerTarget {
  /** What the pipeline wrote. */
  reference: string;
  /** `sha256:<hex>`: the image id, the key the platform answers by. */
  imageId: string;
  repoTags: string[];
}

export interface MarkingDaemon {
  connection: DockerConnection;
  /** The daemon's identity, as sensors register it. */
  daemonId: string;
}

export async function connectMarkingDaemon(options: DockerConnectionOptions): Promise<MarkingDaemon> {
  const connection = await connectDocker(options);
  return { connection, daemonId: (await daemonIdentity(connection)).daemonId };
}

export async function resolveDockerTarget(daemon: MarkingDaemon, reference: string): Promise<DockerTarget> {
  // `docker:` is the CLI's prefix for the daemon source; the daemon itself knows only the rest.
  const name = reference.startsWith('docker:') ? reference.slice('docker:'.length) : reference;
  const info = await inspectImage(daemon.connection, name);
  if (!/^sha256:[0-9a-f]{64}$/.test(info.id)) throw new ScanError(`the Docker daemon at ${daemon.connection.address.text} gave "${reference}" an image id that is not a sha256 digest`);
  return { reference, imageId: info.id, repoTags: info.repoTags };
}

export function scanTargetTagOf(imageId: string): string {
  return `${SCAN_TARGET_REPOSITORY}:${imageId.slice('sha256:'.length)}`;
}

export async function markForScan(daemon: MarkingDaemon, target: DockerTarget): Promise<string> {
  await tagImage(daemon.connection, target.imageId, SCAN_TARGET_REPOSITORY, target.imageId.slice('sha256:'.length));
  return scanTargetTagOf(target.imageId);
}
