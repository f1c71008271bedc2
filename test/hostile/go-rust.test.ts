/**
 * Hostile Go and Rust material through the built CLI, under the watchdog: ELF files with lying
 * tables, Go build information whose lengths overflow or lie, a cargo-auditable zlib bomb, TOML
 * nested 100,000 deep, a go.mod of one 8 MB line. The scan completes within the memory and time
 * ceilings, says what it skipped in its warnings, and lists nothing from the lying files; a lock
 * file over its size limit is a clear error naming it, never an internal error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { buildElf } from '../support/elf-builder.js';
import { writeOciLayout, type TestEntry } from '../support/image-builder.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';

let work: string;

function goBuildInfo(bytes: Buffer): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = 8;
  header[15] = 2;
  return Buffer.concat([header, bytes, Buffer.alloc(64)]);
}

const executable = (name: string, content: Buffer): TestEntry => ({ type: 'file', name, content, mode: 0o755 });

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-hostile-go-rust-'));
  const lyingTable = buildElf({ sections: [{ name: '.text', data: Buffer.alloc(8192), address: 0x1000, segmentFlags: 5 }] });
  lyingTable.writeBigUInt64LE(BigInt(lyingTable.length) * 1000n, 40);
  const manySections = buildElf({ sections: [{ name: '.text', data: Buffer.alloc(8192), address: 0x1000, segmentFlags: 5 }] });
  manySections.writeUInt16LE(0, 60);
  manySections.writeBigUInt64LE(1n << 40n, Number(manySections.readBigUInt64LE(40)) + 32);
  const overflow = buildElf({ sections: [{ name: '.go.buildinfo', data: Buffer.concat([goBuildInfo(Buffer.alloc(11, 0xff)), Buffer.alloc(8192)]), address: 0x1000, segmentFlags: 6 }] });
  const lyingLength = buildElf({ sections: [{ name: '.go.buildinfo', data: Buffer.concat([goBuildInfo(Buffer.from([8, ...Buffer.from('go1.21.0'), 0x80, 0x80, 0x80, 0x80, 0x10])), Buffer.alloc(8192)]), address: 0x1000, segmentFlags: 6 }] });
  const bomb = buildElf({ sections: [{ name: '.text', data: Buffer.alloc(8192), address: 0x1000, segmentFlags: 5 }, { name: '.dep-v0', data: deflateSync(Buffer.alloc(256 * 1024 * 1024, 0x20), { level: 9 }) }] });
  await writeOciLayout(path.join(work, 'layout'), [
    {
      tag: 'hostile',
      layers: [
        {
          entries: [
            executable('usr/bin/lying-table', lyingTable),
            executable('usr/bin/many-sections', manySections),
            executable('usr/bin/go-overflow', overflow),
            executable('usr/bin/go-lying-length', lyingLength),
            executable('usr/bin/auditable-bomb', bomb),
            { type: 'file', name: 'src/nested/Cargo.lock', content: `x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n` },
            { type: 'file', name: 'src/long/go.mod', content: `module example.com/long\nrequire ${'a'.repeat(8 * 1024 * 1024 - 100)} v1.0.0\n` },
            { type: 'file', name: 'src/fine/Cargo.lock', content: 'version = 3\n[[package]]\nname = "smallvec"\nversion = "1.6.0"\n' },
          ],
        },
      ],
    },
    { tag: 'huge-lock', layers: [{ entries: [{ type: 'file', name: 'src/Cargo.lock', content: Buffer.alloc(33 * 1024 * 1024, 0x20) }] }] },
  ]);
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/crates.io'), '--db', path.join(work, 'vuln.db'), '--quiet']);
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('hostile Go and Rust material', () => {
  it('is scanned within the ceilings, with a warning for each lying file and nothing listed from them', async () => {
    const result = await runHostile({ args: ['image', 'scan', `oci:${path.join(work, 'layout')}:hostile`, '--db', path.join(work, 'vuln.db'), '--format', 'json', '--no-cache'], memoryMiB: 768, timeoutMs: 60_000 });
    expect(result.killedFor).toBeUndefined();
    expect(result.stderr).not.toMatch(/internal error/i);
    expect([result.code, result.stderr]).toEqual([0, expect.any(String)]);
    const scan = JSON.parse(result.stdout) as ScanResult;
    expect(scan.packages.map((p) => `${p.type} ${p.name}@${p.version} ${p.location}`)).toEqual(['cargo smallvec@1.6.0 /src/fine/Cargo.lock']);
    const warnings = scan.warnings.join('\n');
    expect(warnings).toMatch(/\/usr\/bin\/lying-table: not a readable ELF file: the first section header lies outside the file/);
    expect(warnings).toMatch(/\/usr\/bin\/many-sections: not a readable ELF file: claims 1099511627776 sections/);
    expect(warnings).toMatch(/\/usr\/bin\/go-overflow: Go build information unreadable: a string length/);
    expect(warnings).toMatch(/\/usr\/bin\/go-lying-length: Go build information unreadable: the module information claims 4294967296 bytes/);
    expect(warnings).toMatch(/\/usr\/bin\/auditable-bomb: cargo-auditable data inflates past 16777216 bytes; skipped/);
    expect(warnings).toMatch(/\/src\/nested\/Cargo.lock: not a readable Cargo.lock: .*excessively nested/);
    expect(warnings).toMatch(/\/src\/long\/go.mod: a requirement of "a{80}" at "v1.0.0" is not a module path and version; skipped/);
    expect(result.stdout.length).toBeLessThan(1_000_000);
  }, 90_000);

  it('refuses a Cargo.lock over its size limit with a clear error naming it', async () => {
    const result = await runHostile({ args: ['image', 'scan', `oci:${path.join(work, 'layout')}:huge-lock`, '--db', path.join(work, 'vuln.db'), '--format', 'json', '--no-cache'] });
    expect(clearFailureProblems(result, /\/src\/Cargo\.lock is 33\.0 MiB, over the 32\.0 MiB limit/)).toEqual([]);
  }, 60_000);
});
