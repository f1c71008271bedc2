/**
 * `oci:<dir>[:tag]`: an OCI image layout folder (oci-layout, index.json, blobs/<alg>/<hex>).
 * Follows index -> (nested index, by platform) -> manifest -> config -> layers, verifying every
 * blob it reads against its digest. Blob names come only from validated digests, and no blob
 * that is a symlink is opened.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ImageError, UsageError } from '../../errors.js';
import type { ImageSummary } from '../../model/image-scan.js';
import { fileRangeIdentity, hashFileRange, openRegularFile, readBoundedFile, rememberStoredDigest, streamRange } from '../files.js';
import { storedSize, summarizeImage } from '../image-summary.js';
import type { LayerEntries } from '../layer-entry.js';
import type { ScanLimits } from '../limits.js';
import {
  assertDigest,
  createdByPerLayer,
  isIndexMediaType,
  parseImageConfig,
  parseIndex,
  parseJsonDocument,
  parseManifest,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  type Platform,
} from '../oci-types.js';
import { formatPlatform, platformMatches } from '../platform.js';
import type { ImageMetadataStore, ImageSource, LayerDescriptor } from '../source.js';
import { readLayerBlob } from '../tar-entries.js';
import type { LayerDigests } from '../layer-decoder.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const MAX_INDEX_DEPTH = 4;

export interface OciLayoutReference {
  dir: string;
  tag?: string;
}

/** Splits `<dir>[:tag]`; a colon belongs to the path when the text names an existing folder. */
export function parseOciReference(text: string, dirExists: (dir: string) => boolean): OciLayoutReference {
  if (text === '') throw new UsageError('oci: needs a folder: oci:<dir>[:tag]');
  if (dirExists(text)) return { dir: text };
  const colon = text.lastIndexOf(':');
  if (colon > 0 && !text.slice(colon + 1).includes('/')) {
    return { dir: text.slice(0, colon), tag: text.slice(colon + 1) };
  }
  return { dir: text };
}

export class OciLayoutSource implements ImageSource {
  readonly layersHaveWhiteouts = true;
  /** Blob files are named by digest, but a file's name proves nothing: a layer is known by hashing it. */
  readonly layerProof = 'hash';

  private constructor(
    readonly image: ImageSummary,
    readonly layers: readonly LayerDescriptor[],
    private readonly layout: string,
    private readonly limits: ScanLimits,
    private readonly store: ImageMetadataStore | undefined,
  ) {}

  static async open(reference: string, ref: OciLayoutReference, platform: Platform, limits: ScanLimits, store?: ImageMetadataStore): Promise<OciLayoutSource> {
    const layout = path.resolve(ref.dir);
    const marker = parseJsonDocument(await readBoundedFile(path.join(layout, 'oci-layout'), limits.maxMetadataBytes).catch((error: unknown) => {
      throw new ImageError(`${layout} is not an OCI image layout: ${(error as Error).message}`);
    }), `${layout}/oci-layout`);
    if (typeof marker.imageLayoutVersion !== 'string') throw new ImageError(`${layout}/oci-layout: no imageLayoutVersion`);

    const index = parseIndex(parseJsonDocument(await readBoundedFile(path.join(layout, 'index.json'), limits.maxMetadataBytes), `${layout}/index.json`), `${layout}/index.json`);
    const chosen = chooseTopLevel(index.manifests, ref.tag, platform, layout);
    const { manifest, manifestDigest } = await resolveManifest(layout, chosen, platform, limits, 0);

    const configBytes = await readBlob(layout, manifest.config, limits.maxMetadataBytes);
    const config = parseImageConfig(parseJsonDocument(configBytes, `config ${manifest.config.digest}`), `config ${manifest.config.digest}`);
    const layers = describeLayers(manifest, config);
    const tag = ref.tag ?? chosen.annotations?.[REF_NAME_ANNOTATION];
    const image = summarizeImage({ reference, source: 'oci', id: manifest.config.digest, manifestDigest, repoTags: tag ? [tag] : [], config, size: storedSize(layers), layers });
    return new OciLayoutSource(image, layers, layout, limits, store);
  }

  openLayer(index: number): LayerEntries {
    const layer = this.layers[index];
    if (!layer || !layer.digest) throw new ImageError(`layer ${index} does not exist`);
    const file = blobPath(this.layout, layer.digest);
    const { limits, store } = this;
    const label = `layer ${index} (${layer.digest.slice(0, 19)})`;
    return (async function* () {
      const { handle, size } = await openRegularFile(file);
      try {
        // A read verifies the stored bytes: remembered, a warm scan need not hash them to trust the cache.
        const before = store?.putStoredDigest ? await fileRangeIdentity(handle, file, 0, size) : '';
        let verified: LayerDigests | undefined;
        yield* readLayerBlob(streamRange(handle, 0, size), { label, digest: layer.digest, diffId: layer.diffId }, limits, (digests) => (verified = digests));
        if (verified) await rememberStoredDigest(store, handle, file, 0, size, before, verified.digest);
      } finally {
        await handle.close();
      }
    })();
  }

  async storedDigest(index: number): Promise<string> {
    const layer = this.layers[index];
    if (!layer || !layer.digest) throw new ImageError(`layer ${index} does not exist`);
    const file = blobPath(this.layout, layer.digest);
    const { handle, size } = await openRegularFile(file);
    try {
      return await hashFileRange(handle, file, 0, size, this.store);
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {}
}

export function describeLayers(manifest: ImageManifest, config: ImageConfig): LayerDescriptor[] {
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new ImageError(`the manifest lists ${manifest.layers.length} layers but the config has ${diffIds.length} diff ids`);
  }
  const createdBy = createdByPerLayer(config, manifest.layers.length);
  return manifest.layers.map((descriptor, index) => ({
    index,
    diffId: diffIds[index],
    digest: descriptor.digest,
    storedAt: descriptor.digest,
    ...(descriptor.mediaType ? { mediaType: descriptor.mediaType } : {}),
    ...(descriptor.size === undefined ? {} : { size: descriptor.size }),
    ...(createdBy[index] ? { createdBy: createdBy[index] } : {}),
  }));
}

function blobPath(layout: string, digest: string): string {
  const [algorithm, hex] = assertDigest(digest, 'blob').split(':') as [string, string];
  return path.join(layout, 'blobs', algorithm, hex);
}

async function readBlob(layout: string, descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
  const bytes = await readBoundedFile(blobPath(layout, descriptor.digest), maxBytes);
  const [algorithm] = descriptor.digest.split(':') as [string];
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (actual !== descriptor.digest) throw new ImageError(`blob ${descriptor.digest}: content hashes to ${actual}`);
  if (descriptor.size !== undefined && descriptor.size !== bytes.length) {
    throw new ImageError(`blob ${descriptor.digest}: ${bytes.length} bytes, the descriptor says ${descriptor.size}`);
  }
  return bytes;
}

function describeCandidates(descriptors: Descriptor[]): string {
  return descriptors
    .map((d) => d.annotations?.[REF_NAME_ANNOTATION] ?? (d.platform ? formatPlatform(d.platform) : d.digest.slice(0, 19)))
    .join(', ');
}

function chooseTopLevel(manifests: Descriptor[], tag: string | undefined, platform: Platform, layout: string): Descriptor {
  if (manifests.length === 0) throw new ImageError(`${layout}/index.json lists no images`);
  if (tag !== undefined) {
    const tagged = manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag);
    if (tagged.length === 0) throw new ImageError(`${layout}: no image tagged "${tag}" (tags: ${describeCandidates(manifests)})`);
    return tagged.length === 1 ? (tagged[0] as Descriptor) : chooseByPlatform(tagged, platform, layout);
  }
  if (manifests.length === 1) return manifests[0] as Descriptor;
  if (manifests.every((d) => d.platform)) return chooseByPlatform(manifests, platform, layout);
  throw new UsageError(`${layout} holds ${manifests.length} images; name one as oci:<dir>:<tag> (${describeCandidates(manifests)})`);
}

function chooseByPlatform(manifests: Descriptor[], platform: Platform, where: string): Descriptor {
  const match = manifests.find((d) => d.platform && platformMatches(platform, d.platform));
  if (!match) {
    throw new ImageError(`${where}: no image for platform ${formatPlatform(platform)} (available: ${describeCandidates(manifests)})`, {
      hint: 'choose one with --platform',
    });
  }
  return match;
}

async function resolveManifest(
  layout: string,
  descriptor: Descriptor,
  platform: Platform,
  limits: ScanLimits,
  depth: number,
): Promise<{ manifest: ImageManifest; manifestDigest: string }> {
  if (depth > MAX_INDEX_DEPTH) throw new ImageError(`${layout}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
  const context = `manifest ${descriptor.digest}`;
  const document = parseJsonDocument(await readBlob(layout, descriptor, limits.maxMetadataBytes), context);
  const mediaType = (typeof document.mediaType === 'string' ? document.mediaType : undefined) ?? descriptor.mediaType;
  if (isIndexMediaType(mediaType) || (mediaType === undefined && Array.isArray(document.manifests))) {
    const nested = parseIndex(document, context);
    const chosen = chooseByPlatform(nested.manifests, platform, context);
    return resolveManifest(layout, chosen, platform, limits, depth + 1);
  }
  return { manifest: parseManifest(document, context), manifestDigest: descriptor.digest };
}

