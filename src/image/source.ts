/**
 * The image source contract: where an image's metadata and layers come from. Sources are
 * registered in src/image/sources.ts; the inventory walk never knows which one it reads.
 */
import type { ImageSummary } from '../model/image-scan.js';
import type { LayerRef, OsInfo, PackageRecord } from '../model/package.js';
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
  /**
   * Where the stored bytes are (a blob's digest, an archive member's offset): layers with the same
   * value are the same bytes, read once per scan. An image may list one blob many times.
   */
  storedAt?: string;
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
  /**
   * How a layer's content can be known without reading it, which is what lets a layer cache stand
   * in for a read (a cached result is keyed by diff id, and the image config that names diff ids
   * is the attacker's to write):
   * - `source`: the diff ids come from a party that computed them from the bytes (a Docker daemon);
   * - `address`: layers are fetched by blob digest from a content-addressed store whose every reader
   *   verifies it (a registry), so a layer is the blob its digest names;
   * - `hash`: `storedDigest` hashes the stored bytes in this scan (a file on disk anyone may edit).
   * Absent: nothing proves a layer but reading it.
   */
  readonly layerProof?: 'source' | 'address' | 'hash';
  /** `sha256:` of layer `index`'s stored bytes, hashed now (or remembered for a provably unchanged file). */
  storedDigest?(index: number): Promise<string>;
  /**
   * Present for a source that describes an image instead of holding it (an SBOM): the OS and the
   * packages it states. The engine takes them as the inventory and reads no layer (such a source
   * has none to open).
   */
  readonly described?: DescribedInventory;
  close(): Promise<void>;
}

/** Where a source may keep small metadata between scans (image configs by image id). */
export interface ImageMetadataStore {
  getConfig(imageId: string): Buffer | undefined;
  putConfig(imageId: string, config: Buffer): void;
  /** The digest a byte range of an unchanged file hashed to (see hashFileRange), if remembered. */
  getStoredDigest?(fileKey: string): string | undefined;
  putStoredDigest?(fileKey: string, digest: string): void;
}

/** An inventory as a document states it, for sources that describe an image (src/image/sbom/). */
export interface DescribedInventory {
  readonly os?: OsInfo;
  /** Each record with the layer that introduced it, where the document says. */
  readonly packages: readonly (PackageRecord & { layer?: LayerRef })[];
  /** What the document left unsaid or could not be read of it, for the scan's warnings. */
  readonly warnings: readonly string[];
}
