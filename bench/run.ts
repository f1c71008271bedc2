/**
 * Tollgate's benchmarks (`npm run bench`). Every figure is compared with a baseline measured in the
 * same run on the same machine:
 *
 * - image scan: the built CLI scanning the bookworm fixture and a ~1 GB image, cold (page cache
 *   dropped where the kernel allows) and warm, against `gunzip -c` of the same layers to /dev/null;
 *   peak RSS of the scan;
 * - matching: 5,000 packages against a database of 100,000 generated advisories.
 *
 * Results print as a table and are written to bench/results/latest.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openVulnDatabase } from '../src/vulndb/database.js';
import { generateDatabase, packageName, seededRandom } from '../src/vulndb/test-support/generate.js';
import { matchPackages } from '../src/match/matcher.js';
import type { Package } from '../src/inventory/types.js';
import { REPO_ROOT } from '../test/support/fixture-cache.js';
import { ensureBookwormImage } from '../test/support/images.js';
import { ensureLargeImage } from './large-image.js';

const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const results: Record<string, unknown> = { machine: { cpus: spawnSync('nproc').stdout.toString().trim(), node: process.version }, at: new Date().toISOString() };
const rows: [string, string, string][] = [];

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function dropCaches(): boolean {
  spawnSync('sync');
  const answer = spawnSync('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  return answer.status === 0;
}

async function layerBlobs(layout: string): Promise<string[]> {
  const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (digest: string) => path.join(layout, 'blobs', 'sha256', digest.slice(7));
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((layer) => blob(layer.digest));
}

function timeGunzip(blobs: string[]): number {
  const start = process.hrtime.bigint();
  for (const blob of blobs) execFileSync('sh', ['-c', `gunzip -c '${blob}' > /dev/null`]);
  return seconds(start);
}

/** Runs the CLI under /usr/bin/time; returns wall seconds and peak RSS in MB. */
function timeScan(reference: string, db: string): { seconds: number; rssMb: number } {
  const start = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, 'image', 'scan', reference, '--db', db, '--format', 'json', '--output', '/dev/null', '--quiet'], { encoding: 'utf8' });
  const elapsed = seconds(start);
  if (run.status !== 0) throw new Error(`scan failed: ${run.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  return { seconds: elapsed, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

async function benchImage(label: string, layout: string, reference: string, db: string): Promise<void> {
  const blobs = await layerBlobs(layout);
  const compressed = blobs.reduce((sum, blob) => sum + Number(execFileSync('stat', ['-c', '%s', blob]).toString()), 0);
  const dropped = dropCaches();
  const cold = timeScan(reference, db);
  const gunzipRuns = [timeGunzip(blobs), timeGunzip(blobs), timeGunzip(blobs)];
  const warmRuns = [timeScan(reference, db), timeScan(reference, db), timeScan(reference, db)];
  const gunzip = median(gunzipRuns);
  const warm = median(warmRuns.map((run) => run.seconds));
  const rss = Math.max(cold.rssMb, ...warmRuns.map((run) => run.rssMb));
  results[label] = { compressedBytes: compressed, pageCacheDropped: dropped, coldScanSeconds: cold.seconds, warmScanSecondsMedian: warm, gunzipSecondsMedian: gunzip, coldOverGunzip: cold.seconds / gunzip, warmOverGunzip: warm / gunzip, peakRssMb: rss };
  rows.push([`${label}: cold scan (${dropped ? 'page cache dropped' : 'page cache NOT dropped'})`, `${cold.seconds.toFixed(2)} s`, `${(cold.seconds / gunzip).toFixed(2)}x gunzip`]);
  rows.push([`${label}: warm scan (median of 3)`, `${warm.toFixed(2)} s`, `${(warm / gunzip).toFixed(2)}x gunzip`]);
  rows.push([`${label}: gunzip -c of the same ${blobs.length} layers (${(compressed / 1e6).toFixed(0)} MB, median of 3)`, `${gunzip.toFixed(2)} s`, 'baseline']);
  rows.push([`${label}: peak RSS of the scan`, `${rss.toFixed(0)} MB`, '']);
}

async function benchMatching(work: string): Promise<void> {
  const file = path.join(work, 'generated.db');
  const generationStart = process.hrtime.bigint();
  generateDatabase(file, 100_000, 20_000);
  const generation = seconds(generationStart);
  const random = seededRandom(7);
  const packages: Package[] = Array.from({ length: 5000 }, (_, i) => {
    const name = packageName(Math.floor(random() * 20_000));
    const version = `${Math.floor(random() * 5)}.${Math.floor(random() * 10)}.${Math.floor(random() * 10)}`;
    return { id: `p${i}`, type: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, location: `/app/node_modules/${name}/package.json` };
  });
  const runs: number[] = [];
  let findings = 0;
  for (let i = 0; i < 5; i++) {
    const db = openVulnDatabase(file);
    const start = process.hrtime.bigint();
    findings = matchPackages(packages, undefined, db).findings.length;
    runs.push(seconds(start));
    db.close();
  }
  results.matching = { advisories: 100_000, packages: 5000, findings, firstRunSeconds: runs[0], medianSeconds: median(runs), generationSeconds: generation };
  rows.push([`matching: 5,000 packages x 100,000 advisories (${findings} findings), first run`, `${(runs[0] as number).toFixed(3)} s`, 'target < 1 s']);
  rows.push(['matching: median of 5 (fresh database handle each)', `${median(runs).toFixed(3)} s`, 'target < 1 s']);
}

const work = await mkdtemp(path.join(tmpdir(), 'tollgate-bench-'));
try {
  if (spawnSync(process.execPath, [CLI, '--version']).status !== 0) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const db = path.join(work, 'fixture.db');
  execFileSync(process.execPath, [CLI, 'db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db, '--quiet']);
  const bookworm = await ensureBookwormImage();
  await benchImage('bookworm fixture', bookworm.ociDir, bookworm.ociReference, db);
  const large = await ensureLargeImage();
  await benchImage('~1 GB image', large, `oci:${large}:large`, db);
  await benchMatching(work);
} finally {
  await rm(work, { recursive: true, force: true });
}

const width = Math.max(...rows.map((row) => row[0].length));
process.stdout.write(`${rows.map(([name, value, note]) => `${name.padEnd(width)}  ${value.padStart(9)}  ${note}`).join('\n')}\n`);
await mkdir(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPO_ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
