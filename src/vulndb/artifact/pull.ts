/**
 * `db pull` and the scan's first-use and refresh pulls: fetch a database artifact from the first
 * repository of a list that delivers a good one, verifying while streaming (install.ts), and swap
 * it in under the database's write lock. A repository that rate-limits (HTTP 429), fails, stalls
 * or serves a bad artifact is reported and the next one is tried; the database in place keeps
 * working whatever happens.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { DatabaseError, ScanError, UsageError, messageOf } from '../../errors.js';
import { RegistryClient } from '../../image/registry/client.js';
import { bodyStream, httpClient, type HttpClient } from '../../util/http.js';
import { withDatabaseLock } from '../lock.js';
import { SCHEMA_VERSION } from '../schema.js';
import { ANNOTATION_SCHEMA_VERSION, ARTIFACT_LAYER_MEDIA_TYPE, ARTIFACT_TYPE } from './format.js';
import { installArtifact, type InstallResult } from './install.js';
import { parseArtifactLocation, type ArtifactLocation } from './repository.js';
import type { TrustedKey } from './signing.js';

export interface PullOptions {
  /** Repositories in the order they are tried (repository.ts). */
  repositories: readonly string[];
  /** Accept self-signed certificates and plain HTTP from registries (`--registry-insecure`). */
  insecureRegistry?: boolean;
  trustedKeys?: readonly TrustedKey[];
  skipSignature?: boolean;
  /** Give up on a download that delivers nothing for this long (default 60 s). */
  stallTimeoutMs?: number;
  /** Whole-request timeout per repository (default 30 minutes). */
  timeoutMs?: number;
  lockTimeoutMs?: number;
  /** Refuse an artifact older than this build time (the installed database's). */
  notBefore?: string;
  onProgress?: (message: string) => void;
  /** A repository failed and the next one will be tried. */
  onFallback?: (repository: string, error: Error) => void;
  env?: NodeJS.ProcessEnv;
}

export interface PullResult extends InstallResult {
  repository: string;
}

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json'];
const DEFAULT_STALL_MS = 60_000;

/** Fails the stream when no byte arrives for `ms`: a server that hangs mid-blob. */
function stallGuard(ms: number, label: string): Transform {
  let timer: NodeJS.Timeout | undefined;
  const guard: Transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      arm();
      callback(null, chunk);
    },
    flush(callback) {
      clearTimeout(timer);
      callback();
    },
    destroy(error, callback) {
      clearTimeout(timer);
      callback(error);
    },
  });
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => guard.destroy(new DatabaseError(`${label}: the download stalled (nothing for ${Math.round(ms / 1000)} s)`)), ms);
    timer.unref();
  };
  arm();
  return guard;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

interface Opened {
  stream: Readable;
  expectedDigest?: string;
  expectedSize?: number;
  close(): Promise<void>;
}

async function openOci(location: Extract<ArtifactLocation, { kind: 'oci' }>, options: PullOptions): Promise<Opened> {
  const client = new RegistryClient(location.reference, { ...(options.insecureRegistry ? { insecure: true } : {}), ...(options.env ? { env: options.env } : {}), timeoutMs: options.timeoutMs ?? 30 * 60_000 });
  try {
    const tagOrDigest = location.reference.digest ?? location.reference.tag ?? String(SCHEMA_VERSION);
    const { bytes } = await client.manifest(tagOrDigest, MANIFEST_TYPES, 1024 * 1024);
    let manifest: { artifactType?: unknown; annotations?: Record<string, unknown>; layers?: { mediaType?: unknown; digest?: unknown; size?: unknown }[] };
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as typeof manifest;
    } catch {
      throw new DatabaseError(`${location.label}: the manifest is not JSON`);
    }
    if (location.reference.digest) {
      const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (actual !== location.reference.digest) throw new DatabaseError(`${location.label}: the manifest's digest is ${actual}; refusing it`);
    }
    const layer = Array.isArray(manifest.layers) ? manifest.layers.find((candidate) => candidate.mediaType === ARTIFACT_LAYER_MEDIA_TYPE) : undefined;
    if (manifest.artifactType !== ARTIFACT_TYPE || !layer || typeof layer.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(layer.digest) || typeof layer.size !== 'number') {
      throw new DatabaseError(`${location.label}: not a Tollgate database artifact (expected artifactType ${ARTIFACT_TYPE} with a ${ARTIFACT_LAYER_MEDIA_TYPE} layer)`);
    }
    const schema = manifest.annotations?.[ANNOTATION_SCHEMA_VERSION];
    if (schema !== undefined && schema !== String(SCHEMA_VERSION)) {
      throw new DatabaseError(`${location.label}: the database has schema version ${String(schema).slice(0, 20)}; this tollgate reads version ${SCHEMA_VERSION}`, { hint: Number(schema) > SCHEMA_VERSION ? 'upgrade tollgate' : `pull the tag for schema version ${SCHEMA_VERSION}` });
    }
    const stream = await client.blobStream(layer.digest);
    return { stream, expectedDigest: layer.digest, expectedSize: layer.size, close: () => client.close() };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The most a mirror index (a Tollgate server's `GET /api/v1/vulndb`) may be: it is a small JSON document. */
const MIRROR_INDEX_LIMIT = 64 * 1024;

/** The body as text, or undefined (and the rest not read) once it passes `limit` bytes. */
async function boundedText(response: Response, limit: number): Promise<string | undefined> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
}

/**
 * A Tollgate server's mirror index (`{ digest, size, url }`, DESIGN "A database mirror"): where the
 * artifact is, relative to the index, and the digest the server computed, which the download must
 * then match. Anything else in JSON is not an artifact and is refused.
 */
async function mirrorIndexTarget(response: Response, label: string, base: string): Promise<{ url: string; digest?: string }> {
  const text = await boundedText(response, MIRROR_INDEX_LIMIT);
  if (text === undefined) throw new DatabaseError(`${label}: answered a JSON document over ${MIRROR_INDEX_LIMIT} bytes, not a database artifact`);
  let index: { url?: unknown; digest?: unknown };
  try {
    index = JSON.parse(text) as typeof index;
  } catch {
    throw new DatabaseError(`${label}: answered invalid JSON, not a database artifact`);
  }
  if (typeof index !== 'object' || index === null || typeof index.url !== 'string') throw new DatabaseError(`${label}: answered JSON without an artifact url; name the artifact file or a Tollgate server's /api/v1/vulndb`);
  let url: URL;
  try {
    url = new URL(index.url, base);
  } catch {
    throw new DatabaseError(`${label}: the mirror index names an invalid artifact url`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DatabaseError(`${label}: the mirror index names a non-HTTP artifact url`);
  const digest = typeof index.digest === 'string' && /^sha256:[a-f0-9]{64}$/.test(index.digest) ? index.digest : undefined;
  return { url: url.toString(), ...(digest ? { digest } : {}) };
}

async function fetchArtifactResponse(http: HttpClient, url: string, label: string, options: PullOptions): Promise<Response> {
  let response: Response;
  try {
    response = await http.fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? 30 * 60_000), headers: { 'user-agent': 'tollgate' } });
  } catch (error) {
    throw new ScanError(`cannot reach ${label}: ${messageOf((error as { cause?: unknown }).cause ?? error)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new ScanError(response.status === 429 ? `${label} is rate limiting (HTTP 429)` : `${label}: HTTP ${response.status}`);
  }
  return response;
}

async function openHttps(location: Extract<ArtifactLocation, { kind: 'https' }>, options: PullOptions): Promise<Opened> {
  const http = await httpClient();
  try {
    let response = await fetchArtifactResponse(http, location.url, location.label, options);
    let expectedDigest: string | undefined;
    // A Tollgate server named by its mirror index: one hop to the artifact the index names, whose digest it states.
    if (/^application\/json\b/i.test(response.headers.get('content-type') ?? '')) {
      const target = await mirrorIndexTarget(response, location.label, response.url || location.url);
      expectedDigest = target.digest;
      response = await fetchArtifactResponse(http, target.url, location.label, options);
      if (/^application\/json\b/i.test(response.headers.get('content-type') ?? '')) {
        await response.body?.cancel();
        throw new DatabaseError(`${location.label}: the mirror index points at another JSON document, not a database artifact`);
      }
    }
    const length = Number(response.headers.get('content-length'));
    const body = response.body as ReadableStream<Uint8Array>;
    return { stream: bodyStream(body), ...(expectedDigest ? { expectedDigest } : {}), ...(Number.isSafeInteger(length) && length > 0 ? { expectedSize: length } : {}), close: () => http.close() };
  } catch (error) {
    await http.close();
    throw error;
  }
}

async function openFile(location: Extract<ArtifactLocation, { kind: 'file' }>): Promise<Opened> {
  const info = await stat(location.path).catch(() => undefined);
  // A FIFO or a device would block or never end: only a regular file is read.
  if (!info?.isFile()) throw new UsageError(`${location.path}: not a regular file`);
  return { stream: createReadStream(location.path), expectedSize: info.size, close: async () => {} };
}

function open(location: ArtifactLocation, options: PullOptions): Promise<Opened> {
  if (location.kind === 'oci') return openOci(location, options);
  if (location.kind === 'https') return openHttps(location, options);
  return openFile(location);
}

/** Pulls from one location; the caller holds the lock. */
async function pullFrom(location: ArtifactLocation, target: string, options: PullOptions): Promise<InstallResult> {
  const opened = await open(location, options);
  try {
    const guarded = opened.stream.pipe(stallGuard(options.stallTimeoutMs ?? DEFAULT_STALL_MS, location.label));
    opened.stream.on('error', (error) => guarded.destroy(error));
    let reported = 0;
    return await installArtifact(guarded, target, {
      origin: location.label,
      ...(opened.expectedDigest ? { expectedDigest: opened.expectedDigest } : {}),
      ...(opened.expectedSize !== undefined ? { expectedSize: opened.expectedSize } : {}),
      ...(options.trustedKeys ? { trustedKeys: options.trustedKeys } : {}),
      ...(options.skipSignature ? { skipSignature: true } : {}),
      ...(options.notBefore ? { notBefore: options.notBefore } : {}),
      onProgress: (received, total) => {
        if (received - reported < 1_000_000 && received !== total) return;
        reported = received;
        options.onProgress?.(`Downloading the vulnerability database from ${location.label}: ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}`);
      },
    });
  } finally {
    // A failed install leaves the download half-read: end it, or its socket keeps the process alive.
    if (!opened.stream.readableEnded) opened.stream.destroy();
    await opened.close();
  }
}

/** Tries each repository in order without taking the lock (the caller holds it). */
export async function pullDatabaseLocked(target: string, options: PullOptions): Promise<PullResult> {
  const locations = options.repositories.map(parseArtifactLocation);
  const failures: string[] = [];
  for (const [index, location] of locations.entries()) {
    try {
      options.onProgress?.(`Downloading the vulnerability database from ${location.label}`);
      return { ...(await pullFrom(location, target, options)), repository: location.label };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const message = messageOf(failure);
      const hint = (failure as { hint?: unknown }).hint;
      failures.push(`${message.startsWith(location.label) ? '' : `${location.label}: `}${message}${typeof hint === 'string' ? ` (${hint})` : ''}`);
      if (index < locations.length - 1) options.onFallback?.(location.label, failure);
    }
  }
  throw new DatabaseError(`no repository delivered a usable vulnerability database:\n  ${failures.join('\n  ')}`, {
    hint: 'name a reachable mirror with --db-repository (or TOLLGATE_DB_REPOSITORY), import OSV data offline with tollgate db import, or scan with the database you have using --skip-db-update',
  });
}

/** `db pull`: takes the database's write lock, then pulls. */
export function pullDatabase(target: string, options: PullOptions): Promise<PullResult> {
  return withDatabaseLock(target, () => pullDatabaseLocked(target, options), { ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}), onWait: () => options.onProgress?.(`Waiting for another tollgate writing ${target}`) });
}
