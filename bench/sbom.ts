/**
 * SBOM input benchmark: a CycloneDX SBOM of 50,000 components (as `--format cyclonedx` writes them:
 * deb, npm and pypi packages with their properties) read into an inventory, and scanned end to end
 * by the built CLI against the fixture database.
 * Baselines in the same run: JSON.parse of the same file (the least work any reader does), and
 * `tollgate --version` (the CLI's start-up, under every end-to-end scan).
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSbomDocument } from '../src/image/sbom/sbom-document.js';
import { inventoryOfSbom } from '../src/image/sbom/sbom-inventory.js';
import { cyclonedxRenderer } from '../src/report/cyclonedx/index.js';
import type { Package } from '../src/model/package.js';
import { pkg, scanOf } from '../test/support/scan-fixtures.js';
import type { Rows } from './compliance.js';

const COMPONENTS = 50_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function seconds(task: () => void): number {
  const start = process.hrtime.bigint();
  task();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function packagesOf(count: number): Package[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 3;
    if (kind === 0) return pkg({ type: 'deb', name: `lib-${i}`, version: `1.${i % 50}-${i % 7}+deb12u1`, location: '/var/lib/dpkg/status', purl: `pkg:deb/debian/lib-${i}@1.${i % 50}-${i % 7}%2Bdeb12u1?arch=amd64&upstream=src-${i}&distro=debian-12`, source: { name: `src-${i}` } });
    if (kind === 1) return pkg({ name: `package-${i}`, version: `2.${i % 10}.${i % 13}`, location: `/app/node_modules/package-${i}/package.json`, installPath: `/app/node_modules/package-${i}`, licenses: ['MIT'] });
    return pkg({ type: 'pypi', name: `dist-${i}`, version: `3.${i % 9}.0`, location: `/usr/local/lib/python3.11/site-packages/dist_${i}-3.${i % 9}.0.dist-info/METADATA`, purl: `pkg:pypi/dist-${i}@3.${i % 9}.0` });
  });
}

export async function benchSbom(cli: string, db: string, work: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const file = path.join(work, 'bench.cdx.json');
  const scan = scanOf(packagesOf(COMPONENTS), []);
  await writeFile(file, cyclonedxRenderer.renderImage?.({ scans: [scan] }, { color: false }) as string);
  const content = await readFile(file);
  const parse = median([0, 1, 2].map(() => seconds(() => JSON.parse(content.toString('utf8')))));
  let packages = 0;
  const read = median([0, 1, 2].map(() => seconds(() => (packages = inventoryOfSbom(readSbomDocument(content)).packages.length))));
  const version = median([0, 1, 2].map(() => seconds(() => execFileSync(process.execPath, [cli, '--version']))));
  const scanSeconds = median([0, 1, 2].map(() => seconds(() => execFileSync(process.execPath, [cli, 'image', 'scan', `sbom:${file}`, '--db', db, '--format', 'json', '--output', path.join(work, 'sbom-scan.json')]))));
  results.sbom = { components: COMPONENTS, bytes: content.length, packages, jsonParseSeconds: parse, readSeconds: read, cliVersionSeconds: version, cliScanSeconds: scanSeconds };
  rows.push([`sbom: read ${COMPONENTS.toLocaleString('en')} CycloneDX components into an inventory (${(content.length / 1e6).toFixed(1)} MB, median of 3)`, `${read.toFixed(3)} s`, `JSON.parse of the same file ${parse.toFixed(3)} s`]);
  rows.push([`sbom: tollgate image scan sbom: of it, matched, JSON written (median of 3)`, `${scanSeconds.toFixed(2)} s`, `tollgate --version ${(version * 1000).toFixed(0)} ms`]);
}
