/**
 * The image job: every front door's way to scan images and judge them. For a list of references
 * it opens each image, scans each distinct image once (by image id, else manifest digest), applies
 * the result filters (`--severity`, `--ignore-unfixed`), evaluates the gate per image and
 * aggregates the verdicts.
 *
 * It returns data only: it never renders, never writes to stdout or stderr, never sets an exit
 * code. It closes the image sources it opens, and never the database or layer cache it is given.
 */
import type { LayerAnalysisCache, InventoryProgress } from '../engine/inventory-image.js';
import { applyResultFilters, type ResultFilters } from '../engine/summary.js';
import { aggregateVerdicts, evaluateImageGate } from '../gate/evaluate.js';
import type { GateConfig } from '../gate/gate-config.js';
import type { ImageMetadataStore } from '../image/source.js';
import { openImage, type OpenImageOptions } from '../image/sources.js';
import type { ScanResult } from '../model/image-scan.js';
import type { AggregateVerdict } from '../model/image-verdict.js';
import type { VulnDatabase } from '../vulndb/database.js';
import { scanSource } from './scan-image.js';

/** What the image job reads besides the references. */
export interface ImageJobOptions extends Omit<OpenImageOptions, 'metadata'> {
  database: VulnDatabase;
  /** Layer analyses and image metadata kept between scans (the SQLite LayerCache is one). */
  layerCache?: LayerAnalysisCache & ImageMetadataStore;
  /** What the results keep; the gate sees the filtered findings, as the reports do. */
  filters?: ResultFilters;
  gate: GateConfig;
  /** YYYY-MM-DD against which ignore entries expire (today, UTC, unless given). */
  today?: string;
  /** Report language packages whose files an OS package installed (by default they are left out). */
  scanOwnedFiles?: boolean;
  /** Progress of each image's inventory, with the reference it belongs to. */
  onProgress?: (reference: string, event: InventoryProgress) => void;
  /** Each image's scan before the result filters (what `--server` uploads to the platform). */
  onScan?: (scan: ScanResult) => void | Promise<void>;
}

/** The scans in reference order (duplicates left out) and the aggregate verdict, which names the duplicates. */
export interface ImageJobResult {
  scans: ScanResult[];
  verdict: AggregateVerdict;
}

export async function runImageJob(references: readonly string[], options: ImageJobOptions): Promise<ImageJobResult> {
  const { database, layerCache, filters = {}, gate, today, onProgress, onScan, scanOwnedFiles, ...openOptions } = options;
  const scans: ScanResult[] = [];
  const duplicates: AggregateVerdict['duplicates'] = [];
  const seen = new Map<string, string>();
  for (const reference of references) {
    const source = await openImage(reference, { ...openOptions, ...(layerCache ? { metadata: layerCache } : {}) });
    try {
      // The image id (config digest) is the same however the image is stored; the manifest digest is not.
      const digest = source.image.id ?? source.image.manifestDigest;
      const first = digest ? seen.get(digest) : undefined;
      if (first) {
        duplicates.push({ reference, sameAs: first });
        continue;
      }
      if (digest) seen.set(digest, reference);
      const raw = await scanSource(source, {
        database,
        ...(layerCache ? { layerCache } : {}),
        ...(scanOwnedFiles ? { scanOwnedFiles } : {}),
        // The same limits bound the scan's temporary folder as bound the image's layers.
        ...(openOptions.limits ? { limits: openOptions.limits } : {}),
        ...(onProgress ? { onProgress: (event: InventoryProgress) => onProgress(reference, event) } : {}),
      });
      await onScan?.(raw);
      scans.push(raw);
    } finally {
      await source.close();
    }
  }
  return judgeImageScans(scans, { filters, gate, ...(today ? { today } : {}) }, duplicates);
}

/**
 * The judging half of the image job, for scans made here or elsewhere (a sensor's result fetched
 * from the platform): the result filters, the gate per image, the aggregate verdict.
 */
export function judgeImageScans(rawScans: readonly ScanResult[], options: Pick<ImageJobOptions, 'filters' | 'gate' | 'today'>, duplicates: AggregateVerdict['duplicates'] = []): ImageJobResult {
  const scans = rawScans.map((raw) => applyResultFilters(raw, options.filters ?? {}));
  const day = options.today ?? new Date().toISOString().slice(0, 10);
  const verdict = aggregateVerdicts(
    scans.map((scan) => evaluateImageGate(scan, options.gate, day)),
    duplicates,
  );
  return { scans, verdict };
}
