/**
 * Scan results for the server's tests and benchmark: npm inventories over the package names of
 * vulndb/test-support/generate.ts (so a generated database has advisories for them), spread over
 * layers, with findings from the real matcher when a database is given.
 */
import { createHash } from 'node:crypto';
import { packageName, seededRandom } from '../../vulndb/test-support/generate.js';
import type { VulnDatabase } from '../../vulndb/database.js';
import { rematchScan } from '../../jobs/rematch.js';
import { SCAN_RESULT_SCHEMA_VERSION, type ScanResult } from '../../model/image-scan.js';
import type { Package } from '../../model/package.js';
import { emptySeverityCounts } from '../../model/severity.js';

export function digestFor(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export interface ResultShape {
  digest: string;
  tags?: string[];
  packages: number;
  /** Distinct package names to draw from (the generated database's `packages`). */
  namePool: number;
  seed: number;
  scannedAt?: string;
  layers?: number;
}

export function inventoryResult(shape: ResultShape): ScanResult {
  const random = seededRandom(shape.seed);
  const layerCount = shape.layers ?? 5;
  const layers = Array.from({ length: layerCount }, (_, index) => ({ index, diffId: digestFor(`${shape.digest}/layer/${index}`), createdBy: `RUN step ${index}` }));
  const packages: Package[] = [];
  const names = new Set<string>();
  while (packages.length < shape.packages && names.size < shape.namePool) {
    const name = packageName(Math.floor(random() * shape.namePool));
    if (names.has(name)) continue;
    names.add(name);
    const version = `${Math.floor(random() * 5)}.${Math.floor(random() * 3)}.${Math.floor(random() * 10)}`;
    const layer = layers[packages.length % layerCount] as (typeof layers)[number];
    packages.push({ id: `npm:${name}@${version}`, type: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, location: `/app/node_modules/${name}/package.json`, layer });
  }
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'tollgate', version: '0.1.0' },
    scannedAt: shape.scannedAt ?? new Date().toISOString(),
    image: { reference: shape.tags?.[0] ?? shape.digest, source: 'registry', manifestDigest: shape.digest, repoTags: shape.tags ?? [], repoDigests: [], layers },
    packages,
    findings: [],
    summary: { packages: packages.length, findings: 0, bySeverity: emptySeverityCounts(), fixable: 0 },
    warnings: [],
  };
}

/** The same inventory with findings matched against `database` by the engine's matcher. */
export function matchedResult(shape: ResultShape, database: VulnDatabase): ScanResult {
  return rematchScan(inventoryResult(shape), database);
}
