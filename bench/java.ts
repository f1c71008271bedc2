/**
 * Java archives benchmark: a Spring Boot fat jar of 200 jars (Debian's own jars from /usr/share/java,
 * repeated under other names to reach 200; stored under BOOT-INF/lib/ as Spring Boot requires),
 * read by the java analyzer from a file on disk by position (as the scan reads a spilled file), and
 * scanned end to end by the built CLI as a `dir:` image holding it.
 * Baselines in the same run: `unzip -l` of the fat jar (its central directory only, the least any
 * reader does) and Node's zlib inflating every member of the fat jar and of every jar in it (what
 * reading the whole archive costs; the analyzer reads only metadata).
 */
import { execFile } from 'node:child_process';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { readJavaArchive } from '../src/inventory/java/index.js';
import { debianJars, springBootJar } from '../src/inventory/java/test-support/archives.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function medianOf3(task: () => Promise<number>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await task());
  return [...runs].sort((a, b) => a - b)[1] as number;
}

/** Every member of a zip in memory, inflated and dropped; nested jars opened and inflated the same way. */
async function inflateAll(bytes: Buffer, depth = 0): Promise<number> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  let total = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>) chunks.push(chunk);
    const content = Buffer.concat(chunks);
    total += content.length;
    if (depth === 0 && entry.fileName.endsWith('.jar')) total += await inflateAll(content, depth + 1);
  }
  return total;
}

/** A Spring Boot fat jar of 200 of Debian's jars (repeated under other names to reach 200). */
export async function buildFatJar(): Promise<Buffer> {
  const sources = debianJars();
  const jars = await Promise.all(
    Array.from({ length: 200 }, async (_, index) => {
      const file = sources[index % sources.length] as string;
      const copy = Math.floor(index / sources.length);
      const base = path.basename(file, '.jar');
      return { name: copy === 0 ? `${base}.jar` : `${base}-copy${copy}.jar`, content: await readFile(file) };
    }),
  );
  return springBootJar(jars);
}

export async function benchJava(cli: string, db: string, work: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const fat = await buildFatJar();
  const root = path.join(work, 'java-rootfs');
  await mkdir(path.join(root, 'app'), { recursive: true });
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'os-release'), 'ID=debian\nVERSION_ID="12"\n');
  const fatFile = path.join(root, 'app', 'app.jar');
  await writeFile(fatFile, fat);

  let packages = 0;
  const analyzer = await medianOf3(async () => {
    const handle = await open(fatFile, 'r');
    try {
      const { size } = await handle.stat();
      const file = {
        size,
        read: async (position: number, length: number) => {
          const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          return buffer.subarray(0, bytesRead);
        },
      };
      const start = process.hrtime.bigint();
      const result = await readJavaArchive(file, '/app/app.jar');
      packages = result.packages?.length ?? 0;
      return seconds(start);
    } finally {
      await handle.close();
    }
  });
  const unzipList = await medianOf3(async () => {
    const start = process.hrtime.bigint();
    await run('unzip', ['-l', fatFile], { maxBuffer: 64 * 1024 * 1024 });
    return seconds(start);
  });
  let inflated = 0;
  const inflate = await medianOf3(async () => {
    const start = process.hrtime.bigint();
    inflated = await inflateAll(await readFile(fatFile));
    return seconds(start);
  });
  const cliScan = await medianOf3(async () => {
    const start = process.hrtime.bigint();
    await run(process.execPath, [cli, 'image', 'scan', `dir:${root}`, '--db', db, '--format', 'json', '--output', path.join(work, 'java-scan.json')], { maxBuffer: 64 * 1024 * 1024 });
    return seconds(start);
  });
  const scanned = JSON.parse(await readFile(path.join(work, 'java-scan.json'), 'utf8')) as { packages: { type: string }[] };
  const cliPackages = scanned.packages.filter((p) => p.type === 'maven').length;

  results.java = { jars: 200, fatJarBytes: fat.length, packages, cliPackages, analyzerSeconds: analyzer, cliScanSeconds: cliScan, unzipListSeconds: unzipList, nodeInflateAllSeconds: inflate, inflatedBytes: inflated };
  const mb = (fat.length / 1e6).toFixed(1);
  rows.push([`java: 200-jar Spring Boot fat jar (${mb} MB), analyzer from disk (${packages} packages), median of 3`, `${(analyzer * 1000).toFixed(0)} ms`, `unzip -l ${(unzipList * 1000).toFixed(0)} ms; Node inflating every member ${(inflate * 1000).toFixed(0)} ms (${(inflated / 1e6).toFixed(0)} MB)`]);
  rows.push([`java: tollgate image scan dir: holding it (${cliPackages} maven packages), median of 3`, `${(cliScan * 1000).toFixed(0)} ms`, 'includes start-up and the database']);
}
