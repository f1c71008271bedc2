/**
 * Resources stay bounded whatever the image or target holds: decompression bombs of zstd frames
 * and windows, images whose layers are each under the per-layer bounds but not in all, links by the
 * thousand, package databases of garbage, sshd Include bombs and hostile regular expressions. Every
 * case is generated here, small on disk, and run in a child under the corpus' watchdog: a clear
 * refusal (or a correct result with a warning) within bounded memory and time, never an internal
 * error.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTar, sha256, type TestEntry } from '../support/image-builder.js';
import { rawDockerArchive, writeRawOciLayout } from '../support/forged-images.js';
import { rleBomb, windowFrames } from '../support/zstd-bombs.js';
import { clearFailureProblems, runHostile, type HostileResult } from './support/run-hostile.js';
import { scanDatabase } from './support/scan-database.js';

let work: string;
let db: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-hostile-resources-'));
  db = await scanDatabase(work);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const NOT_A_DIFF_ID = sha256('not the layer');

/** An OCI layout of one layer blob (its config's diff id a lie: a bomb is stopped before the end). */
async function layoutOf(name: string, blobs: Buffer[], diffIds = blobs.map(() => NOT_A_DIFF_ID)): Promise<string> {
  const layout = path.join(work, name);
  await writeRawOciLayout(layout, { tag: 't', blobs, diffIds });
  return `oci:${layout}:t`;
}

const scan = (reference: string, extra: string[] = [], bounds: { memoryMiB?: number; timeoutMs?: number } = {}): Promise<HostileResult> =>
  runHostile({ args: ['image', 'scan', reference, '--db', db, '--no-cache', '--format', 'json', ...extra], memoryMiB: bounds.memoryMiB ?? 512, timeoutMs: bounds.timeoutMs ?? 20_000 });

describe('zstd layers', () => {
  it('0.3 MB of RLE blocks declaring 10 GiB of zeros: refused by ratio, memory bounded', async () => {
    const result = await scan(await layoutOf('zstd-rle', [rleBomb(80_000)]));
    expect(clearFailureProblems(result, /inflates more than 1000:1 .*decompression bomb/, [3])).toEqual([]);
  });

  it('2,000 tiny frames each declaring a 1.9 GiB window: refused at the first frame', async () => {
    const result = await scan(await layoutOf('zstd-windows', [windowFrames(2000, 30, 7)]));
    expect(clearFailureProblems(result, /zstd frame 1 declares a window of 1\.9 GiB/, [3])).toEqual([]);
  });
});

describe('the per-scan budget', () => {
  let zeros: Buffer;
  beforeAll(async () => {
    zeros = gzipSync(await makeTar([{ type: 'file', name: 'zeros', content: Buffer.alloc(24 * 1024 * 1024) }]), { level: 9 });
  });

  it('an archive listing one layer 200 times reads it once', async () => {
    const archive = path.join(work, 'repeated.tar');
    const tar = await makeTar([{ type: 'file', name: 'zeros', content: Buffer.alloc(24 * 1024 * 1024) }]);
    const blob = gzipSync(tar, { level: 9 });
    await writeFile(archive, await rawDockerArchive({ blobs: Array.from({ length: 200 }, () => blob), diffIds: Array.from({ length: 200 }, () => sha256(tar)) }));
    const result = await scan(`docker-archive:${archive}`, [], { timeoutMs: 15_000 });
    expect(result.killedFor).toBeUndefined();
    expect(result.code).toBe(0);
  });

  it('many layers each under the per-layer bounds but over the scan budget: refused, naming the budget and its flag', async () => {
    const layers = await Promise.all(Array.from({ length: 8 }, (_, i) => makeTar([{ type: 'file', name: `zeros-${i}`, content: Buffer.alloc(24 * 1024 * 1024) }])));
    const reference = await layoutOf('budget', layers.map((tar) => gzipSync(tar, { level: 9 })), layers.map((tar) => sha256(tar)));
    const result = await scan(reference, ['--max-scan-size', '100MiB']);
    expect(clearFailureProblems(result, /inflate to more than 100\.0 MiB in all, over the scan's budget/, [3])).toEqual([]);
    expect(result.stderr).toMatch(/--max-scan-size/);
    expect(zeros.length).toBeLessThan(64 * 1024);
  });

  it('a scan past its time budget is refused, naming --max-scan-time', async () => {
    const tar = await makeTar([{ type: 'file', name: 'zeros', content: Buffer.alloc(24 * 1024 * 1024) }]);
    const reference = await layoutOf('slow', [gzipSync(tar)], [sha256(tar)]);
    const result = await runHostile({ args: ['image', 'scan', reference, '--db', db, '--no-cache', '--max-scan-time', '0.00001'], timeoutMs: 20_000 });
    expect(clearFailureProblems(result, /took longer than .* the scan's time budget/, [3])).toEqual([]);
    expect(result.stderr).toMatch(/--max-scan-time/);
  });
});

describe('links', () => {
  it('3,000 node_modules/*/package.json links to one file scan in linear time', async () => {
    const entries: TestEntry[] = [{ type: 'file', name: 'srv/real/package.json', content: '{"name":"minimist","version":"1.2.5"}' }];
    for (let i = 0; i < 3000; i++) entries.push({ type: 'symlink', name: `app/node_modules/p${i}/package.json`, target: '/srv/real/package.json' });
    const tar = await makeTar(entries);
    const result = await scan(await layoutOf('links', [gzipSync(tar)], [sha256(tar)]), [], { timeoutMs: 20_000 });
    expect(result.killedFor).toBeUndefined();
    expect(result.stderr).not.toMatch(/internal error/);
    expect((JSON.parse(result.stdout) as { packages: unknown[] }).packages).toHaveLength(3000);
  });

  // 200,000 links (once a stack overflow): src/engine/many-links.test.ts, without the tar and
  // gzip work that would take this corpus past its minute on a busy machine.
});

describe('package databases', () => {
  it('a dpkg status of a million malformed lines and a 40 MiB single-line status.d file: bounded warnings, bounded memory', async () => {
    const tar = await makeTar([
      { type: 'file', name: 'var/lib/dpkg/status', content: 'not a field line at all\n'.repeat(1_000_000) },
      { type: 'file', name: 'var/lib/dpkg/status.d/big', content: `Package: ${'x'.repeat(40 * 1024 * 1024)}` },
      { type: 'file', name: 'var/lib/dpkg/status.d/nul', content: Buffer.alloc(1024 * 1024) },
    ]);
    const result = await scan(await layoutOf('dpkg', [gzipSync(tar)], [sha256(tar)]), [], { memoryMiB: 768 });
    expect(result.killedFor).toBeUndefined();
    expect(result.stderr).not.toMatch(/internal error/);
    const warnings = (JSON.parse(result.stdout) as { warnings: string[] }).warnings;
    expect(warnings.length).toBeLessThan(60);
    expect(warnings.join('\n')).toMatch(/999,980 more malformed lines like these not shown/);
  });
});

describe('compliance targets', () => {
  it('2,000 Include lines over a folder of 600 files: a clear ERROR for the sshd controls, quickly', async () => {
    const root = path.join(work, 'sshd-root');
    await mkdir(path.join(root, 'etc/ssh/d'), { recursive: true });
    await writeFile(path.join(root, 'etc/ssh/sshd_config'), 'Include /etc/ssh/d/*.conf\n'.repeat(2000));
    await mkdir(path.join(root, 'usr/sbin'), { recursive: true });
    await writeFile(path.join(root, 'usr/sbin/sshd'), '');
    await Promise.all(Array.from({ length: 600 }, (_, i) => writeFile(path.join(root, `etc/ssh/d/${i}.conf`), `# ${i}\n`)));
    const result = await runHostile({ args: ['compliance', 'scan', `dir:${root}`, '--policy', 'ssh-server', '--format', 'json'], timeoutMs: 20_000 });
    expect(result.killedFor).toBeUndefined();
    expect(result.stderr + result.stdout).not.toMatch(/internal error/);
    expect(result.stdout).toMatch(/Include pulls in more than 512 files/);
  });

  it('a policy regex ^(a+)+$ on a hostile line, and the built-in sudoers patterns on 40,000 spaces, finish at once', async () => {
    const root = path.join(work, 'regex-root');
    await mkdir(path.join(root, 'etc/sudoers.d'), { recursive: true });
    await writeFile(path.join(root, 'etc/sudoers'), `Defaults${' '.repeat(40_000)}env_reset${' '.repeat(110_000)}x\n`);
    await writeFile(path.join(root, 'etc/hostile'), `${'a'.repeat(50_000)}!\n`);
    const policy = path.join(work, 'regex-policy.yaml');
    await writeFile(
      policy,
      ['schemaVersion: 1', 'id: hostile-regex', 'title: hostile', 'version: "1"', 'controls:', '  - cid: H-1', '    title: a+', '    criticality: MEDIUM', '    statement: s', '    check:', '      type: file-content', '      paths: [/etc/hostile]', '      mustNotMatch: ["^(a+)+$"]', ''].join('\n'),
    );
    const result = await runHostile({ args: ['compliance', 'scan', `dir:${root}`, '--policy', policy, '--policy', 'linux-baseline-debian', '--format', 'json'], timeoutMs: 20_000 });
    expect(result.killedFor).toBeUndefined();
    expect(result.stderr + result.stdout).not.toMatch(/internal error/);
    expect(result.code === 0 || result.code === 1).toBe(true);
  });
});
