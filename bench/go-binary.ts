/**
 * Go binary benchmark: reading the build information of a ~120 MB Go binary, against `go version -m`
 * on the same file in the same run (Go's own reader, the baseline), and the built CLI scanning a
 * folder that holds it, against `cat` of the file (reading it once, the least any scan of a folder
 * does: the walk reads every file it hands an analyzer).
 *
 * The binary is a real one (Debian's golang-go building the test application), padded to ~120 MB
 * with a 118 MB section added by objcopy, so its headers, build information and section table sit
 * where a large program's do: the table at the far end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { analyzeGoBinary } from '../src/inventory/go-binary/index.js';
import { buildOnce } from '../test/support/fixture-cache.js';
import { GO_AVAILABLE, ensureGoBinaries } from '../test/support/go-binaries.js';
import type { Rows } from './compliance.js';

const PADDING = 118 * 1024 * 1024;

/** A ~120 MB Go binary: the test service built by golang-go, padded with a section of random bytes. */
export async function ensureLargeGoBinary(): Promise<string> {
  const { binaries } = await ensureGoBinaries();
  const dir = await buildOnce('go-binary-120mb', 1, async (out) => {
    const padding = path.join(out, 'padding.bin');
    const stream = createWriteStream(padding);
    for (let written = 0; written < PADDING; written += 1024 * 1024) stream.write(randomBytes(1024 * 1024));
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await mkdir(path.join(out, 'root'), { recursive: true });
    execFileSync('objcopy', ['--add-section', `.tollgate.padding=${padding}`, binaries['app-amd64'] as string, path.join(out, 'root', 'service')]);
    execFileSync('rm', [padding]);
  });
  return path.join(dir, 'root', 'service');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timeOurs(binary: string): Promise<{ seconds: number; bytesRead: number; packages: number }> {
  const start = process.hrtime.bigint();
  const handle = await open(binary, 'r');
  let bytesRead = 0;
  try {
    const size = (await handle.stat()).size;
    const result = await analyzeGoBinary(
      {
        size,
        async read(position, length) {
          const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
          const { bytesRead: got } = await handle.read(buffer, 0, buffer.length, position);
          bytesRead += got;
          return buffer.subarray(0, got);
        },
      },
      '/service',
    );
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytesRead, packages: result.packages?.length ?? 0 };
  } finally {
    await handle.close();
  }
}

function timeSync(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GOTOOLCHAIN: 'local' } });
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr.toString()}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function benchGoBinary(cli: string, db: string, work: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  if (!GO_AVAILABLE) {
    rows.push(['go binary: skipped', '-', 'golang-go is not installed']);
    return;
  }
  const binary = await ensureLargeGoBinary();
  const size = (await stat(binary)).size;
  await timeOurs(binary);
  const oursRuns: Awaited<ReturnType<typeof timeOurs>>[] = [];
  for (let run = 0; run < 5; run++) oursRuns.push(await timeOurs(binary));
  const goRuns = [0, 1, 2, 3, 4].map(() => timeSync('go', ['version', '-m', binary]));
  const folder = path.join(work, 'go-binary-root');
  await mkdir(path.join(folder, 'usr', 'local', 'bin'), { recursive: true });
  await copyFile(binary, path.join(folder, 'usr', 'local', 'bin', 'service'));
  const scanRuns = [0, 1, 2].map(() => timeSync(process.execPath, [cli, 'image', 'scan', `dir:${folder}`, '--db', db, '--format', 'json', '--output', '/dev/null', '--quiet', '--no-cache']));
  const catRuns = [0, 1, 2].map(() => timeSync('sh', ['-c', `cat '${path.join(folder, 'usr', 'local', 'bin', 'service')}' > /dev/null`]));
  const ours = median(oursRuns.map((run) => run.seconds));
  const go = median(goRuns);
  const scan = median(scanRuns);
  const cat = median(catRuns);
  results.goBinary = { binaryBytes: size, buildInfoSeconds: ours, bytesRead: oursRuns[0]?.bytesRead, packages: oursRuns[0]?.packages, goVersionMSeconds: go, folderScanSeconds: scan, catSeconds: cat };
  rows.push([`go binary (${(size / 1e6).toFixed(0)} MB): build information read by Tollgate (median of 5)`, `${(ours * 1000).toFixed(1)} ms`, `${((oursRuns[0]?.bytesRead ?? 0) / 1024).toFixed(0)} KiB read; ${(go / ours).toFixed(0)}x faster than go version -m`]);
  rows.push([`go binary (${(size / 1e6).toFixed(0)} MB): go version -m (median of 5)`, `${(go * 1000).toFixed(1)} ms`, 'baseline: Go’s own reader']);
  rows.push([`go binary: tollgate image scan dir: holding it, no cache (median of 3)`, `${(scan * 1000).toFixed(0)} ms`, `cat of the file ${(cat * 1000).toFixed(0)} ms (baseline: reading it once)`]);
}
