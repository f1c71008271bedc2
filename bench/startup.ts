/**
 * `npm run bench -- startup`: what a command pays before its work, with and without the launcher's
 * V8 code cache (src/cli/code-cache.ts), in the same run: `node -e 0` (the floor), `tollgate
 * --version`, and a warm scan of the bookworm fixture (every layer in the layer cache). Runs are
 * interleaved (one of each kind per round) so that load on a shared machine falls on all alike;
 * the median of the rounds is reported, as wall time and as CPU time (user + system, from GNU
 * time), which a loaded machine disturbs far less.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);
const ROUNDS = 11;

interface Timing {
  wall: number;
  cpu: number;
}

async function timed(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timing> {
  const start = process.hrtime.bigint();
  const { stderr } = await run('/usr/bin/time', ['-f', 'tollgate-bench-cpu %U %S', command, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = /tollgate-bench-cpu (\S+) (\S+)/.exec(stderr);
  return { wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function benchStartup(cli: string, reference: string, db: string, work: string, rows: [string, string, string][], results: Record<string, unknown>): Promise<void> {
  const cacheDir = path.join(work, 'startup-cache');
  const withCache = { TOLLGATE_CACHE_DIR: cacheDir };
  const withoutCache = { TOLLGATE_CACHE_DIR: cacheDir, TOLLGATE_CODE_CACHE: 'false' };
  const scan = ['image', 'scan', reference, '--db', db, '--no-db-auto-update', '--format', 'json', '--output', path.join(work, 'startup-scan.json')];
  // Fill both caches: the layer cache (a warm scan) and the code cache (made at the end of a run).
  await timed(process.execPath, [cli, ...scan], withCache);
  await timed(process.execPath, [cli, ...scan], withCache);
  const cases: { name: string; args: readonly string[]; env: NodeJS.ProcessEnv }[] = [
    { name: 'node -e 0', args: ['-e', '0'], env: {} },
    { name: 'tollgate --version, no code cache', args: [cli, '--version'], env: withoutCache },
    { name: 'tollgate --version, code cache', args: [cli, '--version'], env: withCache },
    { name: 'warm scan of the bookworm fixture, no code cache', args: [cli, ...scan], env: withoutCache },
    { name: 'warm scan of the bookworm fixture, code cache', args: [cli, ...scan], env: withCache },
  ];
  const times = new Map(cases.map((entry) => [entry.name, [] as Timing[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const entry of cases) times.get(entry.name)?.push(await timed(process.execPath, entry.args, entry.env));
  }
  const medianOf = (name: string, measure: keyof Timing): number => median((times.get(name) ?? []).map((timing) => timing[measure]));
  results.startupCodeCache = { rounds: ROUNDS, mediansSeconds: Object.fromEntries(cases.map((entry) => [entry.name, { wall: medianOf(entry.name, 'wall'), cpu: medianOf(entry.name, 'cpu') }])) };
  for (const measure of ['wall', 'cpu'] as const) {
    const floor = medianOf('node -e 0', measure);
    for (const entry of cases) {
      const value = medianOf(entry.name, measure);
      const partner = entry.name.endsWith(', code cache') ? medianOf(entry.name.replace(', code cache', ', no code cache'), measure) : undefined;
      const note = entry.name === 'node -e 0' ? 'baseline' : `${((value - floor) * 1000).toFixed(0)} ms above node -e 0${partner !== undefined ? `; ${((partner - value) * 1000).toFixed(0)} ms saved by the code cache` : ''}`;
      rows.push([`startup: ${entry.name}, ${measure === 'wall' ? 'wall time' : 'CPU time (user+sys)'} (median of ${ROUNDS})`, `${(value * 1000).toFixed(0)} ms`, note]);
    }
  }
}
