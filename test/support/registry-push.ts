/**
 * Pushes hand-made images to a test registry over the registry API (monolithic blob uploads, a
 * manifest PUT), for shapes ordinary tools never produce: a manifest without `mediaType`, an
 * uncompressed layer labelled as gzip.
 */
import { createHash } from 'node:crypto';
import { buildLayers, imageConfig, type TestLayer } from './image-builder.js';

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function pushBlob(base: string, repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
  return digest;
}

export interface RawPushOptions {
  layers: TestLayer[];
  /** Leave `mediaType` out of the manifest body (the Content-Type header still says it). */
  omitMediaType?: boolean;
}

/** Returns the manifest digest. */
export async function pushRawImage(base: string, repository: string, tag: string, options: RawPushOptions): Promise<string> {
  const layers = await buildLayers(options.layers);
  const config = imageConfig(layers);
  const configDigest = await pushBlob(base, repository, config);
  for (const layer of layers) await pushBlob(base, repository, layer.blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      ...(options.omitMediaType ? {} : { mediaType: 'application/vnd.oci.image.manifest.v1+json' }),
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.blob.length })),
    }),
  );
  const put = await fetch(`${base}/v2/${repository}/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  if (put.status !== 201) throw new Error(`manifest upload: HTTP ${put.status} ${await put.text()}`);
  return sha256(manifest);
}
