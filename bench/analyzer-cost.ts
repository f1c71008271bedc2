/**
 * What issue 11's analyzers cost a scan of a large image: the ~1 GB image (bench/large-image.ts) with
 * one more layer holding a Java service (a 200-jar Spring Boot fat jar) and a ~120 MB Go binary,
 * inventoried in this process with every analyzer, against the same inventory with only the
 * analyzers Tollgate had before them (os-release, dpkg, apk, npm, python). Both with no layer cache
 * and the page cache as the previous run left it (this container cannot drop it), alternated so
 * neither order is favoured, median of 5 each. Wall time and the CPU time of this process (user +
 * system, every thread: zlib's included) are both reported: on a machine shared with other work the
 * wall time of one configuration varies by more than the difference measured, the CPU time much
 * less. The target is at most 10% more.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { inventoryImage } from '../src/engine/inventory-image.js';
import { openImage } from '../src/image/sources.js';
import { apkAnalyzer } from '../src/inventory/apk/index.js';
import { dpkgAnalyzer } from '../src/inventory/dpkg/index.js';
import { ANALYZERS } from '../src/inventory/list.js';
import { npmAnalyzer } from '../src/inventory/npm/index.js';
import { osReleaseAnalyzer } from '../src/inventory/os-release/index.js';
import { pythonAnalyzer } from '../src/inventory/python/index.js';
import type { InventoryAnalyzer } from '../src/inventory/analyzer.js';
import { makeTar } from '../test/support/image-builder.js';
import { buildOnce } from '../test/support/fixture-cache.js';
import type { Rows } from './compliance.js';
import { ensureLargeGoBinary } from './go-binary.js';
import { buildFatJar } from './java.js';
import { ensureLargeImage } from './large-image.js';

/** The analyzers before issue 11: the baseline. */
const BEFORE: readonly InventoryAnalyzer[] = [osReleaseAnalyzer, dpkgAnalyzer, apkAnalyzer, npmAnalyzer, pythonAnalyzer];

interface Manifest {
  config: { digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}

/** The ~1 GB image plus a layer with the fat jar and the Go binary; blobs hard-linked from it. */
async function ensureJavaGoImage(): Promise<string> {
  const large = await ensureLargeImage();
  return buildOnce('large-image-java-go', 1, async (target) => {
    const blobs = path.join(target, 'blobs', 'sha256');
    await mkdir(blobs, { recursive: true });
    for (const name of await readdir(path.join(large, 'blobs', 'sha256'))) await link(path.join(large, 'blobs', 'sha256', name), path.join(blobs, name));
    const blob = (digest: string): string => path.join(blobs, digest.slice(7));
    const writeBlob = async (content: Buffer): Promise<{ digest: string; size: number }> => {
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      await writeFile(blob(digest), content);
      return { digest, size: content.length };
    };
    const index = JSON.parse(await readFile(path.join(large, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(await readFile(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as Manifest;
    const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] }; history: { created_by?: string }[] };
    const tar = await makeTar([
      { type: 'file', name: 'srv/java/service.jar', content: await buildFatJar() },
      { type: 'file', name: 'usr/local/bin/service', content: await readFile(await ensureLargeGoBinary()), mode: 0o755 },
    ]);
    const layer = await writeBlob(gzipSync(tar, { level: 6 }));
    manifest.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer });
    config.rootfs.diff_ids.push(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
    config.history.push({ created_by: 'COPY service.jar service /' });
    manifest.config = { ...manifest.config, ...(await writeBlob(Buffer.from(JSON.stringify(config)))) };
    const manifestBlob = await writeBlob(Buffer.from(JSON.stringify(manifest)));
    await writeFile(path.join(target, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(path.join(target, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': 'java-go' } }] }));
  });
}

async function timeInventory(reference: string, analyzers: readonly InventoryAnalyzer[]): Promise<{ seconds: number; cpuSeconds: number; packages: number; types: Record<string, number> }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const source = await openImage(reference);
  try {
    const inventory = await inventoryImage(source, { analyzers });
    const types: Record<string, number> = {};
    for (const pkg of inventory.packages) types[pkg.type] = (types[pkg.type] ?? 0) + 1;
    const used = process.cpuUsage(cpu);
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (used.user + used.system) / 1e6, packages: inventory.packages.length, types };
  } finally {
    await source.close();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function benchAnalyzerCost(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const layout = await ensureJavaGoImage();
  const reference = `oci:${layout}:java-go`;
  // One untimed pass of each, so both start from the same page cache.
  await timeInventory(reference, BEFORE);
  const all = await timeInventory(reference, ANALYZERS);
  const before: { seconds: number; cpuSeconds: number }[] = [];
  const after: { seconds: number; cpuSeconds: number }[] = [];
  for (let i = 0; i < 5; i++) {
    before.push(await timeInventory(reference, BEFORE));
    after.push(await timeInventory(reference, ANALYZERS));
  }
  const wall = [median(before.map((run) => run.seconds)), median(after.map((run) => run.seconds))] as const;
  const cpu = [median(before.map((run) => run.cpuSeconds)), median(after.map((run) => run.cpuSeconds))] as const;
  const percent = ([base, full]: readonly [number, number]): string => `${full >= base ? '+' : ''}${((full / base - 1) * 100).toFixed(1)}%`;
  results.analyzerCost = { image: '~1 GB + fat jar + 120 MB Go binary', before, all: after, wallMedians: wall, cpuMedians: cpu, packagesByType: all.types };
  const contents = Object.entries(all.types).map(([type, count]) => `${count} ${type}`).join(', ');
  rows.push(['analyzer cost: ~1 GB image + 200-jar fat jar + 120 MB Go binary, pre-issue-11 analyzers, no layer cache: wall (median of 5)', `${wall[0].toFixed(2)} s`, 'baseline']);
  rows.push([`analyzer cost: same image, every analyzer (${contents}): wall (median of 5)`, `${wall[1].toFixed(2)} s`, `${percent(wall)} (target <= +10%)`]);
  rows.push(['analyzer cost: pre-issue-11 analyzers: CPU time, user + system (median of 5)', `${cpu[0].toFixed(2)} s`, 'baseline']);
  rows.push(['analyzer cost: every analyzer: CPU time, user + system (median of 5)', `${cpu[1].toFixed(2)} s`, `${percent(cpu)} (target <= +10%)`]);
}
