/**
 * The one list of image sources, and the parsing of image references (DESIGN.md, "Image
 * references"): `docker-archive:<file.tar>`, `oci:<dir>[:tag]`, `dir:<rootfs>`.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { ImageSourceType } from '../engine/scan-result.js';
import { resolveLimits, type ScanLimits } from './limits.js';
import type { Platform } from './oci-types.js';
import { DEFAULT_PLATFORM } from './platform.js';
import type { DockerConnectionOptions } from './docker/connection.js';
import type { ImageMetadataStore, ImageSource } from './source.js';
import { DockerDaemonSource } from './sources/docker-daemon.js';
import { RegistrySource } from './sources/registry.js';
import type { RegistryClientOptions } from './registry/client.js';
import { ImageError, messageOf } from '../errors.js';
import { DirectorySource } from './sources/directory.js';
import { DockerArchiveSource, parseDockerArchiveReference } from './sources/docker-archive.js';
import { OciLayoutSource, parseOciReference } from './sources/oci-layout.js';

export interface OpenImageOptions {
  platform?: Platform;
  limits?: Partial<ScanLimits>;
  docker?: DockerConnectionOptions;
  registry?: RegistryClientOptions;
  /** Where sources keep small metadata between scans (the layer cache). */
  metadata?: ImageMetadataStore;
}

export interface SourceContext {
  platform: Platform;
  limits: ScanLimits;
  docker?: DockerConnectionOptions;
  registry?: RegistryClientOptions;
  metadata?: ImageMetadataStore;
}

export interface ImageSourceOpener {
  readonly type: ImageSourceType;
  /** Opens the image named by the text after `<type>:`. */
  open(rest: string, reference: string, context: SourceContext): Promise<ImageSource>;
}

const isDirectory = (dir: string): boolean => existsSync(dir) && statSync(dir).isDirectory();
const isFile = (file: string): boolean => existsSync(file) && statSync(file).isFile();

export const IMAGE_SOURCES: readonly ImageSourceOpener[] = [
  { type: 'docker-archive', open: (rest, reference, o) => DockerArchiveSource.open(reference, parseDockerArchiveReference(rest, isFile), o.limits) },
  { type: 'oci', open: (rest, reference, o) => OciLayoutSource.open(reference, parseOciReference(rest, isDirectory), o.platform, o.limits) },
  { type: 'dir', open: (rest, reference, o) => DirectorySource.open(reference, rest, o.limits) },
  { type: 'docker', open: (rest, reference, o) => DockerDaemonSource.open(reference, rest, o) },
  { type: 'registry', open: (rest, reference, o) => RegistrySource.open(reference, rest, o) },
];

/** A bare name (`alpine:3.19`, `ghcr.io/org/app@sha256:...`): the daemon first, then the registry. */
async function openBareName(reference: string, context: SourceContext): Promise<ImageSource> {
  let daemonProblem: string;
  try {
    return await DockerDaemonSource.open(reference, reference, context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    daemonProblem = messageOf(error);
  }
  try {
    return await RegistrySource.open(reference, reference, context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new ImageError(`cannot find image "${reference}": not in the Docker daemon (${daemonProblem}), and the registry: ${messageOf(error)}`, { cause: error });
  }
}

/** The source named by a reference's prefix; undefined for a bare name. */
export function splitReference(reference: string): { opener: ImageSourceOpener; rest: string } | undefined {
  const colon = reference.indexOf(':');
  const scheme = colon > 0 ? reference.slice(0, colon) : '';
  const opener = IMAGE_SOURCES.find((candidate) => candidate.type === scheme);
  if (opener) return { opener, rest: reference.slice(colon + 1) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference) || reference.trim() === '') {
    const known = IMAGE_SOURCES.map((candidate) => `${candidate.type}:`).join(', ');
    throw new UsageError(`cannot tell where image "${reference}" comes from; prefix it with one of ${known}, or give a bare image name`);
  }
  return undefined;
}

export async function openImage(reference: string, options: OpenImageOptions = {}): Promise<ImageSource> {
  const context: SourceContext = {
    platform: options.platform ?? DEFAULT_PLATFORM,
    limits: resolveLimits(options.limits),
    ...(options.docker ? { docker: options.docker } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  const split = splitReference(reference);
  return split ? split.opener.open(split.rest, reference, context) : openBareName(reference, context);
}
