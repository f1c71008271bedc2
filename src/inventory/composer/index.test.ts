import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupePackages } from '../dedupe.js';
import { composerAnalyzer, parseComposerLock, parseInstalledJson } from './index.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');
const analyze = (path: string, text: string) => composerAnalyzer.analyze({ path, content: Buffer.from(text) });

describe('Composer', () => {
  it("reads the installed.json Debian's composer wrote, with install folders and the development package", () => {
    const result = analyze('/app/vendor/composer/installed.json', testdata('installed.json'));
    expect(result.warnings).toBeUndefined();
    expect(result.packages?.map((p) => [p.name, p.version, p.installPath, p.dev ?? false, p.licenses])).toEqual([
      ['guzzlehttp/guzzle', '7.4.4', '/app/vendor/guzzlehttp/guzzle', false, ['MIT']],
      ['monolog/monolog', '2.9.1', '/app/vendor/monolog/monolog', false, ['MIT']],
      ['phpunit/phpunit', '9.5.0', '/app/vendor/phpunit/phpunit', true, ['BSD-3-Clause']],
      ['psr/log', '1.1.4', '/app/vendor/psr/log', false, ['MIT']],
    ]);
  });

  it('reads the composer.lock it wrote: packages, and packages-dev as development dependencies', () => {
    const result = analyze('/app/composer.lock', testdata('composer.lock'));
    expect(result.packages?.map((p) => [p.name, p.version, p.installPath, p.dev ?? false])).toEqual([
      ['guzzlehttp/guzzle', '7.4.4', '/app/vendor/guzzlehttp/guzzle', false],
      ['monolog/monolog', '2.9.1', '/app/vendor/monolog/monolog', false],
      ['psr/log', '1.1.4', '/app/vendor/psr/log', false],
      ['phpunit/phpunit', '9.5.0', '/app/vendor/phpunit/phpunit', true],
    ]);
  });

  it('counts a package in installed.json and in the project lock file once', () => {
    const installed = analyze('/app/vendor/composer/installed.json', testdata('installed.json')).packages ?? [];
    const locked = analyze('/app/composer.lock', testdata('composer.lock')).packages ?? [];
    const merged = dedupePackages([...locked, ...installed]);
    expect(merged).toHaveLength(4);
    expect(merged.find((p) => p.name === 'psr/log')?.location).toBe('/app/vendor/composer/installed.json');
    expect(merged.find((p) => p.name === 'phpunit/phpunit')?.dev).toBe(true);
  });

  it("reads Composer 1's installed.json (a bare list, installed under vendor/<name>) and branch versions", () => {
    const v1 = JSON.stringify([
      { name: 'Symfony/Yaml', version: 'v3.4.47', version_normalized: '3.4.47.0', type: 'library', license: 'MIT' },
      { name: 'acme/lib', version: 'dev-main', extra: { 'branch-alias': { 'dev-main': '2.x-dev' } } },
    ]);
    expect(parseInstalledJson(v1, '/srv/vendor/composer/installed.json').packages?.map((p) => [p.name, p.version, p.installPath, p.licenses])).toEqual([
      ['Symfony/Yaml', 'v3.4.47', '/srv/vendor/symfony/yaml', ['MIT']],
      ['acme/lib', 'dev-main', '/srv/vendor/acme/lib', undefined],
    ]);
  });

  it('warns about entries that are not packages and keeps the rest', () => {
    const lock = JSON.stringify({ packages: [{ name: 'a/b', version: '1.0' }, 5, { name: '../../x', version: '1' }, { name: 'c/d' }], 'packages-dev': 'nope' });
    const result = parseComposerLock(lock, '/composer.lock');
    expect(result.packages?.map((p) => p.name)).toEqual(['a/b']);
    expect(result.warnings).toEqual(['packages[1] has no name and version; skipped', 'packages[2]: "../../x" is not a Composer package name; skipped', 'packages[3] has no name and version; skipped', '"packages-dev" is not a list; skipped']);
  });

  it('refuses what is not a Composer file, and never throws on hostile JSON', () => {
    expect(parseComposerLock('{"name": "acme/app"}', '/composer.lock').warnings?.[0]).toMatch(/not a composer.lock/);
    expect(parseInstalledJson('{"packages"', '/vendor/composer/installed.json').warnings?.[0]).toMatch(/not a Composer installed.json/);
    const deep = `{"packages": [${'['.repeat(200_000)}${']'.repeat(200_000)}]}`;
    expect(parseComposerLock(deep, '/composer.lock').warnings).toEqual(['packages[0] has no name and version; skipped']);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value);
        expect(() => parseComposerLock(text, '/composer.lock')).not.toThrow();
        expect(() => parseInstalledJson(text, '/vendor/composer/installed.json')).not.toThrow();
        expect(() => parseComposerLock(JSON.stringify({ packages: value }), '/composer.lock')).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('lists at most 20 problems of a large broken lock file, and refuses one listing more packages than any honest one', () => {
    const result = parseComposerLock(JSON.stringify({ packages: Array.from({ length: 50_000 }, () => ({})) }), '/composer.lock');
    expect(result.warnings).toHaveLength(21);
    expect(() => parseComposerLock(JSON.stringify({ 'packages-dev': Array.from({ length: 50_001 }, () => ({})) }), '/composer.lock')).toThrow(/more than 50,000 "packages-dev" entries/);
  });
});

describe('which lock files count', () => {
  it("leaves out a composer.lock a package ships inside vendor/, and keeps the project's", () => {
    const lock = JSON.stringify({ packages: [{ name: 'a/b', version: '1.0.0' }] });
    expect(analyze('/app/vendor/acme/tool/composer.lock', lock)).toEqual({});
    expect(analyze('/app/composer.lock', lock).packages?.map((p) => p.name)).toEqual(['a/b']);
  });
});
