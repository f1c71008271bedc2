import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildElf, memoryFile } from '../../../test/support/elf-builder.js';
import { CARGO_AVAILABLE, RUST_APP, RUST_CRATES, ensureRustMaterial } from '../../../test/support/rust-material.js';
import { MAX_INFLATED, analyzeRustBinary, packagesFromAuditData } from './index.js';

const names = (result: { packages?: { name: string; version: string }[] }): string[] => (result.packages ?? []).map((p) => `${p.name}@${p.version}`).sort();
const AUDIT_DATA = JSON.stringify({
  packages: [
    { name: 'app', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
    { name: 'serde', version: '1.0.100', source: 'crates.io' },
    { name: 'smallvec', version: '1.6.0', source: 'crates.io' },
    { name: 'proc-macro2', version: '1.0.86', source: 'crates.io', kind: 'build' },
  ],
});

function elfWith(section: Buffer, bits: 32 | 64 = 64, littleEndian = true): Buffer {
  return buildElf({ bits, littleEndian, sections: [{ name: '.text', data: Buffer.alloc(64), address: 0x1000, segmentFlags: 5 }, { name: '.dep-v0', data: section }] });
}

describe('binaries built with cargo-auditable', () => {
  it.runIf(CARGO_AVAILABLE)('lists the crates of a real binary cargo built, as cargo metadata has them, without its build-only dependency', async () => {
    const material = await ensureRustMaterial();
    const content = await readFile(material.binary);
    const file = memoryFile(content);
    const result = await analyzeRustBinary(file, '/usr/bin/app');
    const runtime = RUST_CRATES.filter((crate) => !crate.build).map((crate) => `${crate.name}@${crate.version}`);
    expect(names(result)).toEqual([...runtime, `${RUST_APP.name}@${RUST_APP.version}`].sort());
    expect(material.metadata.packages.map((p) => `${p.name}@${p.version}`)).toEqual(expect.arrayContaining(names(result)));
    expect(result.packages?.every((p) => p.type === 'cargo' && p.location === '/usr/bin/app')).toBe(true);
    expect(file.bytesRead).toBeLessThan(content.length / 4);
  }, 300_000);

  it.each([
    [64, true],
    [64, false],
    [32, true],
    [32, false],
  ] as const)('reads the section in a %d-bit, little-endian %s file', async (bits, littleEndian) => {
    expect(names(await analyzeRustBinary(memoryFile(elfWith(deflateSync(AUDIT_DATA), bits, littleEndian)), '/b'))).toEqual(['app@0.1.0', 'serde@1.0.100', 'smallvec@1.6.0']);
  });

  it('is silent about an ELF file without the section', async () => {
    expect(await analyzeRustBinary(memoryFile(buildElf({ sections: [{ name: '.text', data: Buffer.alloc(64), address: 0x1000 }] })), '/b')).toEqual({});
  });

  it.each([
    ['a zlib bomb', deflateSync(Buffer.alloc(MAX_INFLATED + 1024, 0x20)), /inflates past/],
    ['data that is not zlib', Buffer.from('not compressed at all'), /not zlib data/],
    ['zlib data that is not JSON', deflateSync('{"packages": ['), /not JSON/],
    ['JSON without a package list', deflateSync('{"packages": 3}'), /no package list/],
    ['packages without names', deflateSync('{"packages": [{"version": "1.0.0"}, 7]}'), /package 1 has no name or version/],
  ])('warns, never throws, on %s', async (_, section, warning) => {
    const result = await analyzeRustBinary(memoryFile(elfWith(section)), '/b');
    expect(result.warnings?.[0]).toMatch(warning);
    expect(result.packages ?? []).toEqual([]);
  });

  it('refuses a section larger than any honest one without reading it', async () => {
    const elf = elfWith(deflateSync(AUDIT_DATA));
    // Section header of .dep-v0 (the last one): claim 1 GiB.
    const shoff = Number(elf.readBigUInt64LE(40));
    const last = shoff + (elf.readUInt16LE(60) - 1) * 64;
    elf.writeBigUInt64LE(1n << 30n, last + 32);
    const file = memoryFile(elf);
    expect((await analyzeRustBinary(file, '/b')).warnings?.[0]).toMatch(/section of 1073741824 bytes/);
    expect(file.bytesRead).toBeLessThan(elf.length);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        packagesFromAuditData(json, '/b');
        packagesFromAuditData(`{"packages":[${json}]}`, '/b');
      }),
    );
  });
});
