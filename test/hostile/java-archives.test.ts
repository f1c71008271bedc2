/**
 * Hostile Java archives in an image, scanned by the built CLI under the watchdog: an inflation bomb
 * nested in a jar, a fan-out of overlapping nested entries, nesting far past the depth limit, a
 * chain of incompressible deflated archives, a truncated jar and a zip whose central directory lies.
 * The scan completes (exit 0) within its memory and time ceilings, lists what it could read, and
 * names every archive it could not read in its warnings; never an internal error.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../../src/inventory/java/test-support/archives.js';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';

let work: string;
let root: string;
let db: string;

const pom = (artifact: string): { name: string; content: string } => ({ name: `META-INF/maven/g/${artifact}/pom.properties`, content: `groupId=g\nartifactId=${artifact}\nversion=1\n` });

/** The zip with its one central-directory entry listed `times` times: overlapping entries. */
function listedTimes(zip: Buffer, times: number): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cd = zip.readUInt32LE(end + 16);
  const directory = Buffer.concat(Array.from({ length: times }, () => zip.subarray(cd, end)));
  const record = Buffer.from(zip.subarray(end));
  record.writeUInt16LE(times, 8);
  record.writeUInt16LE(times, 10);
  record.writeUInt32LE(directory.length, 12);
  return Buffer.concat([zip.subarray(0, cd), directory, record]);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-hostile-java-'));
  root = path.join(work, 'rootfs');
  const put = async (name: string, content: Buffer | string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  };
  await put('etc/os-release', 'ID=debian\nVERSION_ID="12"\n');
  await put('app/good.jar', await zipOf([pom('good')]));
  // 900 MiB of zeros, deflated, as a nested jar.
  await put('app/bomb.jar', await zipOf([pom('bomb'), { name: 'lib/zeros.jar', content: Buffer.alloc(900 * 1024 * 1024) }]));
  // 40 × 40 × 40 × 40 overlapping stored entries: 2.5 million nested archives if followed.
  let fan = await zipOf([pom('leaf')]);
  for (let level = 0; level < 4; level++) fan = listedTimes(await zipOf([{ name: 'x.jar', content: fan, store: true }]), 40);
  await put('app/fan.jar', fan);
  let deep = await zipOf([pom('deepest')]);
  for (let level = 0; level < 40; level++) deep = await zipOf([{ name: `l${level}.jar`, content: deep, store: level % 2 === 0 }]);
  await put('app/deep.jar', deep);
  // Incompressible deflated archives nested three deep: 3 × 100 MiB held in memory at once if nothing bounded it.
  let chain = await zipOf([pom('chain'), { name: 'noise.bin', content: randomBytes(100 * 1024 * 1024) }]);
  for (let level = 0; level < 3; level++) chain = await zipOf([{ name: `c${level}.jar`, content: chain }]);
  await put('app/chain.jar', chain);
  const truncated = await zipOf([pom('truncated')]);
  await put('app/truncated.jar', truncated.subarray(0, truncated.length - 30));
  const lying = Buffer.from(await zipOf([pom('lying')]));
  lying.writeUInt16LE(60_000, lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) + 10);
  await put('app/lying.jar', lying);
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/maven'), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hostile Java archives scanned by the built CLI', () => {
  it('complete within 768 MiB and 120 s, list what they can and warn about the rest', async () => {
    const result = await runHostile({ args: ['image', 'scan', `dir:${root}`, '--format', 'json', '--db', db], memoryMiB: 768, timeoutMs: 120_000 });
    expect(clearFailureProblems(result, /"warnings"/, [0])).toEqual([]);
    const scan = JSON.parse(result.stdout) as ScanResult;
    const names = new Set(scan.packages.filter((p) => p.type === 'maven').map((p) => p.name));
    for (const name of ['g:good', 'g:bomb', 'g:lying']) expect(names.has(name), name).toBe(true);
    expect(names.has('g:deepest')).toBe(false);
    const warnings = scan.warnings.join('\n');
    // Declared past 16 MiB, it would be inflated to a temporary file: refused first by what the file may still inflate.
    expect(warnings).toMatch(/\/app\/bomb\.jar: lib\/zeros\.jar could not be read: its 943718400 bytes are over the \d+ bytes left of the 536870912-byte limit on bytes inflated from one file/);
    expect(warnings).toMatch(/\/app\/fan\.jar: .*more than 20000 nested archives in one file/);
    expect(warnings).toMatch(/\/app\/deep\.jar: l39\.jar!.*: nested 9 archives deep, past the limit of 8: not read/);
    // Three incompressible deflated archives of 100 MiB, one inside the other: inflated into the scan's
    // temporary files instead of memory (which would have held 300 MiB at once), so the innermost is
    // read, within the scan's memory ceiling above.
    expect(names.has('g:chain')).toBe(true);
    expect(warnings).not.toMatch(/\/app\/chain\.jar.*could not be read/);
    expect(warnings).toMatch(/\/app\/truncated\.jar: not a readable zip archive/);
    expect(warnings).toMatch(/\/app\/lying\.jar: the central directory is corrupt after 1 entries/);
    // A file's warnings are capped: the fan-out's thousands of members say so in one line.
    expect(warnings).toMatch(/\/app\/fan\.jar: \d+ more warnings about archives in this file were left out/);
    expect(scan.warnings.length).toBeLessThan(300);
  }, 180_000);
});
