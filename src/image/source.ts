/**
 * The image source contract: where an image's metadata and layers come from. Sources are
 * registered in src/image/sources.ts; the inventory walk never knows which one it reads.
 */
import type { ImageSummary } from '../model/image-scan.js';
import type { LayerEntries } from './layer-entry.js';

export interface LayerDescriptor {
  index: number;
  /**
   * `sha256:` of the uncompressed tar, from the image config. Absent for a layer that is no image
   * layer (a folder walked in place): such a layer is never cached and never named in results.
   */
  diffId?: string;
  /** Digest of the stored blob, where the source stores it addressed by digest. */
  digest?: string;
  mediaType?: string;
  /** Stored size in bytes, where known. */
  size?: number;
  createdBy?: string;
}

export interface ImageSource {
  readonly image: ImageSummary;
  readonly layers: readonly LayerDescriptor[];
  /**
   * True when a `.wh.` entry name is a whiteout marker (image layers); false when the entries are
   * a plain filesystem's, where such a name is an ordinary file.
   */
  readonly layersHaveWhiteouts: boolean;
  /**
   * The entries of one layer, in order. Iterating to the end verifies the layer's digests: the
   * iteration throws rather than end normally when the bytes do not match the image's metadata.
   */
  openLayer(index: number): LayerEntries;
  /**
   * For sources that can only stream their layers in one pass (a Docker daemon's export): analyses
   * the layers at `indexes`, in whatever order they arrive, and returns the results by index. When
   * present, the engine uses it instead of openLayer.
   */
  readLayers?<T>(indexes: readonly number[], analyze: (entries: LayerEntries, label: string) => Promise<T>): Promise<Map<number, T>>;
  /** True when readLayers must run even if no layer needs reading (to learn metadata it lacks). */
  readonly needsFullPass?: boolean;
  close(): Promise<void>;
}

/** Where a source may keep small metadata between scans (image configs by image id). */
export interface ImageMetadataStore {
  getConfig(imageId: string): Buffer | undefined;
  putConfig(imageId: string, config: Buffer): void;
}
