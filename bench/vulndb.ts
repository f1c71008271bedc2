/**
 * The prebuilt database benchmark (`npm run bench -- db`), every figure beside a baseline from the
 * same run:
 * - pull + verify + install of the artifact from docker-registry on loopback (the built CLI,
 *   process start included), against `curl` fetching the same blob piped through `tar -xO` and
 *   `zstd -d` to a file (the raw transfer plus decompression of the same bytes; target <= 1.3x);
 * - a first scan on an empty cache pulling from that registry, against the same scan with the
 *   database already there;
 * - artifact size and installed size per ecosystem, for a generated database whose record counts
 *   follow OSV's per-ecosystem totals (scaled, TOLLGATE_BENCH_DB_SCALE, default 0.25) and whose
 *   fields have realistic sizes; packed at zstd level 19 as the workflow does, or at
 *   TOLLGATE_BENCH_DB_LEVEL (a lower level makes large scales quick to build; the pull is timed the same way);
 * - today's raw path on the same data: `db update` from the same records served as OSV `all.zip`
 *   files on loopback (no NVD enrichment on either side), with the bytes it downloads.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { seededRandom } from '../src/vulndb/test-support/generate.js';
import { writeZip } from '../src/vulndb/test-support/osv-records.js';
import { startServer } from '../test/support/http-server.js';
import { startRegistry } from '../test/support/registry.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);

/**
 * Approximate advisory counts of OSV's per-ecosystem `all.zip` files (rounded, late 2025; npm
 * and PyPI without the malicious-package MAL- records, which match by name only).
 */
const OSV_TOTALS: Record<string, number> = { Debian: 50_000, Ubuntu: 40_000, Alpine: 12_000, npm: 20_000, PyPI: 16_000 };

const ECOSYSTEM_NAME: Record<string, (random: () => number) => string> = {
  Debian: () => 'Debian:12',
  Ubuntu: (random) => (random() < 0.5 ? 'Ubuntu:22.04:LTS' : 'Ubuntu:24.04:LTS'),
  Alpine: (random) => `Alpine:v3.${17 + Math.floor(random() * 4)}`,
  npm: () => 'npm',
  PyPI: () => 'PyPI',
};

function words(random: () => number, count: number): string {
  const pool = ['buffer', 'overflow', 'in', 'the', 'parser', 'allows', 'remote', 'attackers', 'to', 'cause', 'a', 'denial', 'of', 'service', 'via', 'crafted', 'input', 'when', 'handling', 'certificates', 'memory', 'corruption', 'use-after-free', 'integer', 'request', 'smuggling', 'path', 'traversal'];
  return Array.from({ length: count }, () => pool[Math.floor(random() * pool.length)]).join(' ');
}

/** One OSV record of realistic shape and size for `ecosystem`. */
function record(ecosystem: string, index: number, random: () => number): Record<string, unknown> {
  const cve = `CVE-${2010 + Math.floor(random() * 16)}-${10000 + index}`;
  const id = ecosystem === 'Debian' ? `DEBIAN-${cve}` : ecosystem === 'Ubuntu' ? `UBUNTU-${cve}` : ecosystem === 'Alpine' ? `ALPINE-${cve}` : ecosystem === 'PyPI' ? `PYSEC-2024-${index}` : `GHSA-${index.toString(36).padStart(4, 'x')}-bnch-mark`;
  const name = `${ecosystem.toLowerCase()}-package-${Math.floor(random() * 4000)}`;
  const affected = Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
    package: { ecosystem: ECOSYSTEM_NAME[ecosystem]?.(random) ?? ecosystem, name },
    ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}-${1 + Math.floor(random() * 5)}` }] }],
    ...(ecosystem === 'Debian' ? { ecosystem_specific: { urgency: 'not yet assigned' } } : {}),
  }));
  return {
    schema_version: '1.6.0',
    id,
    modified: '2025-10-01T00:00:00Z',
    published: '2024-03-01T00:00:00Z',
    aliases: id.startsWith('GHSA') || id.startsWith('PYSEC') ? [cve] : [],
    ...(ecosystem === 'Debian' || ecosystem === 'Ubuntu' || ecosystem === 'Alpine' ? { upstream: [cve] } : {}),
    summary: words(random, 6 + Math.floor(random() * 8)),
    details: words(random, 40 + Math.floor(random() * 160)),
    ...(random() < 0.6 ? { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] } : {}),
    affected,
    references: Array.from({ length: 2 + Math.floor(random() * 5) }, (_, i) => ({ type: 'WEB', url: `https://security.example.org/${ecosystem}/${id}/${i}` })),
  };
}

interface Timing {
  wall: number;
  /** user + sys seconds of the command and all its children: steadier than wall time on a busy machine. */
  cpu: number;
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/** Runs a shell command line under bash's `time`, output discarded. */
async function timedShell(commandLine: string, env: NodeJS.ProcessEnv = {}): Promise<Timing> {
  const { stdout } = await run('bash', ['-c', `TIMEFORMAT='%R %U %S'; { time { ${commandLine} ; } >/dev/null 2>&1 ; } 2>&1`], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const [wall, user, sys] = stdout.trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  if (wall === undefined || user === undefined || sys === undefined || [wall, user, sys].some(Number.isNaN)) throw new Error(`could not time: ${commandLine}\n${stdout}`);
  return { wall, cpu: user + sys };
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timing> {
  return timedShell([command, ...args].map(quote).join(' '), env);
}

/** The run with the median wall time of three. */
async function median3(measure: (i: number) => Promise<Timing>): Promise<Timing> {
  const values: Timing[] = [];
  for (let i = 0; i < 3; i++) values.push(await measure(i));
  return values.sort((a, b) => a.wall - b.wall)[1] as Timing;
}

const seconds = (timing: Timing): string => `${timing.wall.toFixed(2)} s`;
const cpuNote = (timing: Timing): string => `cpu ${timing.cpu.toFixed(2)} s`;

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export async function benchDatabase(cli: string, work: string, scanReference: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const folder = path.join(work, 'vulndb');
  await mkdir(folder, { recursive: true });
  const scale = Number(process.env.TOLLGATE_BENCH_DB_SCALE ?? '0.25');
  const level = process.env.TOLLGATE_BENCH_DB_LEVEL ?? '19';
  const random = seededRandom(12);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = path.join(folder, 'signing.pem');
  const publicFile = path.join(folder, 'signing.pub.pem');
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(publicFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const node = (args: string[], env: NodeJS.ProcessEnv = {}) => timed(process.execPath, [cli, ...args], env);

  // Per ecosystem: its all.zip, a database of it alone, and that database packed.
  const routes: Record<string, Buffer> = {};
  const perEcosystem: Record<string, unknown> = {};
  let zipBytes = 0;
  for (const [ecosystem, total] of Object.entries(OSV_TOTALS)) {
    const count = Math.round(total * scale);
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const osv = record(ecosystem, i, random);
      entries[`${String(osv.id)}.json`] = osv;
    }
    const zip = path.join(folder, `${ecosystem}-all.zip`);
    await writeZip(zip, entries);
    routes[`/osv/${ecosystem}/all.zip`] = await readFile(zip);
    zipBytes += (await stat(zip)).size;
    const db = path.join(folder, `${ecosystem}.db`);
    await node(['db', 'import', zip, '--db', db, '--quiet']);
    const artifact = path.join(folder, `${ecosystem}.tar`);
    await node(['db', 'build', '--from-db', db, '--output', artifact, '--signing-key', keyFile, '--quiet', '--compression-level', level]);
    const installed = (await stat(db)).size;
    const packed = (await stat(artifact)).size;
    perEcosystem[ecosystem] = { advisories: count, zipBytes: (await stat(zip)).size, installedBytes: installed, artifactBytes: packed };
    rows.push([`db: ${ecosystem}, ${count.toLocaleString('en')} advisories: installed / artifact`, mb(installed), `artifact ${mb(packed)} (${(installed / packed).toFixed(1)}:1); OSV all.zip ${mb((await stat(zip)).size)}`]);
  }

  // The whole database: today's raw path, then the artifact.
  const feeds = await startServer(routes);
  const registry = await startRegistry();
  try {
    const ecosystems = Object.keys(OSV_TOTALS).flatMap((ecosystem) => ['--ecosystem', ecosystem]);
    const rawDb = path.join(folder, 'raw.db');
    const raw = await median3((i) => node(['db', 'update', '--db', `${rawDb}.${i}`, '--no-enrich', '--quiet', ...ecosystems], { TOLLGATE_OSV_BASE_URL: `${feeds.url}/osv` }));
    const artifact = path.join(folder, 'tollgate-db.tar');
    const build = await node(['db', 'build', '--from-db', `${rawDb}.0`, '--output', artifact, '--signing-key', keyFile, '--quiet', '--compression-level', level]);
    const artifactBytes = (await stat(artifact)).size;
    const installedBytes = (await stat(`${rawDb}.0`)).size;
    await node(['db', 'push', artifact, `${registry.host}/tollgate/db`, '--registry-insecure', '--db-trusted-key', publicFile, '--quiet']);
    const manifest = (await (await fetch(`http://${registry.host}/v2/tollgate/db/manifests/1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as { layers: { digest: string }[] };
    const blobUrl = `http://${registry.host}/v2/tollgate/db/blobs/${manifest.layers[0]?.digest ?? ''}`;

    const curlOnly = await median3(() => timedShell(`curl -sf '${blobUrl}' > /dev/null`));
    const curlZstd = await median3((i) => timedShell(`curl -sf '${blobUrl}' | tar -xOf - tollgate.db.zst | zstd -dqf -o '${folder}/curl-${i}.db'`));
    const pull = await median3((i) => node(['db', 'pull', `${registry.host}/tollgate/db`, '--db', path.join(folder, `pulled-${i}.db`), '--registry-insecure', '--db-trusted-key', publicFile, '--quiet']));
    const warmDb = path.join(folder, 'pulled-0.db');
    const warmScan = await median3(() => node(['image', 'scan', scanReference, '--db', warmDb, '--quiet', '--format', 'json', '--skip-db-update', '--no-cache']));
    const firstScan = await median3((i) => node(['image', 'scan', scanReference, '--db', path.join(folder, `first-${i}`, 'tollgate.db'), '--quiet', '--format', 'json', '--no-cache', '--db-repository', `${registry.host}/tollgate/db`, '--registry-insecure', '--db-trusted-key', publicFile]));

    results.vulndb = { scale, compressionLevel: Number(level), perEcosystem, zipBytes, installedBytes, artifactBytes, build, rawUpdate: raw, curl: curlOnly, curlZstd, pull, pullOverCurlZstd: pull.wall / curlZstd.wall, pullCpuOverCurlZstdCpu: pull.cpu / curlZstd.cpu, firstScan, warmScan };
    rows.push([`db: whole database (${Object.values(OSV_TOTALS).reduce((a, b) => a + Math.round(b * scale), 0).toLocaleString('en')} advisories): installed / artifact`, mb(installedBytes), `artifact ${mb(artifactBytes)}; raw OSV zips ${mb(zipBytes)}; db build (pack, zstd -${level}) ${build.wall.toFixed(1)} s, ${cpuNote(build)}`]);
    rows.push(['db: raw path, db update from the OSV zips on loopback (median of 3)', seconds(raw), `${cpuNote(raw)}; downloads ${mb(zipBytes)}; the prebuilt pull is ${(raw.wall / pull.wall).toFixed(1)}x faster`]);
    rows.push(['db: curl of the artifact blob to /dev/null (median of 3)', seconds(curlOnly), `${cpuNote(curlOnly)}; baseline: transfer alone`]);
    rows.push(['db: curl | tar -xO | zstd -d of the same blob to a file (median of 3)', seconds(curlZstd), `${cpuNote(curlZstd)}; baseline: transfer + decompression`]);
    rows.push(['db: tollgate db pull: download, verify signature + digests, decompress, check, swap (median of 3)', seconds(pull), `${cpuNote(pull)}; ${(pull.wall / curlZstd.wall).toFixed(2)}x curl + zstd -d wall, ${(pull.cpu / curlZstd.cpu).toFixed(2)}x cpu (target <= 1.3x)`]);
    rows.push(['db: scan with the database present (median of 3)', seconds(warmScan), `${cpuNote(warmScan)}; baseline for the first scan`]);
    rows.push(['db: first scan on an empty cache, pulling from the registry (median of 3)', seconds(firstScan), `${cpuNote(firstScan)}; ${(firstScan.wall - warmScan.wall).toFixed(2)} s more than with the database present`]);
  } finally {
    await registry.stop();
    await feeds.close();
  }
}
