/**
 * Tollgate's benchmarks (`npm run bench`). Every figure is compared with a baseline measured in the
 * same run on the same machine:
 *
 * - start-up: `node -e 0` and `tollgate --version`, the floor under every warm scan;
 * - image scan: the built CLI scanning the bookworm fixture and a ~1 GB image, cold (page cache
 *   dropped where the kernel allows) and warm, against `gunzip -c` of the same layers to /dev/null
 *   and against Node's zlib inflating them with no parsing (the least work any scan does); peak RSS;
 * - registry and daemon: the same images pulled from a docker-registry on loopback and read from a
 *   dockerd, cold (empty layer cache) and warm (every layer cached), against `skopeo copy` of the
 *   same image from the same registry to an OCI layout on disk (which stores the blobs compressed,
 *   so the inflate floor is shown next to it), and against `docker save` for the daemon;
 * - matching: 5,000 packages against a database of 100,000 generated advisories;
 * - compliance: the built-in baselines locally, over SSH and on a root filesystem, against Lynis
 *   (bench/compliance.ts).
 *
 * - render: every image report format for 10,000 findings (bench/render.ts).
 * - harbor: the Harbor adapter's report conversion and its answers over loopback, against
 *   JSON.stringify and a bare node:http server (bench/harbor.ts).
 * - startup: `node -e 0`, `tollgate --version` and a warm scan, each with and without the V8 code
 *   cache the launcher keeps (bench/startup.ts).
 * - db: the prebuilt database artifact: pull + verify + install against curl + zstd -d, a first
 *   scan on an empty cache, sizes per ecosystem, and today's raw db update path (bench/vulndb.ts).
 * - rpm: Tollgate's reader of the three rpm database formats against `rpm -qa --root` on the same
 *   databases, real and of realistic size (bench/rpm.ts).
 * - sbom: a 50,000-component CycloneDX SBOM read into an inventory against JSON.parse of it, and
 *   scanned end to end by the CLI (bench/sbom.ts).
 * - java: a 200-jar Spring Boot fat jar read by the java analyzer and scanned by the CLI, against
 *   `unzip -l` and Node's zlib inflating every member of it (bench/java.ts).
 * - lockfiles: large Gemfile.lock, composer.lock and .deps.json parsed by their analyzers, against
 *   JSON.parse of the same bytes (bench/lock-files.ts).
 *
 * - go-binary: the build information of a ~120 MB Go binary, against `go version -m` on it, and a
 *   folder holding it scanned, against `cat` of it (bench/go-binary.ts).
 *
 * - analyzers: the ~1 GB image with a Java service and a Go binary added, inventoried with every
 *   analyzer against the analyzers before issue 11, in the same run (bench/analyzer-cost.ts).
 *
 * - server: the platform server on SQLite and PostgreSQL: 200 pollers on the result endpoint,
 *   ingest of 1,000 results, re-evaluation of 1,000 inventories (bench/server.ts).
 * - image-search: the images list's search and the latest-scan query in the store, SQLite and
 *   PostgreSQL, with migration 0008's indexes against the store without them (bench/image-search.ts).
 * - scap: Debian's SCAP content evaluated by Tollgate and by OpenSCAP, same content and targets (bench/scap.ts).
 * - oval: every OVAL definition of Debian's SSG content on a dir: root filesystem, against
 *   `oscap oval eval` in its offline mode (bench/oval.ts).
 * - azure-task: the Azure DevOps image task against the CLI it runs, same scan and reports
 *   (bench/azure-task.ts).
 * - ci: the GitHub Action against the CLI running the same scan, and SARIF within code
 *   scanning's limits against SARIF without them (bench/ci.ts).
 * - connector: marker tag -> result through a CI sensor (cold and warm layer cache), 20 images
 *   tagged at once, and a compliance job run by a worker over SSH, each against the standalone
 *   scan of the same target (bench/connector.ts).
 * - ssh-walk: recursive OVAL file objects over ssh:// with one remote find per tree, against the
 *   same connection listing folder by folder, and local (bench/ssh-walk.ts).
 *
 * `npm run bench -- startup image remote matching render sbom compliance db rpm java go-binary lockfiles analyzers server scap oval azure-task ci harbor connector ssh-walk image-search` picks parts; no argument runs all.
 *
 * Results print as a table and are written to bench/results/latest.json.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openVulnDatabase } from '../src/vulndb/database.js';
import { generateDatabase, packageName, seededRandom } from '../src/vulndb/test-support/generate.js';
import { matchPackages } from '../src/match/matcher.js';
import type { Package } from '../src/model/package.js';
import { REPO_ROOT } from '../test/support/fixture-cache.js';
import { ensureBookwormImage } from '../test/support/images.js';
import { ensureLargeImage } from './large-image.js';
import { benchSbom } from './sbom.js';
import { startRegistry } from '../test/support/registry.js';
import { startDockerd } from '../test/support/dockerd.js';
import { startThrottledLink } from './throttled-link.js';
import { benchCompliance } from './compliance.js';
import { benchScap } from './scap.js';
import { benchSshWalk } from './ssh-walk.js';
import { benchRender } from './render.js';
import { benchServer } from './server.js';
import { benchImageSearch } from './image-search.js';
import { benchHarbor } from './harbor.js';
import { benchStartup } from './startup.js';
import { benchDatabase } from './vulndb.js';
import { benchRpm } from './rpm.js';
import { benchOval } from './oval.js';
import { benchJava } from './java.js';
import { benchGoBinary } from './go-binary.js';
import { benchLockFiles } from './lock-files.js';
import { benchAnalyzerCost } from './analyzer-cost.js';
import { benchAzureTask } from './azure-task.js';
import { benchCi } from './ci.js';
import { benchConnector } from './connector.js';

const CLI = path.join(REPO_ROOT, 'dist', 'bin', 'tollgate.cjs');
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

/**
 * The least work any scan of these layers does: Node's zlib inflating every layer to nothing, all
 * layers at once as the scan reads them. `skopeo copy` stores blobs as they are and never pays it.
 */
async function timeInflate(blobs: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  const discard = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await Promise.all(blobs.map((blob) => pipeline(createReadStream(blob, { highWaterMark: 256 * 1024 }), createGunzip({ chunkSize: 1024 * 1024 }), discard())));
  return seconds(start);
}

/** The inflate floor of each image layout, measured once (median of 3) and shared by every part. */
const inflateFloors = new Map<string, Promise<number>>();
function inflateFloor(layout: string): Promise<number> {
  let floor = inflateFloors.get(layout);
  if (!floor) {
    floor = layerBlobs(layout).then((blobs) => medianOf3(() => timeInflate(blobs)));
    inflateFloors.set(layout, floor);
  }
  return floor;
}

/** Runs the CLI under /usr/bin/time; returns wall seconds and peak RSS in MB. */
function timeScan(reference: string, db: string, cacheDir: string | undefined): { seconds: number; rssMb: number } {
  const start = process.hrtime.bigint();
  const cache = cacheDir ? ['--cache-dir', cacheDir] : ['--no-cache'];
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, 'image', 'scan', reference, '--db', db, '--format', 'json', '--output', '/dev/null', '--quiet', ...cache], { encoding: 'utf8' });
  const elapsed = seconds(start);
  if (run.status !== 0) throw new Error(`scan failed: ${run.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  return { seconds: elapsed, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

async function benchImage(label: string, layout: string, reference: string, db: string, work: string): Promise<void> {
  const blobs = await layerBlobs(layout);
  const compressed = blobs.reduce((sum, blob) => sum + Number(execFileSync('stat', ['-c', '%s', blob]).toString()), 0);
  const dropped = dropCaches();
  const cold = timeScan(reference, db, undefined);
  const gunzipRuns = [timeGunzip(blobs), timeGunzip(blobs), timeGunzip(blobs)];
  const inflate = await inflateFloor(layout);
  const uncachedRuns = [timeScan(reference, db, undefined), timeScan(reference, db, undefined), timeScan(reference, db, undefined)];
  const cacheDir = path.join(work, `cache-${label.replace(/\W+/g, '-')}`);
  timeScan(reference, db, cacheDir);
  const warmRuns = [timeScan(reference, db, cacheDir), timeScan(reference, db, cacheDir), timeScan(reference, db, cacheDir)];
  const gunzip = median(gunzipRuns);
  const uncached = median(uncachedRuns.map((run) => run.seconds));
  const warm = median(warmRuns.map((run) => run.seconds));
  const rss = Math.max(cold.rssMb, ...uncachedRuns.map((run) => run.rssMb));
  results[label] = { compressedBytes: compressed, pageCacheDropped: dropped, coldScanSeconds: cold.seconds, uncachedScanSecondsMedian: uncached, warmScanSecondsMedian: warm, gunzipSecondsMedian: gunzip, coldOverGunzip: cold.seconds / gunzip, inflateSeconds: inflate, peakRssMb: rss };
  rows.push([`${label}: cold scan, no layer cache (${dropped ? 'page cache dropped' : 'page cache NOT dropped'})`, `${cold.seconds.toFixed(2)} s`, `${(cold.seconds / gunzip).toFixed(2)}x gunzip (target <= 1.5x)`]);
  rows.push([`${label}: no layer cache, page cache warm (median of 3)`, `${uncached.toFixed(2)} s`, `${(uncached / gunzip).toFixed(2)}x gunzip`]);
  rows.push([`${label}: warm scan, every layer cached (median of 3)`, `${(warm * 1000).toFixed(0)} ms`, '']);
  rows.push([`${label}: gunzip -c of the same ${blobs.length} layers (${(compressed / 1e6).toFixed(0)} MB, median of 3)`, `${gunzip.toFixed(2)} s`, 'baseline']);
  rows.push([`${label}: Node's zlib inflating the same layers at once, no parsing (median of 3)`, `${inflate.toFixed(2)} s`, `the scan is ${(uncached / inflate).toFixed(2)}x this`]);
  rows.push([`${label}: peak RSS of the scan`, `${rss.toFixed(0)} MB`, '']);
}

/**
 * Times a command without blocking the event loop: the throttled link forwards bytes in this
 * process, so a synchronous spawn would stall the very transfer it measures.
 */
async function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const start = process.hrtime.bigint();
  try {
    await promisify(execFile)(command, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  return seconds(start);
}

async function medianOf3(run: (i: number) => Promise<number>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await run(i));
  return median(runs);
}

/** Bytes per second of the emulated link between registry and scanner (200 Mbit/s). */
const LINK_BYTES_PER_SECOND = 25_000_000;

async function benchRemote(label: string, layout: string, tag: string, db: string, work: string, throttled: boolean): Promise<void> {
  const registry = await startRegistry();
  const dockerd = throttled ? undefined : await startDockerd();
  const link = throttled ? await startThrottledLink(Number(registry.host.split(':')[1]), LINK_BYTES_PER_SECOND) : undefined;
  label = `${label} ${throttled ? 'over a 200 Mbit/s link' : 'on unthrottled loopback'}`;
  try {
    await registry.push(`oci:${layout}:${tag}`, `bench/${tag}:1`);
    const remote = `${link ? `127.0.0.1:${link.port}` : registry.host}/bench/${tag}:1`;
    const inflate = await inflateFloor(layout);
    const skopeo = await medianOf3((i) => timeCommand('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${remote}`, `oci:${path.join(work, `pulled-${tag}-${throttled}-${i}`)}:x`]));
    const scanArgs = (reference: string, cache: string) => [CLI, 'image', 'scan', reference, '--db', db, '--format', 'json', '--output', '/dev/null', '--quiet', '--cache-dir', cache];
    const scanRegistry = (cache: string) => timeCommand(process.execPath, [...scanArgs(`registry:${remote}`, cache), '--registry-insecure']);
    const coldRegistry = await medianOf3((i) => scanRegistry(path.join(work, `cold-registry-${tag}-${throttled}-${i}`)));
    const warmCache = path.join(work, `warm-registry-${tag}-${throttled}`);
    await scanRegistry(warmCache);
    const warmRegistry = await medianOf3(() => scanRegistry(warmCache));
    const entry: Record<string, number> = { skopeoCopySeconds: skopeo, inflateSeconds: inflate, coldRegistrySeconds: coldRegistry, warmRegistrySeconds: warmRegistry, coldOverSkopeo: coldRegistry / skopeo, coldOverInflate: coldRegistry / inflate };
    rows.push([`${label}: skopeo copy from the registry to disk (median of 3)`, `${skopeo.toFixed(2)} s`, 'baseline']);
    rows.push([`${label}: zlib inflate of the layers from disk, no parsing (median of 3)`, `${inflate.toFixed(2)} s`, `${(inflate / skopeo).toFixed(2)}x skopeo copy: the floor of any scan`]);
    rows.push([`${label}: cold registry scan, empty cache (median of 3)`, `${coldRegistry.toFixed(2)} s`, `${(coldRegistry / skopeo).toFixed(2)}x skopeo copy (target <= 1.3x), ${(coldRegistry / inflate).toFixed(2)}x inflate`]);
    rows.push([`${label}: warm registry scan, every layer cached (median of 3)`, `${(warmRegistry * 1000).toFixed(0)} ms`, 'target < 300 ms']);
    if (dockerd) {
      await dockerd.docker(['pull', '--quiet', remote]);
      const dockerSave = await medianOf3(() => timeCommand('sh', ['-c', `docker -H unix://${dockerd.socket} save '${remote}' > /dev/null`]));
      const scanDaemon = (cache: string) => timeCommand(process.execPath, scanArgs(`docker:${remote}`, cache), { DOCKER_HOST: `unix://${dockerd.socket}` });
      const coldDaemon = await medianOf3((i) => scanDaemon(path.join(work, `cold-daemon-${tag}-${i}`)));
      const warmDaemonCache = path.join(work, `warm-daemon-${tag}`);
      await scanDaemon(warmDaemonCache);
      const warmDaemon = await medianOf3(() => scanDaemon(warmDaemonCache));
      Object.assign(entry, { dockerSaveSeconds: dockerSave, coldDaemonSeconds: coldDaemon, warmDaemonSeconds: warmDaemon });
      rows.push([`${label}: docker save to /dev/null (median of 3)`, `${dockerSave.toFixed(2)} s`, 'baseline: the daemon producing the export']);
      rows.push([`${label}: cold daemon scan (median of 3)`, `${coldDaemon.toFixed(2)} s`, `${(coldDaemon / dockerSave).toFixed(2)}x docker save`]);
      rows.push([`${label}: warm daemon scan, nothing exported (median of 3)`, `${(warmDaemon * 1000).toFixed(0)} ms`, 'target < 300 ms']);
    }
    results[`${label} (remote)`] = entry;
  } finally {
    await link?.close();
    await dockerd?.stop();
    await registry.stop();
  }
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
  // `npm run bench -- compliance matching` runs only those parts; no argument runs them all.
  const wanted = new Set(process.argv.slice(2));
  const runs = (part: string): boolean => wanted.size === 0 || wanted.has(part);
  // The bookworm image is built (minutes on a fresh machine) only for the parts that scan it.
  const needsBookworm = ['startup', 'image', 'remote', 'db', 'azure-task', 'ci'].some(runs);
  const bookworm = needsBookworm ? await ensureBookwormImage() : undefined;
  const image = (): NonNullable<typeof bookworm> => {
    if (!bookworm) throw new Error('the bookworm image was not built for this part');
    return bookworm;
  };
  const large = runs('image') || runs('remote') ? await ensureLargeImage() : '';
  if (runs('image') || runs('remote')) {
    // What any Node CLI pays before its first line of work, next to which the warm scans stand.
    const nodeStart = await medianOf3(() => timeCommand(process.execPath, ['-e', '0']));
    const version = await medianOf3(() => timeCommand(process.execPath, [CLI, '--version']));
    results.startup = { nodeSeconds: nodeStart, tollgateVersionSeconds: version };
    rows.push(['start-up: node -e 0 (median of 3)', `${(nodeStart * 1000).toFixed(0)} ms`, 'baseline for the warm scans']);
    rows.push(['start-up: tollgate --version (median of 3)', `${(version * 1000).toFixed(0)} ms`, '']);
  }
  if (runs('startup')) await benchStartup(CLI, image().ociReference, db, work, rows, results);
  if (runs('image')) {
    await benchImage('bookworm fixture', image().ociDir, image().ociReference, db, work);
    await benchImage('~1 GB image', large, `oci:${large}:large`, db, work);
  }
  if (runs('remote')) {
    for (const throttled of [false, true]) {
      await benchRemote('bookworm fixture', image().ociDir, 'bookworm', db, work, throttled);
      await benchRemote('~1 GB image', large, 'large', db, work, throttled);
    }
  }
  // Rendering first: a CLI renders in a process that has only scanned, not one whose heap still
  // holds the 100,000-advisory matching run.
  if (runs('render')) await benchRender(rows, results);
  if (runs('harbor')) await benchHarbor(rows, results);
  if (runs('sbom')) await benchSbom(CLI, db, work, rows, results);
  if (runs('lockfiles')) benchLockFiles(rows, results);
  if (runs('matching')) await benchMatching(work);
  if (runs('compliance')) await benchCompliance(CLI, work, rows, results);
  if (runs('scap')) await benchScap(CLI, work, rows, results);
  if (runs('db')) await benchDatabase(CLI, work, image().ociReference, rows, results);
  if (runs('rpm')) await benchRpm(rows, results);
  if (runs('oval')) await benchOval(rows, results);
  if (runs('java')) await benchJava(CLI, db, work, rows, results);
  if (runs('go-binary')) await benchGoBinary(CLI, db, work, rows, results);
  if (runs('analyzers')) await benchAnalyzerCost(rows, results);
  if (runs('server')) await benchServer(rows, results);
  if (runs('image-search')) await benchImageSearch(rows, results);
  if (runs('azure-task')) await benchAzureTask(CLI, db, work, image().ociReference, rows, results);
  if (runs('ci')) await benchCi(CLI, db, image().ociReference, work, rows, results);
  if (runs('connector')) await benchConnector(CLI, db, work, rows, results);
  if (runs('ssh-walk')) await benchSshWalk(rows, results);
} finally {
  await rm(work, { recursive: true, force: true });
}

const width = Math.max(...rows.map((row) => row[0].length));
process.stdout.write(`${rows.map(([name, value, note]) => `${name.padEnd(width)}  ${value.padStart(9)}  ${note}`).join('\n')}\n`);
await mkdir(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
await writeFile(path.join(REPO_ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
