/**
 * The one list of image sources, and the parsing of image references (DESIGN.md, "Image
 * references"): `docker-archive:<file.tar>`, `oci:<dir>[:tag]`, `dir:<rootfs>`.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { ImageSourceType } from '../model/image-scan.js';
import { resolveLimits, type ScanLimits } from './limits.js';
import type { Platform } from './oci-types.js';
import { DEFAULT_PLATFORM } from './platform.js';
import type { DockerConnectionOptions } from './docker/connection.js';
import type { ImageMetadataStore, ImageSource } from './source.js';
import type { RegistryClientOptions } from './registry/client.js';
import { ImageError, messageOf } from '../errors.js';


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

// Each source's module is loaded when a reference needs it: the Docker client and the HTTP stack
// are large, and most scans use neither.
export const IMAGE_SOURCES: readonly ImageSourceOpener[] = [
  {
    type: 'docker-archive',
    open: async (rest, reference, o) => {
      const { DockerArchiveSource, parseDockerArchiveReference } = await import('./sources/docker-archive.js');
      return DockerArchiveSource.open(reference, parseDockerArchiveReference(rest, isFile), o.limits);
    },
  },
  {
    type: 'oci',
    open: async (rest, reference, o) => {
      const { OciLayoutSource, parseOciReference } = await import('./sources/oci-layout.js');
      return OciLayoutSource.open(reference, parseOciReference(rest, isDirectory), o.platform, o.limits);
    },
  },
  { type: 'dir', open: async (rest, reference, o) => (await import('./sources/directory.js')).DirectorySource.open(reference, rest, o.limits) },
  { type: 'docker', open: async (rest, reference, o) => (await import('./sources/docker-daemon.js')).DockerDaemonSource.open(reference, rest, o) },
  { type: 'registry', open: async (rest, reference, o) => (await import('./sources/registry.js')).RegistrySource.open(reference, rest, o) },
];

const opener = (type: ImageSourceType): ImageSourceOpener => IMAGE_SOURCES.find((candidate) => candidate.type === type) as ImageSourceOpener;

/** A bare name (`alpine:3.19`, `ghcr.io/org/app@sha256:...`): the daemon first, then the registry. */
async function openBareName(reference: string, context: SourceContext): Promise<ImageSource> {
  let daemonProblem: string;
  try {
    return await opener('docker').open(reference, reference, context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    daemonProblem = messageOf(error);
  }
  try {
    return await opener('registry').open(reference, reference, context);
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
