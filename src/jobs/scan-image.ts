/**
 * `scanImage`, the one-image job: open an image, inventory it, match its packages against the
 * vulnerability database, and return the versioned result. It never filters findings nor decides
 * pass or fail (the image job and the gate do), and never closes the database it is given.
 */
import { openImage, type OpenImageOptions } from '../image/sources.js';
import type { ImageSource } from '../image/source.js';
import { assessOsSupport } from '../ecosystems/end-of-life.js';
import { matchPackages } from '../match/matcher.js';
import type { VulnDatabase } from '../vulndb/database.js';
import { TOOL_VERSION } from '../version.js';
import { inventoryImage, type InventoryOptions } from '../engine/inventory-image.js';
import { SCAN_RESULT_SCHEMA_VERSION, type ScanResult } from '../model/image-scan.js';
import { summarize } from '../engine/summary.js';

export interface ScanImageOptions extends OpenImageOptions, InventoryOptions {
  /** Findings are matched only when a database is given; without one the result is an inventory. */
  database?: VulnDatabase;
}

/** Scans an image whose source is already open; the caller closes it. */
export async function scanSource(source: ImageSource, options: ScanImageOptions = {}): Promise<ScanResult> {
  const inventory = await inventoryImage(source, options);
  const matched = options.database ? matchPackages(inventory.packages, inventory.os, options.database) : { findings: [], warnings: [] };
  const scannedAt = new Date();
  const support = inventory.os ? assessOsSupport(inventory.os, scannedAt) : undefined;
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'tollgate', version: TOOL_VERSION },
    scannedAt: scannedAt.toISOString(),
    image: source.image,
    ...(support ? { os: support.os } : {}),
    packages: inventory.packages,
    findings: matched.findings,
    summary: summarize(inventory.packages.length, matched.findings),
    ...(options.database ? { database: options.database.summary() } : {}),
    warnings: [...inventory.warnings, ...(support?.warnings ?? []), ...matched.warnings],
  };
}

export async function scanImage(reference: string, options: ScanImageOptions = {}): Promise<ScanResult> {
  const source = await openImage(reference, options);
  try {
    return await scanSource(source, options);
  } finally {
    await source.close();
  }
}
