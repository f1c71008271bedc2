/**
 * `db push`: publishes an artifact file to an OCI registry as an OCI 1.1 artifact: the empty
 * config, the artifact file as its one layer, `artifactType` and annotations carrying the schema
 * version and build time (readable from the manifest alone). Uses the image registry client, so
 * credentials come from the Docker config as for pulls. The artifact is checked before upload:
 * only a file that would install is published.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { RegistryClient } from '../../image/registry/client.js';
import { formatReference } from '../../image/registry/reference.js';
import { ANNOTATION_CREATED, ANNOTATION_SCHEMA_VERSION, ANNOTATION_TITLE, ARTIFACT_LAYER_MEDIA_TYPE, ARTIFACT_TYPE, EMPTY_CONFIG } from './format.js';
import { parseArtifactLocation } from './repository.js';
import { readArtifactMetadata } from './inspect.js';
import type { TrustedKey } from './signing.js';

export interface PushOptions {
  insecureRegistry?: boolean;
  /** Keys the artifact's signature must verify against (the pinned ones by default). */
  trustedKeys?: readonly TrustedKey[];
  /** Extra tags besides the schema version's (e.g. a build stamp). */
  extraTags?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface PushResult {
  reference: string;
  manifestDigest: string;
  artifactDigest: string;
  size: number;
  tags: string[];
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

export async function pushArtifact(file: string, target: string, options: PushOptions = {}): Promise<PushResult> {
  const location = parseArtifactLocation(target);
  if (location.kind !== 'oci') throw new UsageError(`${target}: db push publishes to an OCI registry (host/repository[:tag])`);
  const metadata = await readArtifactMetadata(file, options.trustedKeys ? { trustedKeys: options.trustedKeys } : {});
  const size = (await stat(file)).size;
  const artifactDigest = await fileDigest(file);
  const configDigest = sha256(EMPTY_CONFIG.bytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: ARTIFACT_TYPE,
      config: { mediaType: EMPTY_CONFIG.mediaType, digest: configDigest, size: EMPTY_CONFIG.bytes.length, data: EMPTY_CONFIG.bytes.toString('base64') },
      layers: [{ mediaType: ARTIFACT_LAYER_MEDIA_TYPE, digest: artifactDigest, size, annotations: { [ANNOTATION_TITLE]: 'tollgate-db.tar' } }],
      annotations: { [ANNOTATION_SCHEMA_VERSION]: String(metadata.schemaVersion), [ANNOTATION_CREATED]: metadata.builtAt },
    }),
  );
  const reference = location.reference;
  const tags = [...new Set([reference.tag ?? String(metadata.schemaVersion), ...(options.extraTags ?? [])])];
  const client = new RegistryClient(reference, { actions: 'pull,push', ...(options.insecureRegistry ? { insecure: true } : {}), ...(options.env ? { env: options.env } : {}), timeoutMs: 60 * 60_000 });
  try {
    if (!(await client.hasBlob(configDigest))) await client.pushBlob(configDigest, EMPTY_CONFIG.bytes);
    if (!(await client.hasBlob(artifactDigest))) await client.pushBlob(artifactDigest, await openAsBlob(file));
    for (const tag of tags) await client.pushManifest(tag, 'application/vnd.oci.image.manifest.v1+json', manifest);
  } finally {
    await client.close();
  }
  return { reference: formatReference({ ...reference, tag: tags[0] as string }), manifestDigest: sha256(manifest), artifactDigest, size, tags };
}
