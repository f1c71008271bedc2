/**
 * The connectors' benchmark (`npm run bench -- connector`, issue 14), everything on loopback: a
 * real dockerd (vfs, no networking), a `tollgate server` child (SQLite, the fixture database, a
 * secret key), `tollgate sensor --mode ci`, `tollgate worker` and a real sshd. Every figure is the
 * built CLI's wall time, with its baseline measured in the same run:
 * - marker tag → result: `image scan docker:… --server --via-sensor` (tag, sensor scan, upload,
 *   server match, poll), with the sensor's layer cache empty (a fresh sensor per run) and warm,
 *   against the standalone `image scan` of the same image with no cache and with a warm cache.
 *   Target: within 1 s of the standalone scan.
 * - 20 images (the fixture with one more small layer each) tagged at once by 20 connectors: time
 *   to the last result, against 20 standalone scans of the same images at once.
 * - compliance over SSH: `compliance scan --server` (job queued, run by the worker, result polled)
 *   against the standalone `compliance scan ssh://…` of the same host and policies.
 * The daemons are stopped and their folders removed whatever happens; every wait is bounded.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startChildServer, type ChildServer } from '../src/server/test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type TestStore } from '../src/server/test-support/harness.js';
import { startDockerd, type TestDockerd } from '../test/support/dockerd.js';
import { ensureBookwormImage } from '../test/support/images.js';
import { PASSWORD_USER, startSshd, type TestSshd } from '../test/support/sshd.js';
import type { Rows } from './compliance.js';

const run = promisify(execFile);
const IMAGE = 'tollgate-test/bookworm:1';
const FAN_OUT = 20;
const POLICIES = ['linux-baseline-debian', 'ssh-server'];
/** No single CLI run of this bench may take longer (seconds). */
const RUN_LIMIT_SECONDS = 600;

interface Timed {
  seconds: number;
  code: number | null;
  output: string;
}

/** Runs the built CLI; answers its wall time, exit code and output. Killed at RUN_LIMIT_SECONDS. */
function timeCli(cli: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_SECONDS * 1000);
    child.once('exit', (code) => {
      clearTimeout(limit);
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, code, output });
    });
  });
}

/** A gate run ends 0 (pass) or 1 (fail); anything else means the figure is not a scan's. */
function checked(what: string, timed: Timed): number {
  if (timed.code !== 0 && timed.code !== 1) throw new Error(`${what} exited ${timed.code}: ${timed.output.slice(-3000)}`);
  return timed.seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.kill('SIGTERM');
  await exited;
  clearTimeout(force);
}

async function createToken(server: ChildServer, name: string, role: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, role }) });
  if (response.status !== 201) throw new Error(`token ${name}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

interface Platform {
  cli: string;
  dockerd: TestDockerd;
  server: ChildServer;
  ciToken: string;
  sensorToken: string;
  work: string;
}

/**
 * Starts `tollgate sensor --mode ci` on the dockerd with its own layer cache folder (and `extra`
 * flags); `onLine` receives each line it logs, when given.
 */
function startSensor(platform: Platform, cacheDir: string, extra: readonly string[] = [], onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [platform.cli, 'sensor', '--server', platform.server.url, '--mode', 'ci', '--docker-host', `unix://${platform.dockerd.socket}`, '--spool-dir', path.join(platform.work, 'spool'), '--cache-dir', cacheDir, '--heartbeat', '2', ...extra], {
    env: { ...process.env, TOLLGATE_TOKEN: platform.sensorToken },
    stdio: onLine ? ['ignore', 'ignore', 'pipe'] : 'ignore',
  });
  if (onLine) eachLine(child.stderr, onLine);
  return child;
}

/** Calls `onLine` with each complete line of `stream` as it arrives. */
function eachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let pending = '';
  stream?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}

const viaSensorArgs = (platform: Platform, image: string): string[] => ['image', 'scan', `docker:${image}`, '--server', platform.server.url, '--via-sensor', '--docker-host', `unix://${platform.dockerd.socket}`, '--poll', '0.1', '--timeout', String(RUN_LIMIT_SECONDS - 10), '--fail-on', 'HIGH', '--quiet'];
const standaloneArgs = (platform: Platform, image: string, db: string, cacheDir: string | undefined): string[] => ['image', 'scan', `docker:${image}`, '--db', db, '--docker-host', `unix://${platform.dockerd.socket}`, '--fail-on', 'HIGH', '--format', 'json', '--output', '/dev/null', '--quiet', ...(cacheDir ? ['--cache-dir', cacheDir] : ['--no-cache'])];

/** One connector run once the sensor is live (a run before its first heartbeat exits 3: retried, bounded). */
async function viaSensor(platform: Platform, image: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const timed = await timeCli(platform.cli, viaSensorArgs(platform, image), { TOLLGATE_TOKEN: platform.ciToken });
    if (timed.code === 3 && /no sensor in CI mode|not live/.test(timed.output) && attempt < 60) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      continue;
    }
    return checked(`image scan --via-sensor ${image}`, timed);
  }
}

async function benchImages(platform: Platform, db: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const { cli, work } = platform;
  // Standalone baselines: no cache (median of 3), then a warm cache (median of 3 after a filling run).
  const coldStandaloneRuns: number[] = [];
  for (let i = 0; i < 3; i++) coldStandaloneRuns.push(checked('standalone scan', await timeCli(cli, standaloneArgs(platform, IMAGE, db, undefined))));
  const standaloneCold = median(coldStandaloneRuns);
  const standaloneCache = path.join(work, 'standalone-cache');
  checked('standalone scan', await timeCli(cli, standaloneArgs(platform, IMAGE, db, standaloneCache)));
  const warmStandaloneRuns: number[] = [];
  for (let i = 0; i < 3; i++) warmStandaloneRuns.push(checked('standalone scan', await timeCli(cli, standaloneArgs(platform, IMAGE, db, standaloneCache))));
  const standaloneWarm = median(warmStandaloneRuns);

  // Cold sensor cache: a fresh sensor with an empty cache folder for each run.
  const coldRuns: number[] = [];
  let sensor: ChildProcess | undefined;
  try {
    for (let i = 0; i < 3; i++) {
      await stopChild(sensor);
      sensor = startSensor(platform, path.join(work, `sensor-cache-cold-${i}`));
      coldRuns.push(await viaSensor(platform, IMAGE));
    }
    // Empty cache, sensor process already busy once: a fresh sensor first scans a tiny image that
    // shares no layer with the fixture (untimed), so its process start and first-scan warm-up are out.
    const tiny = await importTinyImage(platform);
    const coldRunningRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      await stopChild(sensor);
      sensor = startSensor(platform, path.join(work, `sensor-cache-cold-running-${i}`));
      await viaSensor(platform, tiny);
      coldRunningRuns.push(await viaSensor(platform, IMAGE));
    }
    const coldRunning = median(coldRunningRuns);
    // Warm: the last sensor's cache now holds every layer of the image.
    const warmRuns: number[] = [];
    for (let i = 0; i < 3; i++) warmRuns.push(await viaSensor(platform, IMAGE));
    const cold = median(coldRuns);
    const warm = median(warmRuns);
    results.connectorImage = { standaloneNoCacheSeconds: standaloneCold, standaloneWarmCacheSeconds: standaloneWarm, viaSensorColdSeconds: cold, viaSensorWarmSeconds: warm, viaSensorColdRuns: coldRuns, viaSensorColdRunningSensorSeconds: coldRunning, viaSensorColdRunningSensorRuns: coldRunningRuns, viaSensorWarmRuns: warmRuns };
    rows.push(['connector: standalone image scan, no layer cache (median of 3)', `${standaloneCold.toFixed(2)} s`, 'baseline']);
    rows.push(['connector: marker tag -> result, empty sensor layer cache (median of 3)', `${cold.toFixed(2)} s`, `${(cold - standaloneCold >= 0 ? '+' : '')}${(cold - standaloneCold).toFixed(2)} s vs standalone (target within 1 s)`]);
    rows.push(['connector: marker tag -> result, empty sensor layer cache, sensor process warmed up (median of 3)', `${coldRunning.toFixed(2)} s`, `${(coldRunning - standaloneCold >= 0 ? '+' : '')}${(coldRunning - standaloneCold).toFixed(2)} s vs standalone (target within 1 s)`]);
    rows.push(['connector: standalone image scan, warm layer cache (median of 3)', `${standaloneWarm.toFixed(2)} s`, 'baseline']);
    rows.push(['connector: marker tag -> result, warm sensor layer cache (median of 3)', `${warm.toFixed(2)} s`, `${(warm - standaloneWarm >= 0 ? '+' : '')}${(warm - standaloneWarm).toFixed(2)} s vs standalone (target within 1 s)`]);

    // Where a cold result's time goes: one more run with a warmed-up sensor and an empty cache,
    // every line of the sensor and of the connector stamped as it arrives.
    await stopChild(sensor);
    const stamps = await phasesOfOneRun(platform, tiny, (next) => (sensor = next));
    results.connectorPhases = stamps;
    for (const [phase, seconds] of Object.entries(stamps)) rows.push([`connector: cold result, phase: ${phase}`, `${seconds.toFixed(2)} s`, 'of the marker tag -> result time above']);

    // 20 images, each the fixture plus a small layer of its own, tagged at once by 20 connectors:
    // first with a sensor scanning one image at a time (the baseline: the sensor before
    // --concurrency), then with a sensor at its default concurrency, on 20 new images.
    const serialCache = path.join(work, 'sensor-cache-fan-out-serial');
    const parallelCache = path.join(work, 'sensor-cache-fan-out-parallel');
    const fanOutRound = async (cacheDir: string, extra: string[], round: string): Promise<{ last: number; first: number }> => {
      await stopChild(sensor);
      sensor = startSensor(platform, cacheDir, extra);
      await viaSensor(platform, IMAGE); // untimed: the base layers into this sensor's cache
      const images = await buildFanOutImages(platform, round);
      const start = process.hrtime.bigint();
      const times = await Promise.all(images.map((image) => viaSensor(platform, image)));
      return { last: Number(process.hrtime.bigint() - start) / 1e9, first: Math.min(...times) };
    };
    const serial = await fanOutRound(serialCache, ['--concurrency', '1'], 'serial');
    const parallel = await fanOutRound(parallelCache, [], 'parallel');
    const fanOutCache = path.join(work, 'standalone-fan-out-cache');
    checked('standalone scan', await timeCli(cli, standaloneArgs(platform, IMAGE, db, fanOutCache)));
    const standaloneStart = process.hrtime.bigint();
    await Promise.all(Array.from({ length: FAN_OUT }, (_, i) => `tollgate-bench/app-parallel-${i}:1`).map(async (image) => checked(`standalone scan ${image}`, await timeCli(cli, standaloneArgs(platform, image, db, fanOutCache)))));
    const standaloneFanOut = Number(process.hrtime.bigint() - standaloneStart) / 1e9;
    results.connectorFanOut = { images: FAN_OUT, viaSensorSerialLastResultSeconds: serial.last, viaSensorSerialFirstResultSeconds: serial.first, viaSensorLastResultSeconds: parallel.last, viaSensorFirstResultSeconds: parallel.first, standaloneAtOnceSeconds: standaloneFanOut };
    rows.push([`connector: ${FAN_OUT} standalone scans at once (base layers cached)`, `${standaloneFanOut.toFixed(2)} s`, 'baseline']);
    rows.push([`connector: ${FAN_OUT} images tagged at once, sensor --concurrency 1, time to the last result (sensor cache warm)`, `${serial.last.toFixed(2)} s`, `${(serial.last / standaloneFanOut).toFixed(2)}x; first result after ${serial.first.toFixed(2)} s (baseline: one scan at a time)`]);
    rows.push([`connector: ${FAN_OUT} images tagged at once, sensor default concurrency (2), time to the last result (sensor cache warm)`, `${parallel.last.toFixed(2)} s`, `${(parallel.last / standaloneFanOut).toFixed(2)}x, ${(parallel.last / serial.last).toFixed(2)}x of --concurrency 1; first result after ${parallel.first.toFixed(2)} s`]);
  } finally {
    await stopChild(sensor);
  }
}

/**
 * One cold connector run with its phases: a fresh sensor (empty cache) warmed up on `tiny`, then
 * `image scan --via-sensor` (not quiet) on the fixture, each line of both stamped on arrival.
 * Phases: connector start to the tag set (CLI start, name resolution, sensor check); tag to the
 * sensor's "scanning" (event, claim, processing announcement); the scan to "uploaded" (scan, spool,
 * upload, claim completion); upload to the connector's result line (server match, poll); result to
 * exit (gate, reports).
 */
async function phasesOfOneRun(platform: Platform, tiny: string, keep: (sensor: ChildProcess) => void): Promise<Record<string, number>> {
  const origin = process.hrtime.bigint();
  const now = (): number => Number(process.hrtime.bigint() - origin) / 1e9;
  const seen: { at: number; line: string }[] = [];
  const sensor = startSensor(platform, path.join(platform.work, 'sensor-cache-phases'), [], (line) => seen.push({ at: now(), line }));
  keep(sensor);
  await viaSensor(platform, tiny);
  seen.length = 0;
  const start = now();
  let exitAt = start;
  const connectorLines: { at: number; line: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [platform.cli, ...viaSensorArgs(platform, IMAGE).filter((arg) => arg !== '--quiet')], { env: { ...process.env, NO_COLOR: '1', TOLLGATE_TOKEN: platform.ciToken }, stdio: ['ignore', 'ignore', 'pipe'] });
    eachLine(child.stderr, (line) => connectorLines.push({ at: now(), line }));
    const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_SECONDS * 1000);
    child.once('exit', (code) => {
      clearTimeout(limit);
      exitAt = now();
      if (code === 0 || code === 1) resolve();
      else reject(new Error(`the phased connector run exited ${code}: ${connectorLines.map((entry) => entry.line).join('\n')}`));
    });
  });
  const at = (entries: { at: number; line: string }[], pattern: RegExp, what: string): number => {
    const found = entries.find((entry) => pattern.test(entry.line));
    if (!found) throw new Error(`no ${what} line: ${entries.map((entry) => entry.line).join('\n')}`);
    return found.at;
  };
  const tagged = at(connectorLines, /: tagged /, 'connector "tagged"');
  const scanning = at(seen, /scanning sha256:/, 'sensor "scanning"');
  const uploaded = at(seen, /uploaded scan /, 'sensor "uploaded"');
  const result = at(connectorLines, /: result \S+ \(scanned /, 'connector "result"');
  return {
    'connector start to tag set': tagged - start,
    'tag to sensor scanning (event, claim, processing)': scanning - tagged,
    'sensor scan, spool, upload, claim completion': uploaded - scanning,
    'upload to connector result (server match, poll)': result - uploaded,
    'result to connector exit (gate, reports)': exitAt - result,
    total: exitAt - start,
  };
}

/** A one-file image imported from a tarball: it shares no layer with the fixture. */
async function importTinyImage(platform: Platform): Promise<string> {
  const root = path.join(platform.work, 'tiny-root');
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'os-release'), 'ID=debian\nVERSION_ID="12"\n');
  const tarball = path.join(platform.work, 'tiny.tar');
  await run('tar', ['-cf', tarball, '-C', root, 'etc']);
  const image = 'tollgate-bench/tiny:1';
  await platform.dockerd.docker(['import', tarball, image]);
  return image;
}

/** FAN_OUT images built on the fixture (legacy builder, COPY only: no container runs), named for `round`. */
async function buildFanOutImages(platform: Platform, round: string): Promise<string[]> {
  const images: string[] = [];
  for (let i = 0; i < FAN_OUT; i++) {
    const context = path.join(platform.work, `build-${round}-${i}`);
    await mkdir(context, { recursive: true });
    await writeFile(path.join(context, 'stamp'), `${i} ${randomBytes(16).toString('hex')}\n`);
    await writeFile(path.join(context, 'Dockerfile'), `FROM ${IMAGE}\nCOPY stamp /opt/stamp-${i}\n`);
    const image = `tollgate-bench/app-${round}-${i}:1`;
    await run('/usr/bin/docker', ['-H', `unix://${platform.dockerd.socket}`, 'build', '--quiet', '-t', image, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, maxBuffer: 16 * 1024 * 1024 });
    images.push(image);
  }
  return images;
}

async function benchCompliance(platform: Platform, sshd: TestSshd, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const { cli, work, server } = platform;
  const knownHosts = path.join(work, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const credentials = path.join(work, 'credentials.yaml');
  await writeFile(credentials, ['records:', '  - name: pw', `    username: ${PASSWORD_USER}`, '    password: { env: TG_PASSWORD }', '    sudo: { password: { env: TG_PASSWORD } }', ''].join('\n'));
  const env = { TG_PASSWORD: sshd.password };
  const policies = POLICIES.flatMap((policy) => ['--policy', policy]);
  await mkdir(path.join(work, 'worker-home'), { recursive: true });
  const worker = spawn(process.execPath, [cli, 'worker', '--server', server.url, '--label', 'External', '--poll', '1', '--heartbeat', '2', '--known-hosts', knownHosts], {
    env: { ...process.env, TOLLGATE_TOKEN: await createToken(server, 'worker-1', 'worker'), HOME: path.join(work, 'worker-home') },
    stdio: 'ignore',
  });
  try {
    const standaloneRuns: number[] = [];
    const remoteRuns: number[] = [];
    // --poll and --timeout are minutes here: 0.002 is 120 ms.
    const remoteArgs = (): string[] => ['compliance', 'scan', `127.0.0.1:${sshd.port}`, '--server', server.url, '--scanner', 'External', '--poll', '0.002', '--timeout', '9', ...policies, '--create-auth-record', 'unix', '--credentials', credentials, '--auth', 'pw', '--format', 'json=/dev/null', '--quiet'];
    // One run first: the host, group and record exist afterwards, as in a pipeline's second build.
    checked('compliance scan --server', await timeCli(cli, remoteArgs(), { ...env, TOLLGATE_TOKEN: platform.ciToken, JOB_NAME: 'bench' }));
    for (let i = 0; i < 3; i++) {
      standaloneRuns.push(checked('standalone compliance scan', await timeCli(cli, ['compliance', 'scan', `ssh://127.0.0.1:${sshd.port}`, '--credentials', credentials, '--auth', 'pw', '--known-hosts', knownHosts, ...policies, '--format', 'json=/dev/null', '--quiet'], env)));
      remoteRuns.push(checked('compliance scan --server', await timeCli(cli, remoteArgs(), { ...env, TOLLGATE_TOKEN: platform.ciToken, JOB_NAME: 'bench' })));
    }
    const standalone = median(standaloneRuns);
    const remote = median(remoteRuns);
    results.connectorCompliance = { policies: POLICIES, standaloneSeconds: standalone, viaWorkerSeconds: remote, standaloneRuns, viaWorkerRuns: remoteRuns };
    rows.push([`connector: standalone compliance scan over SSH, ${POLICIES.join(' + ')} (median of 3)`, `${standalone.toFixed(2)} s`, 'baseline']);
    rows.push(['connector: compliance scan --server, job run by a worker over SSH (median of 3)', `${remote.toFixed(2)} s`, `${(remote - standalone >= 0 ? '+' : '')}${(remote - standalone).toFixed(2)} s vs standalone (worker polls every 1 s)`]);
  } finally {
    await stopChild(worker);
  }
}

export async function benchConnector(cli: string, db: string, work: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const bookworm = await ensureBookwormImage();
  let dockerd: TestDockerd | undefined;
  let store: TestStore | undefined;
  let server: ChildServer | undefined;
  let sshd: TestSshd | undefined;
  try {
    dockerd = await startDockerd();
    await dockerd.docker(['load', '-i', bookworm.dockerArchive]);
    store = await createTestStore('sqlite');
    server = await startChildServer({ host: '127.0.0.1', port: 0, ...store.options(), vulndbPath: db, retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN, secretKey: randomBytes(32).toString('hex') });
    const platform: Platform = { cli, dockerd, server, ciToken: await createToken(server, 'pipeline', 'ci'), sensorToken: await createToken(server, 'sensor-1', 'sensor'), work: path.join(work, 'connector') };
    await mkdir(platform.work, { recursive: true });
    await benchImages(platform, db, rows, results);
    sshd = await startSshd();
    await benchCompliance(platform, sshd, rows, results);
  } finally {
    await server?.kill();
    await store?.dispose();
    await dockerd?.stop();
    await sshd?.stop();
  }
}
