/**
 * `registry:<host>/<repo>[:tag|@digest]`: an image pulled over the registry API. Manifests and
 * indexes (Docker v2 schema 2 and OCI, typed from the Content-Type header when the body does not
 * say) are verified against their digests; a multi-platform index picks --platform; the config
 * gives the diff ids before any layer is fetched, so the scan downloads only the layers the cache
 * lacks. Every layer is digest-checked while it streams; a mismatch is an error, never a result.
 */
import { createHash } from 'node:crypto';
import { ImageError } from '../../errors.js';
import type { ImageSummary } from '../../model/image-scan.js';
import { storedSize, summarizeImage } from '../image-summary.js';
import type { LayerEntries } from '../layer-entry.js';
import type { ScanLimits } from '../limits.js';
import { isIndexMediaType, MediaType, parseImageConfig, parseIndex, parseJsonDocument, parseManifest, type ImageManifest, type Platform } from '../oci-types.js';
import { formatPlatform, platformMatches } from '../platform.js';
import { RegistryClient, type RegistryClientOptions } from '../registry/client.js';
import { parseRegistryReference } from '../registry/reference.js';
import type { ImageSource, LayerDescriptor } from '../source.js';
import { readLayerBlob } from '../tar-entries.js';
import { describeLayers } from './oci-layout.js';

const ACCEPT = [MediaType.OciIndex, MediaType.DockerManifestList, MediaType.OciManifest, MediaType.DockerManifest];
const MAX_INDEX_DEPTH = 4;

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class RegistrySource implements ImageSource {
  readonly layersHaveWhiteouts = true;
  /**
   * A registry serves blobs by digest and every client verifies what it pulls (as openLayer does):
   * whoever runs this image gets the blob its manifest names, or nothing.
   */
  readonly layerProof = 'address';

  private constructor(
    readonly image: ImageSummary,
    readonly layers: readonly LayerDescriptor[],
    private readonly client: RegistryClient,
    private readonly limits: ScanLimits,
  ) {}

  static async open(reference: string, text: string, options: { platform: Platform; limits: ScanLimits; registry?: RegistryClientOptions }): Promise<RegistrySource> {
    const ref = parseRegistryReference(text);
    const client = new RegistryClient(ref, options.registry);
    try {
      let target = ref.digest ?? (ref.tag as string);
      let topDigest: string | undefined;
      let manifest: ImageManifest | undefined;
      let manifestDigest = '';
      for (let depth = 0; !manifest; depth++) {
        if (depth > MAX_INDEX_DEPTH) throw new ImageError(`${text}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
        const fetched = await client.manifest(target, ACCEPT, options.limits.maxMetadataBytes);
        const digest = sha256(fetched.bytes);
        if (target.startsWith('sha256:') && digest !== target) throw new ImageError(`${text}: the registry sent a manifest that hashes to ${digest}, not ${target}`);
        topDigest ??= digest;
        const document = parseJsonDocument(fetched.bytes, `manifest ${target}`);
        const mediaType = (typeof document.mediaType === 'string' ? document.mediaType : undefined) ?? fetched.mediaType;
        if (document.schemaVersion === 1 || mediaType?.startsWith('application/vnd.docker.distribution.manifest.v1+')) throw new ImageError(`${text}: Docker schema 1 manifests are not supported; push the image again with a current client`);
        if (isIndexMediaType(mediaType) || (!document.layers && Array.isArray(document.manifests))) {
          const index = parseIndex(document, `index ${target}`);
          const chosen = index.manifests.find((entry) => entry.platform && platformMatches(options.platform, entry.platform));
          if (!chosen) {
            const available = index.manifests.map((entry) => (entry.platform ? formatPlatform(entry.platform) : entry.digest.slice(0, 19))).join(', ');
            throw new ImageError(`${text}: no image for platform ${formatPlatform(options.platform)} (available: ${available})`, { hint: 'choose one with --platform' });
          }
          target = chosen.digest;
          continue;
        }
        manifest = parseManifest(document, `manifest ${target}`);
        manifestDigest = digest;
      }
      const configBytes = await client.blobBytes(manifest.config.digest, options.limits.maxMetadataBytes);
      if (sha256(configBytes) !== manifest.config.digest) throw new ImageError(`${text}: the image config hashes to ${sha256(configBytes)}, not ${manifest.config.digest}`);
      const config = parseImageConfig(parseJsonDocument(configBytes, `config ${manifest.config.digest}`), `config ${manifest.config.digest}`);
      const layers = describeLayers(manifest, config);
      const name = `${ref.registry}/${ref.repository}`;
      const image = summarizeImage({
        reference,
        source: 'registry',
        id: manifest.config.digest,
        manifestDigest,
        repoTags: ref.tag ? [`${name}:${ref.tag}`] : [],
        repoDigests: [`${name}@${topDigest}`],
        config,
        size: storedSize(layers),
        layers,
      });
      return new RegistrySource(image, layers, client, options.limits);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  openLayer(index: number): LayerEntries {
    const layer = this.layers[index];
    if (!layer?.digest) throw new ImageError(`layer ${index} does not exist`);
    const { client, limits } = this;
    const label = `layer ${index} (${layer.digest.slice(0, 19)})`;
    return (async function* () {
      const stream = await client.blobStream(layer.digest as string);
      yield* readLayerBlob(stream, { label, digest: layer.digest, diffId: layer.diffId }, limits);
    })();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
