/**
 * Builds small images for tests, byte by byte: layer tars from entry lists (with tar-stream's
 * packer), compressed with gzip or zstd, written as an OCI image layout or a docker-archive.
 * For precise hostile and edge-case material; the realistic image comes from test/support/images.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';

export type TestEntry =
  | { type: 'file'; name: string; content: string | Buffer; mode?: number }
  | { type: 'directory'; name: string }
  | { type: 'symlink'; name: string; target: string }
  | { type: 'link'; name: string; target: string };

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A tar archive of the given entries, in the given order. Every entry has the same modification
 * time, so the same entries give the same bytes (and diff id) whenever they are packed.
 */
export async function makeTar(entries: readonly TestEntry[]): Promise<Buffer> {
  const mtime = new Date(0);
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    if (entry.type === 'file') {
      const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
      await new Promise<void>((resolve, reject) =>
        pack.entry({ name: entry.name, size: content.length, mode: entry.mode ?? 0o644, mtime }, content, (error) => (error ? reject(error) : resolve())),
      );
    } else if (entry.type === 'directory') {
      pack.entry({ name: entry.name, type: 'directory', mode: 0o755, mtime });
    } else if (entry.type === 'symlink') {
      pack.entry({ name: entry.name, type: 'symlink', linkname: entry.target, mtime });
    } else {
      pack.entry({ name: entry.name, type: 'link', linkname: entry.target, mtime });
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function compress(tar: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(tar);
  if (compression === 'zstd') return execFileSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1 << 30 });
  return tar;
}

export interface TestLayer {
  entries: readonly TestEntry[];
  compression?: Compression;
  createdBy?: string;
  /** Override the media type written in the manifest (to test detection from bytes). */
  mediaType?: string;
}

export interface BuiltLayer {
  tar: Buffer;
  blob: Buffer;
  diffId: string;
  digest: string;
  mediaType: string;
  createdBy: string;
}

export async function buildLayers(layers: readonly TestLayer[]): Promise<BuiltLayer[]> {
  const built: BuiltLayer[] = [];
  for (const [index, layer] of layers.entries()) {
    const tar = await makeTar(layer.entries);
    const compression = layer.compression ?? 'gzip';
    const blob = compress(tar, compression);
    const defaultType = compression === 'none' ? 'application/vnd.oci.image.layer.v1.tar' : `application/vnd.oci.image.layer.v1.tar+${compression}`;
    built.push({ tar, blob, diffId: sha256(tar), digest: sha256(blob), mediaType: layer.mediaType ?? defaultType, createdBy: layer.createdBy ?? `layer ${index}` });
  }
  return built;
}

export function imageConfig(layers: readonly BuiltLayer[], platform = { os: 'linux', architecture: 'amd64' }): Buffer {
  return Buffer.from(
    JSON.stringify({
      ...platform,
      created: '2024-01-01T00:00:00Z',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
      history: layers.map((layer) => ({ created: '2024-01-01T00:00:00Z', created_by: layer.createdBy })),
    }),
  );
}

async function writeBlob(layout: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const dir = path.join(layout, 'blobs', 'sha256');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, digest.slice('sha256:'.length)), bytes);
  return { digest, size: bytes.length };
}

export interface OciImageSpec {
  layers: readonly TestLayer[];
  tag?: string;
  platform?: { os: string; architecture: string; variant?: string };
}

/** Writes an image manifest (and its config and layers) into a layout; returns its descriptor. */
export async function writeOciImage(layout: string, spec: OciImageSpec): Promise<{ digest: string; size: number; layers: BuiltLayer[] }> {
  const layers = await buildLayers(spec.layers);
  const config = await writeBlob(layout, imageConfig(layers, spec.platform));
  for (const layer of layers) await writeBlob(layout, layer.blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.blob.length })),
    }),
  );
  return { ...(await writeBlob(layout, manifest)), layers };
}

/** An OCI layout with one or more tagged images at its top level. */
export async function writeOciLayout(layout: string, images: readonly OciImageSpec[]): Promise<BuiltLayer[][]> {
  await mkdir(layout, { recursive: true });
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [];
  const built: BuiltLayer[][] = [];
  for (const spec of images) {
    const image = await writeOciImage(layout, spec);
    built.push(image.layers);
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.digest,
      size: image.size,
      ...(spec.tag ? { annotations: { 'org.opencontainers.image.ref.name': spec.tag } } : {}),
    });
  }
  await writeFile(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return built;
}

/** An OCI layout whose top-level entry is a multi-platform index. */
export async function writeMultiPlatformLayout(layout: string, tag: string, images: readonly (OciImageSpec & { platform: { os: string; architecture: string; variant?: string } })[]): Promise<void> {
  await mkdir(layout, { recursive: true });
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const manifests = [];
  for (const spec of images) {
    const image = await writeOciImage(layout, spec);
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: image.digest, size: image.size, platform: spec.platform });
  }
  const index = await writeBlob(layout, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })));
  await writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
}

export interface DockerArchiveSpec {
  layers: readonly TestLayer[];
  repoTags?: string[];
  /**
   * `legacy`: `<id>/layer.tar` + `<hex>.json`; `oci`: `blobs/sha256/<hex>` names; `podman`:
   * `<diff id>.tar` at the top + `<hex>.json`, each `<id>/layer.tar` a symlink to its layer.
   */
  style?: 'legacy' | 'oci' | 'podman';
  /** Repeat the first layer as a symlink member (legacy `docker save` does for duplicate layers). */
  duplicateFirstLayerAsSymlink?: boolean;
}

/** A docker-archive tarball (uncompressed), as `docker save` writes it. */
export async function buildDockerArchive(specs: readonly DockerArchiveSpec[]): Promise<Buffer> {
  const entries: TestEntry[] = [];
  const manifest = [];
  for (const spec of specs) {
    const layers = await buildLayers(spec.layers);
    const config = imageConfig(layers);
    const configHex = sha256(config).slice('sha256:'.length);
    const style = spec.style ?? 'legacy';
    const configName = style === 'oci' ? `blobs/sha256/${configHex}` : `${configHex}.json`;
    entries.push({ type: 'file', name: configName, content: config });
    const layerNames: string[] = [];
    layers.forEach((layer, index) => {
      const hex = (style === 'oci' ? layer.digest : layer.diffId).slice('sha256:'.length);
      const name = { legacy: `${hex}/layer.tar`, oci: `blobs/sha256/${hex}`, podman: `${hex}.tar` }[style];
      entries.push({ type: 'file', name, content: style === 'oci' ? layer.blob : layer.tar });
      if (style === 'podman') entries.push({ type: 'symlink', name: `${sha256(`${hex}-${index}`).slice(7)}/layer.tar`, target: `../${name}` });
      layerNames.push(name);
      if (index === 0 && spec.duplicateFirstLayerAsSymlink) {
        entries.push({ type: 'directory', name: 'dup' });
        entries.push({ type: 'symlink', name: 'dup/layer.tar', target: `../${name}` });
      }
    });
    if (spec.duplicateFirstLayerAsSymlink) layerNames[0] = 'dup/layer.tar';
    manifest.push({ Config: configName, RepoTags: spec.repoTags ?? [], Layers: layerNames });
  }
  entries.push({ type: 'file', name: 'manifest.json', content: JSON.stringify(manifest) });
  return makeTar(entries);
}
