import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARGO_AVAILABLE, ensureRustMaterial } from '../../../test/support/rust-material.js';
import { cargoLockAnalyzer, parseCargoLock } from './index.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const lock = (name: string): string => readFileSync(path.join(testdata, name), 'utf8');
const names = (result: { packages?: { name: string; version: string }[] }): string[] => (result.packages ?? []).map((p) => `${p.name}@${p.version}`).sort();

describe('Cargo.lock', () => {
  it.each([
    ['v1.Cargo.lock', ['app@0.1.0', 'maybe-uninit@2.0.0', 'serde@1.0.100', 'smallvec@0.6.13']],
    ['v2.Cargo.lock', ['app@0.1.0', 'rand@0.8.0', 'smallvec@1.6.0']],
    ['v3.Cargo.lock', ['app@0.1.0', 'smallvec@1.13.2', 'smallvec@1.6.0']],
    ['v4.Cargo.lock', ['itoa@1.0.1', 'tollgate-rust-app@0.3.1']],
  ])('%s lists every locked crate, registry, git and path alike', (file, expected) => {
    const result = parseCargoLock(lock(file), `/src/${file}`);
    expect(names(result)).toEqual(expected);
    expect(result.warnings).toBeUndefined();
    expect(result.packages?.every((p) => p.type === 'cargo' && p.location === `/src/${file}`)).toBe(true);
  });

  it.runIf(CARGO_AVAILABLE)('lists exactly what cargo metadata says of a lock file cargo generated', async () => {
    const material = await ensureRustMaterial();
    const result = cargoLockAnalyzer.analyze({ path: '/app/Cargo.lock', content: readFileSync(material.lockFile) });
    expect(names(result)).toEqual(material.metadata.packages.map((p) => `${p.name}@${p.version}`).sort());
    expect(names(result)).toContain('smallvec@1.6.0');
  }, 300_000);

  it.each([
    ['not TOML', 'this is [not toml', /^not a readable Cargo.lock: /],
    ['an unknown format version', 'version = 9\n[[package]]\nname = "a"\nversion = "1.0.0"\n', /format version 9/],
    ['package as a table', '[package]\nname = "a"\n', /not an array of tables/],
    ['a package without a version', '[[package]]\nname = "a"\n\n[[package]]\nname = "b"\nversion = "1.0.0"\n', /package 1 has no name or version; skipped/],
    ['nesting 10,000 deep', `x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, /^not a readable Cargo.lock: /],
  ])('warns, never throws, on %s', (_, text, warning) => {
    const result = parseCargoLock(text, '/Cargo.lock');
    expect(result.warnings?.[0]).toMatch(warning);
  });

  it('reads a lock file of 100,000 crates, and bounds the warnings of a corrupt one', () => {
    const big = Array.from({ length: 100_000 }, (_, index) => `[[package]]\nname = "crate-${index}"\nversion = "1.0.${index}"\n`).join('\n');
    expect(parseCargoLock(big, '/Cargo.lock').packages).toHaveLength(100_000);
    const broken = Array.from({ length: 1000 }, () => '[[package]]\nname = "x"\n').join('\n');
    expect(parseCargoLock(broken, '/Cargo.lock').warnings).toHaveLength(20);
    expect(cargoLockAnalyzer.maxFileSize).toBe(32 * 1024 * 1024);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('[[package]]\n', 'name = ', 'version = ', '"a"', '"1.0"', '\n', '[', ']', '{', '}', '=', 'version = 3\n'), fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
        const result = parseCargoLock(parts.join(''), '/Cargo.lock');
        for (const pkg of result.packages ?? []) expect(pkg.name && pkg.version).toBeTruthy();
      }),
    );
  });

  it('is chosen wherever a Cargo.lock is', () => {
    expect(cargoLockAnalyzer.patterns).toEqual(['**/Cargo.lock']);
  });
});
