/**
 * The JSON documents of the OCI image spec and Docker's image formats, as far as a scanner reads
 * them, and validation of the untrusted values that address files (digests).
 */
import { ImageError } from '../errors.js';

export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform & { 'os.version'?: string };
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion?: number;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  schemaVersion?: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: { Env?: string[]; Labels?: Record<string, string>; User?: string; Entrypoint?: string[]; Cmd?: string[] };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: HistoryEntry[];
}

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Validates a digest before it is used to name a file: nothing but `algorithm:hex` passes. */
export function assertDigest(value: unknown, context: string): string {
  if (typeof value !== 'string' || !DIGEST_PATTERN.test(value)) {
    throw new ImageError(`${context}: invalid digest ${JSON.stringify(value)}`);
  }
  return value;
}

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonDocument(bytes: Buffer, context: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImageError(`${context}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new ImageError(`${context}: expected a JSON object`);
  return parsed;
}

function parseDescriptor(value: unknown, context: string): Descriptor {
  if (!isObject(value)) throw new ImageError(`${context}: descriptor is not an object`);
  const descriptor: Descriptor = { digest: assertDigest(value.digest, context) };
  if (typeof value.mediaType === 'string') descriptor.mediaType = value.mediaType;
  if (typeof value.size === 'number' && Number.isSafeInteger(value.size) && value.size >= 0) descriptor.size = value.size;
  if (isObject(value.platform) && typeof value.platform.os === 'string' && typeof value.platform.architecture === 'string') {
    descriptor.platform = { os: value.platform.os, architecture: value.platform.architecture };
    if (typeof value.platform.variant === 'string') descriptor.platform.variant = value.platform.variant;
  }
  if (isObject(value.annotations)) {
    descriptor.annotations = Object.fromEntries(
      Object.entries(value.annotations).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }
  return descriptor;
}

export function parseIndex(document: Record<string, unknown>, context: string): ImageIndex {
  if (!Array.isArray(document.manifests)) throw new ImageError(`${context}: index has no "manifests" list`);
  return {
    ...(typeof document.mediaType === 'string' ? { mediaType: document.mediaType } : {}),
    manifests: document.manifests.map((entry, i) => parseDescriptor(entry, `${context}: manifests[${i}]`)),
  };
}

export function parseManifest(document: Record<string, unknown>, context: string): ImageManifest {
  if (!Array.isArray(document.layers)) throw new ImageError(`${context}: manifest has no "layers" list`);
  return {
    ...(typeof document.mediaType === 'string' ? { mediaType: document.mediaType } : {}),
    config: parseDescriptor(document.config, `${context}: config`),
    layers: document.layers.map((entry, i) => parseDescriptor(entry, `${context}: layers[${i}]`)),
  };
}

/** Reads the fields of an image config that the scan uses; ignores everything else. */
export function parseImageConfig(document: Record<string, unknown>, context: string): ImageConfig {
  const config: ImageConfig = {};
  for (const key of ['architecture', 'os', 'variant', 'created'] as const) {
    if (typeof document[key] === 'string') config[key] = document[key];
  }
  const rootfs = document.rootfs;
  if (isObject(rootfs) && Array.isArray(rootfs.diff_ids)) {
    config.rootfs = { diff_ids: rootfs.diff_ids.map((id, i) => assertDigest(id, `${context}: rootfs.diff_ids[${i}]`)) };
  }
  if (Array.isArray(document.history)) {
    config.history = document.history.filter(isObject).map((entry) => ({
      ...(typeof entry.created === 'string' ? { created: entry.created } : {}),
      ...(typeof entry.created_by === 'string' ? { created_by: entry.created_by } : {}),
      ...(entry.empty_layer === true ? { empty_layer: true } : {}),
      ...(typeof entry.comment === 'string' ? { comment: entry.comment } : {}),
    }));
  }
  return config;
}

/**
 * The `created_by` line of each layer: history entries that are not `empty_layer` pair with the
 * layers in order. When the counts disagree the history cannot be trusted and nothing is paired.
 */
export function createdByPerLayer(config: ImageConfig, layerCount: number): (string | undefined)[] {
  const nonEmpty = (config.history ?? []).filter((entry) => !entry.empty_layer);
  if (nonEmpty.length !== layerCount) return new Array<string | undefined>(layerCount).fill(undefined);
  return nonEmpty.map((entry) => entry.created_by);
}
