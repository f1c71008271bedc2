/**
 * Images whose metadata lies, written file by file: a config naming diff ids its layers do not
 * have, a manifest listing one layer many times. The honest builders (image-builder.ts) cannot
 * write these.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTar, sha256 } from './image-builder.js';

export interface RawImage {
  /** Stored layer blobs (a tar, gzip or zstd), in the order the manifest lists them. */
  blobs: readonly Buffer[];
  /** The config's rootfs.diff_ids, true or not. */
  diffIds: readonly string[];
}

function configOf(diffIds: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }));
}

/** A legacy `docker save` archive: each distinct blob once, listed by the manifest as `blobs` says. */
export async function rawDockerArchive(image: RawImage): Promise<Buffer> {
  const config = configOf(image.diffIds);
  const configName = `${sha256(config).slice(7)}.json`;
  const names = new Map<string, string>();
  const entries: Parameters<typeof makeTar>[0][number][] = [{ type: 'file', name: configName, content: config }];
  const layers = image.blobs.map((blob) => {
    const hex = sha256(blob).slice(7);
    let name = names.get(hex);
    if (!name) {
      name = `${hex}/layer.tar`;
      names.set(hex, name);
      entries.push({ type: 'file', name, content: blob });
    }
    return name;
  });
  entries.push({ type: 'file', name: 'manifest.json', content: JSON.stringify([{ Config: configName, RepoTags: ['forged:latest'], Layers: layers }]) });
  return makeTar(entries);
}

/** An OCI layout tagged `tag`; `blobFiles` overrides what is written under a digest's name. */
export async function writeRawOciLayout(layout: string, image: RawImage & { tag: string; blobFiles?: ReadonlyMap<string, Buffer> }): Promise<void> {
  const blobs = path.join(layout, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (bytes: Buffer): Promise<{ digest: string; size: number }> => {
    const digest = sha256(bytes);
    await writeFile(path.join(blobs, digest.slice(7)), image.blobFiles?.get(digest) ?? bytes);
    return { digest, size: bytes.length };
  };
  const config = await put(configOf(image.diffIds));
  const layers = [];
  for (const blob of image.blobs) layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...(await put(blob)) });
  const manifest = await put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers })));
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': image.tag } }] }),
  );
}
