/**
 * Bounds on untrusted image input. Every source and layer reader enforces these; crossing one is a
 * HostileInputError (exit 3) that names the limit and the flag that raises it.
 */
import { HostileInputError } from '../errors.js';

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
  /**
   * Largest window a zstd frame may declare. zstd's own decoder refuses more than 128 MiB unless
   * told `--long`; a decoder allocates the window before it reads a byte of content.
   */
  maxZstdWindowBytes: number;
  /** Uncompressed bytes read across all the layers of one scan (each layer re-read counts again). */
  maxScanBytes: number;
  /** Wall-clock time the layers of one scan may take to read, from the image's opening. */
  maxScanMs: number;
  /** The running totals of one opened image, shared by every layer read from it. */
  budget?: ScanBudget;
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
  maxZstdWindowBytes: 128 * MiB,
  maxScanBytes: 64 * GiB,
  maxScanMs: 60 * 60_000,
};

export function resolveLimits(overrides?: Partial<ScanLimits>): ScanLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/**
 * What the layers of one scan have cost so far, against the per-scan budget: the per-layer limits
 * stop one bomb, this stops many layers each just under them (or one layer referenced 200 times).
 */
export class ScanBudget {
  private inflated = 0;
  private readonly started = Date.now();

  constructor(private readonly limits: Pick<ScanLimits, 'maxScanBytes' | 'maxScanMs'>) {}

  get inflatedBytes(): number {
    return this.inflated;
  }

  /** Counts `bytes` more uncompressed bytes; throws once the scan is over its byte or time budget. */
  charge(bytes: number, label: string): void {
    this.inflated += bytes;
    if (this.inflated > this.limits.maxScanBytes) {
      throw new HostileInputError(`${label}: the image's layers inflate to more than ${formatBytes(this.limits.maxScanBytes)} in all, over the scan's budget`, {
        hint: 'raise the budget with --max-scan-size if this image is genuine',
      });
    }
    this.checkTime(label);
  }

  checkTime(label: string): void {
    if (Date.now() - this.started > this.limits.maxScanMs) {
      throw new HostileInputError(`${label}: reading the image's layers took longer than ${formatMinutes(this.limits.maxScanMs)}, the scan's time budget`, {
        hint: 'raise the budget with --max-scan-time (minutes) if this image is genuine',
      });
    }
  }
}

/** The limits with a fresh budget: one per opened image. */
export function withBudget(limits: ScanLimits): ScanLimits {
  return { ...limits, budget: new ScanBudget(limits) };
}

function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(2)} minute${minutes === 1 ? '' : 's'}`;
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
