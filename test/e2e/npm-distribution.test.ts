/**
 * Distribution through npm: the package as `npm pack` makes it, installed globally with
 * `npm install -g` into a temporary prefix (dependencies from the npm registry, native modules
 * built by their install scripts), gives a `tollgate` command that reports its version and scans a
 * real Debian image with the gate deciding the exit code. Runs under this Node (20); slow (the
 * native modules compile), so the install happens once.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { ensureBookwormImage, type BookwormImage } from '../support/images.js';

let work: string;
let prefix: string;
let image: BookwormImage;

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  image = await ensureBookwormImage();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-npm-'));
  prefix = path.join(work, 'prefix');
  const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: REPO_ROOT });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball ?? '')], { cwd: work });
  expect(installed.code, installed.stderr).toBe(0);
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('tollgate installed with npm install -g', () => {
  it('is on the prefix PATH and prints the package version', async () => {
    const { version } = (await import(path.join(REPO_ROOT, 'package.json'), { with: { type: 'json' } })).default as { version: string };
    const result = await run(path.join(prefix, 'bin', 'tollgate'), ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('builds a database and scans a real image, the gate deciding the exit code', async () => {
    const tollgate = path.join(prefix, 'bin', 'tollgate');
    const db = path.join(work, 'vuln.db');
    const imported = await run(tollgate, ['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db]);
    expect(imported.code, imported.stderr).toBe(0);
    const passing = await run(tollgate, ['image', 'scan', image.ociReference, '--db', db, '--format', 'json', '-q']);
    expect(passing.code, passing.stderr).toBe(0);
    const report = JSON.parse(passing.stdout) as { packages: unknown[]; findings: { severity: string }[] };
    expect(report.packages.length).toBeGreaterThan(90);
    expect(report.findings.some((finding) => finding.severity === 'CRITICAL')).toBe(true);
    const failing = await run(tollgate, ['image', 'scan', image.ociReference, '--db', db, '--fail-on', 'CRITICAL', '-q']);
    expect(failing.code).toBe(1);
  });
});
