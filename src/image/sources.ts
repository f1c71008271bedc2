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
import { DirectorySource } from './sources/directory.js';
import { DockerArchiveSource, parseDockerArchiveReference } from './sources/docker-archive.js';
import { OciLayoutSource, parseOciReference } from './sources/oci-layout.js';

export interface OpenImageOptions {
  platform?: Platform;
  limits?: Partial<ScanLimits>;
  docker?: DockerConnectionOptions;
  /** Where sources keep small metadata between scans (the layer cache). */
  metadata?: ImageMetadataStore;
}

export interface SourceContext {
  platform: Platform;
  limits: ScanLimits;
  docker?: DockerConnectionOptions;
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
];

export function splitReference(reference: string): { opener: ImageSourceOpener; rest: string } {
  const colon = reference.indexOf(':');
  const scheme = colon > 0 ? reference.slice(0, colon) : '';
  const opener = IMAGE_SOURCES.find((candidate) => candidate.type === scheme);
  if (!opener) {
    const known = IMAGE_SOURCES.map((candidate) => `${candidate.type}:`).join(', ');
    throw new UsageError(`cannot tell where image "${reference}" comes from; prefix it with one of ${known}`);
  }
  return { opener, rest: reference.slice(colon + 1) };
}

export async function openImage(reference: string, options: OpenImageOptions = {}): Promise<ImageSource> {
  const { opener, rest } = splitReference(reference);
  return opener.open(rest, reference, {
    platform: options.platform ?? DEFAULT_PLATFORM,
    limits: resolveLimits(options.limits),
    ...(options.docker ? { docker: options.docker } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}
