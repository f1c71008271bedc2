/**
 * The one list of image sources — each with its reference prefix, how a reference is written, a
 * description for help texts and its opener — and the parsing of image references (DESIGN.md,
 * "Image references"): `docker-archive:<file.tar>`, `oci:<dir>[:tag]`, `dir:<rootfs>`, ...; a bare
 * name tries the daemon, then the registry. A reference with a prefix no source has (a URL) is
 * refused, never guessed at.
 */
import { existsSync, statSync } from 'node:fs';
import { ImageError, messageOf, UsageError } from '../errors.js';
import type { ImageSourceType } from '../model/image-scan.js';
import { resolveLimits, withBudget, type ScanLimits } from './limits.js';
import type { Platform } from './oci-types.js';
import { DEFAULT_PLATFORM } from './platform.js';
import type { DockerConnectionOptions } from './docker/connection.js';
import type { ImageMetadataStore, ImageSource } from './source.js';
import type { RegistryClientOptions } from './registry/client.js';

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

/** One kind of image source: its reference prefix, how it is written and described, how it opens. */
export interface ImageSourceKind {
  /** The reference prefix without the colon, and the scan result's `image.source`. */
  readonly type: ImageSourceType;
  /** The module under src/image/sources/ that reads this kind (loaded when a reference needs it). */
  readonly module: string;
  /** How a reference of this kind is written: `oci:<dir>[:tag]`. */
  readonly syntax: string;
  /** What the reference names, in a few words for help texts. */
  readonly description: string;
  /** Opens the image named by the text after `<type>:`. */
  open(rest: string, reference: string, context: SourceContext): Promise<ImageSource>;
}

const isDirectory = (dir: string): boolean => existsSync(dir) && statSync(dir).isDirectory();
const isFile = (file: string): boolean => existsSync(file) && statSync(file).isFile();

/**
 * The one list of image sources. Adding a source: a module under src/image/sources/, its type in
 * ImageSourceType (src/model/image-scan.ts) and the scan-result schema, and one entry here. Each
 * source's module is loaded when a reference needs it: the Docker client and the HTTP stack are
 * large, and most scans use neither.
 */
export const IMAGE_SOURCES: readonly ImageSourceKind[] = [
  {
    type: 'docker-archive',
    module: 'docker-archive',
    syntax: 'docker-archive:<file.tar>',
    description: 'a tarball written by docker save',
    open: async (rest, reference, o) => {
      const { DockerArchiveSource, parseDockerArchiveReference } = await import('./sources/docker-archive.js');
      return DockerArchiveSource.open(reference, parseDockerArchiveReference(rest, isFile), o.limits, o.metadata);
    },
  },
  {
    type: 'oci',
    module: 'oci-layout',
    syntax: 'oci:<dir>[:tag]',
    description: 'an OCI image layout folder',
    open: async (rest, reference, o) => {
      const { OciLayoutSource, parseOciReference } = await import('./sources/oci-layout.js');
      return OciLayoutSource.open(reference, parseOciReference(rest, isDirectory), o.platform, o.limits, o.metadata);
    },
  },
  {
    type: 'dir',
    module: 'directory',
    syntax: 'dir:<rootfs>',
    description: 'an extracted root filesystem',
    open: async (rest, reference, o) => (await import('./sources/directory.js')).DirectorySource.open(reference, rest, o.limits),
  },
  {
    type: 'docker',
    module: 'docker-daemon',
    syntax: 'docker:<name|id|digest>',
    description: 'an image in a Docker daemon',
    open: async (rest, reference, o) => (await import('./sources/docker-daemon.js')).DockerDaemonSource.open(reference, rest, o),
  },
  {
    type: 'registry',
    module: 'registry',
    syntax: 'registry:<host/repo:tag>',
    description: 'an image pulled from a registry',
    open: async (rest, reference, o) => (await import('./sources/registry.js')).RegistrySource.open(reference, rest, o),
  },
  {
    type: 'sbom',
    module: 'sbom',
    syntax: 'sbom:<file>',
    description: 'a CycloneDX (JSON or XML) or SPDX 2.3 JSON SBOM, scanned for the packages it names',
    open: async (rest, reference) => (await import('./sources/sbom.js')).SbomSource.open(reference, rest),
  },
];

function sourceKind(type: ImageSourceType): ImageSourceKind {
  const kind = IMAGE_SOURCES.find((candidate) => candidate.type === type);
  if (!kind) throw new Error(`no image source "${type}" in the list`);
  return kind;
}

/** What the reference argument of a command accepts, from the list: for help texts. */
export function imageReferenceHelp(): string {
  return `image references: ${IMAGE_SOURCES.map((kind) => `${kind.syntax} (${kind.description})`).join(', ')}, or a bare name (daemon, then registry)`;
}

/** A bare name (`alpine:3.19`, `ghcr.io/org/app@sha256:...`): the daemon first, then the registry. */
async function openBareName(reference: string, context: SourceContext): Promise<ImageSource> {
  let daemonProblem: string;
  try {
    return await sourceKind('docker').open(reference, reference, context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    daemonProblem = messageOf(error);
  }
  try {
    return await sourceKind('registry').open(reference, reference, context);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new ImageError(`cannot find image "${reference}": not in the Docker daemon (${daemonProblem}), and the registry: ${messageOf(error)}`, { cause: error });
  }
}

/** The source named by a reference's prefix; undefined for a bare name. */
export function splitReference(reference: string): { kind: ImageSourceKind; rest: string } | undefined {
  const colon = reference.indexOf(':');
  const scheme = colon > 0 ? reference.slice(0, colon) : '';
  const kind = IMAGE_SOURCES.find((candidate) => candidate.type === scheme);
  if (kind) return { kind, rest: reference.slice(colon + 1) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference) || reference.trim() === '') {
    const known = IMAGE_SOURCES.map((candidate) => `${candidate.type}:`).join(', ');
    throw new UsageError(`cannot tell where image "${reference}" comes from; prefix it with one of ${known}, or give a bare image name`);
  }
  return undefined;
}

export async function openImage(reference: string, options: OpenImageOptions = {}): Promise<ImageSource> {
  const context: SourceContext = {
    platform: options.platform ?? DEFAULT_PLATFORM,
    // One budget per opened image: every layer read from it, deferred reads included, counts.
    limits: withBudget(resolveLimits(options.limits)),
    ...(options.docker ? { docker: options.docker } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  };
  const split = splitReference(reference);
  return split ? split.kind.open(split.rest, reference, context) : openBareName(reference, context);
}
