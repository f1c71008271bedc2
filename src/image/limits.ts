/**
 * Bounds on untrusted image input. Every source and layer reader enforces these; crossing one is a
 * HostileInputError (exit 3) that names the limit and the flag that raises it.
 */
export interface ScanLimits {
  /** Uncompressed bytes of one layer. */
  maxLayerBytes: number;
  /** Entries (files, directories, links) in one layer. */
  maxLayerEntries: number;
  /**
   * Uncompressed-to-compressed ratio past which a layer is treated as a decompression bomb, checked
   * once `bombRatioFloorBytes` have been inflated (small layers may compress very well honestly).
   */
  maxCompressionRatio: number;
  bombRatioFloorBytes: number;
  /** Size of JSON documents: manifests, indexes, image configs. */
  maxMetadataBytes: number;
  /** Entries in the outer tar of a docker-archive. */
  maxArchiveEntries: number;
}

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<ScanLimits> = {
  maxLayerBytes: 32 * GiB,
  maxLayerEntries: 2_000_000,
  maxCompressionRatio: 1000,
  bombRatioFloorBytes: 512 * MiB,
  maxMetadataBytes: 16 * MiB,
  maxArchiveEntries: 100_000,
};

export function resolveLimits(overrides?: Partial<ScanLimits>): ScanLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
