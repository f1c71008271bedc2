/**
 * `docker:<name|short id|id|digest>`: an image in a Docker Engine (or Podman's Docker-compatible
 * service). The reference is resolved to the image id; the diff ids come from the inspection, so
 * an image whose layers are all in the layer cache is scanned without exporting anything. Layers
 * that must be read come from the image-export endpoint in one streamed pass, identified by their
 * computed diff ids; nothing is written to disk. The image config (for the layers' created_by
 * lines) is kept in the metadata store by image id.
 */
import { createHash } from 'node:crypto';
import { ImageError } from '../../errors.js';
import type { ImageSummary } from '../../model/image-scan.js';
import { connectDocker, type DockerConnection, type DockerConnectionOptions } from '../docker/connection.js';
import { readImageExport } from '../docker/export-stream.js';
import { exportImage, inspectImage, type DockerImageInfo } from '../docker/operations.js';
import { summarizeImage } from '../image-summary.js';
import type { LayerEntries } from '../layer-entry.js';
import type { ScanLimits } from '../limits.js';
import { createdByPerLayer, parseImageConfig, parseJsonDocument } from '../oci-types.js';
import type { ImageMetadataStore, ImageSource, LayerDescriptor } from '../source.js';

export class DockerDaemonSource implements ImageSource {
  readonly layersHaveWhiteouts = true;
  /** The daemon computed each diff id from the layer's bytes when it loaded or pulled the image. */
  readonly layerProof = 'source';

  private constructor(
    readonly image: ImageSummary,
    private readonly descriptors: LayerDescriptor[],
    private readonly connection: DockerConnection,
    private readonly info: DockerImageInfo,
    private readonly limits: ScanLimits,
    private readonly store: ImageMetadataStore | undefined,
  ) {}

  get layers(): readonly LayerDescriptor[] {
    return this.descriptors;
  }

  static async open(reference: string, name: string, options: { docker?: DockerConnectionOptions; limits: ScanLimits; metadata?: ImageMetadataStore }): Promise<DockerDaemonSource> {
    if (name === '') throw new ImageError('docker: needs an image: docker:<name[:tag]|id|digest>');
    const connection = await connectDocker(options.docker);
    const info = await inspectImage(connection, name);
    const cachedConfig = options.metadata?.getConfig(info.id);
    const descriptors: LayerDescriptor[] = info.diffIds.map((diffId, index) => ({ index, diffId }));
    // The daemon's inspection stands in for the config until an export pass reads the config itself.
    const image = summarizeImage({ reference, source: 'docker', id: info.id, repoTags: info.repoTags, repoDigests: info.repoDigests, config: info, size: info.size, layers: descriptors });
    const source = new DockerDaemonSource(image, descriptors, connection, info, options.limits, options.metadata);
    if (cachedConfig) source.applyConfig(cachedConfig);
    return source;
  }

  /** Fills the created_by lines from the image config (checked against the image id). */
  private applyConfig(bytes: Buffer): void {
    if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== this.info.id) throw new ImageError(`the config in the export of ${this.info.id} does not hash to the image id`);
    const config = parseImageConfig(parseJsonDocument(bytes, `config of ${this.info.id}`), `config of ${this.info.id}`);
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.join() !== this.info.diffIds.join()) throw new ImageError(`the config of ${this.info.id} lists other layers than the daemon reports`);
    this.configKnown = true;
    createdByPerLayer(config, diffIds.length).forEach((line, index) => {
      const descriptor = this.descriptors[index];
      const summary = this.image.layers[index];
      if (line && descriptor && summary) {
        descriptor.createdBy = line;
        summary.createdBy = line;
      }
    });
  }

  openLayer(): LayerEntries {
    throw new ImageError('a Docker daemon image is read through its export stream, not layer by layer');
  }

  async readLayers<T>(indexes: readonly number[], analyze: (entries: LayerEntries, label: string) => Promise<T>): Promise<Map<number, T>> {
    const needed = new Set(indexes.map((index) => this.info.diffIds[index]).filter((id): id is string => id !== undefined));
    const stream = await exportImage(this.connection, this.info.id);
    const result = await readImageExport(stream, { id: this.info.id, diffIds: this.info.diffIds }, needed, this.limits, analyze);
    if (result.config) {
      this.applyConfig(result.config);
      this.store?.putConfig(this.info.id, result.config);
    }
    const byIndex = new Map<number, T>();
    this.info.diffIds.forEach((diffId, index) => {
      const analysis = result.layers.get(diffId);
      if (analysis !== undefined && indexes.includes(index)) byIndex.set(index, analysis);
    });
    return byIndex;
  }

  /** Without a cached config the created_by lines are unknown: one export pass learns them. */
  get needsFullPass(): boolean {
    return !this.configKnown;
  }

  private configKnown = false;

  async close(): Promise<void> {}
}
