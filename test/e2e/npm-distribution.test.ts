/**
 * Distribution through npm: the package as `npm pack` makes it, installed globally with
 * `npm install -g` into a temporary prefix (dependencies from the npm registry, native modules
 * built by their install scripts), gives a `tollgate` command that reports its version and scans a
 * real Debian image with the gate deciding the exit code. Under this Node (20), and under Node 22
 * and 24: their official builds come from the npm registry's `node-<platform>-<arch>` package
 * (binary and headers, which node-gyp builds the native modules against, offline), each first on
 * PATH for the install and the runs; the GitHub Action's bundle (`runs.using: node24`) runs under
 * that Node 24 with that CLI and gives the outputs, summary, verdict and SARIF it gives here. Slow
 * (the native modules compile), so each install happens once.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { ensureBookwormImage, type BookwormImage } from '../support/images.js';
import { runAction, type ActionRun } from './github-action-run.js';

let work: string;
let prefix: string;
let image: BookwormImage;

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

/** Installs the packed tarball globally into `prefix`; `env` puts another Node first on PATH (this Node when empty). */
async function installGlobally(prefix: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball ?? '')], { cwd: work, env });
  expect(installed.code, installed.stderr).toBe(0);
}

/** The variables that put Node `major` (the registry's official build, installed under `work`) first on PATH, its headers for node-gyp. */
async function nodeOfLine(major: number): Promise<NodeJS.ProcessEnv> {
  const name = `node-${process.platform}-${process.arch}`;
  const folder = path.join(work, `node${major}`);
  const installed = await run('npm', ['install', '--prefix', folder, '--no-save', '--prefer-offline', '--no-audit', '--no-fund', `${name}@${major}`], { cwd: work });
  expect(installed.code, installed.stderr).toBe(0);
  const home = path.join(folder, 'node_modules', name);
  return { PATH: `${path.join(home, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: home };
}

/** The version, a database built and a scan that passes and one that fails: what `tollgate` must do wherever it is installed. */
async function expectAWorkingTollgate(tollgate: string, env: NodeJS.ProcessEnv, db: string): Promise<void> {
  const { version } = (await import(path.join(REPO_ROOT, 'package.json'), { with: { type: 'json' } })).default as { version: string };
  const printed = await run(tollgate, ['--version'], { env });
  expect(printed.code, printed.stderr).toBe(0);
  expect(printed.stdout.trim()).toBe(version);
  const imported = await run(tollgate, ['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db], { env });
  expect(imported.code, imported.stderr).toBe(0);
  const passing = await run(tollgate, ['image', 'scan', image.ociReference, '--db', db, '--format', 'json', '-q'], { env });
  expect(passing.code, passing.stderr).toBe(0);
  const report = JSON.parse(passing.stdout) as { packages: unknown[]; findings: { severity: string }[] };
  expect(report.packages.length).toBeGreaterThan(90);
  expect(report.findings.some((finding) => finding.severity === 'CRITICAL')).toBe(true);
  const failing = await run(tollgate, ['image', 'scan', image.ociReference, '--db', db, '--fail-on', 'CRITICAL', '-q'], { env });
  expect(failing.code).toBe(1);
}

beforeAll(async () => {
  image = await ensureBookwormImage();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-npm-'));
  prefix = path.join(work, 'prefix');
  const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: REPO_ROOT });
  expect(packed.code, packed.stderr).toBe(0);
  await installGlobally(prefix);
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('tollgate installed with npm install -g', () => {
  it('is on the prefix PATH, prints the package version, builds a database and scans a real image, the gate deciding the exit code', async () => {
    await expectAWorkingTollgate(path.join(prefix, 'bin', 'tollgate'), {}, path.join(work, 'vuln.db'));
  }, 300_000);
});

describe.each([22, 24])('tollgate installed with npm install -g under Node %i', (major) => {
  let env: NodeJS.ProcessEnv;
  const prefixOf = (): string => path.join(work, `prefix-node${major}`);

  beforeAll(async () => {
    env = await nodeOfLine(major);
    await installGlobally(prefixOf(), env);
  }, 1_200_000);

  it('runs under that Node: version, database and a scan that passes and one that fails', async () => {
    const node = await run('node', ['-p', 'process.versions.node'], { env });
    expect(node.stdout.trim().split('.')[0]).toBe(String(major));
    await expectAWorkingTollgate(path.join(prefixOf(), 'bin', 'tollgate'), env, path.join(work, `vuln-node${major}.db`));
  }, 300_000);

  it.runIf(major === 24)('runs the GitHub Action’s bundle (node24) with this CLI as it runs under Node 20 with the built one', async () => {
    const actionWork = await mkdtemp(path.join(work, 'action-'));
    const inputs = { images: image.ociReference, db: path.join(work, `vuln-node${major}.db`), 'skip-db-update': 'true', 'fail-on': 'CRITICAL' };
    const here = await runAction(actionWork, inputs);
    const there = await runAction(actionWork, { ...inputs, cli: path.join(prefixOf(), 'bin', 'tollgate') }, { PATH: env.PATH ?? '' }, path.join(String(env.npm_config_nodedir), 'bin', 'node'));
    expect(there.code, there.stdout).toBe(1);
    expect(here.code).toBe(1);
    const values = (run: ActionRun): Record<string, string> => Object.fromEntries(Object.entries(run.outputs).filter(([name]) => !['verdict', 'json', 'markdown', 'sarif'].includes(name)));
    expect(values(there)).toEqual(values(here));
    expect(Number(there.outputs.critical)).toBeGreaterThan(0);
    expect(there.summary).toBe(here.summary);
    expect(await readFile(there.outputs.verdict ?? '', 'utf8')).toBe(await readFile(here.outputs.verdict ?? '', 'utf8'));
    expect(await readFile(there.outputs.sarif ?? '', 'utf8')).toBe(await readFile(here.outputs.sarif ?? '', 'utf8'));
  }, 300_000);
});
