/**
 * Image operations on a Docker Engine for the platform (the sensor and the CI connectors): resolve a
 * reference to the image id, tag an image for scanning, remove that tag, list images, and follow the
 * image events stream.
 */
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { ImageError, messageOf } from '../../errors.js';
import { describeDockerError, dial, type DockerConnection } from './connection.js';

export interface DockerImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  size?: number;
  diffIds: string[];
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** Resolves a name, short id, full id or digest (`name@sha256:...` or a bare repo digest) to the image. */
export async function inspectImage(connection: DockerConnection, reference: string): Promise<DockerImageInfo> {
  const inspect = (name: string): Promise<Docker.ImageInspectInfo> => dial(connection.modem, { path: `/images/${name}/json`, method: 'GET', statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } });
  let info: Docker.ImageInspectInfo;
  try {
    info = await inspect(reference);
  } catch (error) {
    if (statusOf(error) !== 404) throw describeDockerError(error, connection.address);
    const byRepoDigest = /^sha256:[a-f0-9]{64}$/.test(reference) ? (await listImages(connection)).find((image) => image.RepoDigests?.some((digest) => digest.endsWith(`@${reference}`))) : undefined;
    if (!byRepoDigest) throw new ImageError(`the Docker daemon at ${connection.address.text} has no image "${reference}"`, { hint: 'build or pull it first, or name it by repo:tag, id or digest' });
    info = await inspect(byRepoDigest.Id);
  }
  return {
    id: info.Id,
    repoTags: info.RepoTags ?? [],
    repoDigests: info.RepoDigests ?? [],
    ...(info.Os ? { os: info.Os } : {}),
    ...(info.Architecture ? { architecture: info.Architecture } : {}),
    ...((info as { Variant?: string }).Variant ? { variant: (info as { Variant?: string }).Variant as string } : {}),
    ...(info.Created ? { created: info.Created } : {}),
    ...(info.Size !== undefined ? { size: info.Size } : {}),
    diffIds: info.RootFS?.Layers ?? [],
  };
}

export async function exportImage(connection: DockerConnection, id: string): Promise<Readable> {
  try {
    // Through the modem, as the inspection is: loading dockerode (and the gRPC stack it brings)
    // only for this request cost a cold scan 0.1 s.
    return await dial<Readable>(connection.modem, { path: `/images/${id}/get`, method: 'GET', isStream: true, statusCodes: { 200: true, 404: 'no such image', 500: 'server error' } });
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
}

export async function listImages(connection: DockerConnection): Promise<Docker.ImageInfo[]> {
  try {
    return await (await connection.docker()).listImages({ all: false });
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
}

/** Tags `id` as `repo:tag` (e.g. `tollgate_scan_target:<sha>`). */
export async function tagImage(connection: DockerConnection, id: string, repo: string, tag: string): Promise<void> {
  try {
    await (await connection.docker()).getImage(id).tag({ repo, tag });
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
}

/**
 * Removes the tag `name` (repo:tag) without deleting the image's layers; refuses to remove an
 * image's only tag unless `allowLast` (removing it would make the image dangling).
 */
export async function untagImage(connection: DockerConnection, name: string, options: { allowLast?: boolean } = {}): Promise<'removed' | 'kept-only-tag'> {
  const info = await inspectImage(connection, name);
  if (!options.allowLast && info.repoTags.length <= 1) return 'kept-only-tag';
  try {
    await (await connection.docker()).getImage(name).remove({ noprune: true });
    return 'removed';
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
}

export interface ImageEvent {
  /** `image` or `container` (the object the event is about). */
  type?: string;
  /** Nanoseconds since the epoch, as the daemon counts them (tells apart events of one second). */
  timeNano?: number;
  action: string;
  id: string;
  time?: number;
  attributes: Record<string, string>;
}

/** Follows image events (tag, untag, load, pull, delete ...), and those of other `types` asked for, until `signal` aborts. */
export async function watchImageEvents(connection: DockerConnection, onEvent: (event: ImageEvent) => void, signal: AbortSignal, types: readonly ('image' | 'container')[] = ['image']): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await (await connection.docker()).getEvents({ filters: { type: [...types] } })) as NodeJS.ReadableStream;
  } catch (error) {
    throw describeDockerError(error, connection.address);
  }
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    const stop = (): void => {
      (stream as unknown as { destroy(): void }).destroy();
      resolve();
    };
    signal.addEventListener('abort', stop, { once: true });
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        try {
          const raw = JSON.parse(line) as { Type?: string; Action?: string; status?: string; id?: string; time?: number; timeNano?: number; Actor?: { ID?: string; Attributes?: Record<string, string> } };
          onEvent({
            action: raw.Action ?? raw.status ?? '',
            id: raw.Actor?.ID ?? raw.id ?? '',
            ...(raw.time ? { time: raw.time } : {}),
            attributes: raw.Actor?.Attributes ?? {},
            ...(raw.Type ? { type: raw.Type } : {}),
            ...(raw.timeNano ? { timeNano: raw.timeNano } : {}),
          });
        } catch (error) {
          reject(new ImageError(`unreadable Docker event: ${messageOf(error)}`));
        }
      }
    });
    stream.on('end', () => resolve());
    stream.on('error', (error) => (signal.aborted ? resolve() : reject(describeDockerError(error, connection.address))));
  });
}
