import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nugetAnalyzer, parseDepsJson, parsePackagesLockJson } from './index.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');
const analyze = (path: string, text: string) => nugetAnalyzer.analyze({ path, content: Buffer.from(text) });

describe('.NET packages', () => {
  it('reads the NuGet packages of a deps.json: packages only, and only those a target lists', () => {
    const result = analyze('/app/WebApp.deps.json', testdata('WebApp.deps.json'));
    expect(result.warnings).toBeUndefined();
    expect(result.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(['Microsoft.Data.SqlClient@4.0.0', 'Microsoft.Identity.Client@4.21.1', 'Newtonsoft.Json@13.0.1', 'System.Text.Encodings.Web@4.7.1']);
    expect(result.packages?.[0]).toEqual({ type: 'nuget', name: 'Microsoft.Data.SqlClient', version: '4.0.0', location: '/app/WebApp.deps.json' });
  });

  it('reads a packages.lock.json: direct, transitive and central packages once across frameworks, no projects', () => {
    expect(analyze('/src/WebApp/packages.lock.json', testdata('packages.lock.json')).packages?.map((p) => `${p.name}@${p.version}`)).toEqual([
      'Newtonsoft.Json@13.0.1',
      'Microsoft.Data.SqlClient@4.0.0',
      'Microsoft.Identity.Client@4.21.1',
      'System.Text.Encodings.Web@4.7.1',
    ]);
  });

  it('reads a deps.json without targets, and one with a byte-order mark', () => {
    const text = `\uFEFF${JSON.stringify({ libraries: { 'Serilog/2.10.0': { type: 'package' }, 'App/1.0.0': { type: 'project' } } })}`;
    expect(parseDepsJson(text, '/a.deps.json').packages?.map((p) => p.name)).toEqual(['Serilog']);
  });

  it('warns about entries that break the format and keeps the rest', () => {
    const deps = JSON.stringify({ libraries: { 'Good/1.0.0': { type: 'package' }, 'NoVersion/': { type: 'package' }, 'Bad Id/1.0': { type: 'package' }, 'Odd/1.0.0.0.0': { type: 'package' }, 'X/1.0': 7 } });
    const result = parseDepsJson(deps, '/a.deps.json');
    expect(result.packages?.map((p) => p.name)).toEqual(['Good']);
    expect(result.warnings).toHaveLength(4);
    const lock = JSON.stringify({ version: 1, dependencies: { 'net8.0': { A: { type: 'Direct' }, B: 'x', C: { type: 'Transitive', resolved: '2.0.0-Beta.1' } }, 'net7.0': [] } });
    const locked = parsePackagesLockJson(lock, '/packages.lock.json');
    expect(locked.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(['C@2.0.0-Beta.1']);
    expect(locked.warnings).toHaveLength(3);
  });

  it('refuses what is not a .NET file, and never throws on hostile JSON', () => {
    expect(parseDepsJson('{"runtimeTarget": {}}', '/a.deps.json').warnings?.[0]).toMatch(/not a .deps.json/);
    expect(parsePackagesLockJson('[1,2', '/packages.lock.json').warnings?.[0]).toMatch(/not a NuGet packages.lock.json/);
    const deep = `{"libraries": {"A/1.0": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    expect(parseDepsJson(deep, '/a.deps.json').warnings).toEqual(['libraries.A/1.0 is not an object; skipped']);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        for (const text of [JSON.stringify(value), JSON.stringify({ libraries: value, targets: value }), JSON.stringify({ dependencies: { 'net8.0': value } })]) {
          expect(() => parseDepsJson(text, '/a.deps.json')).not.toThrow();
          expect(() => parsePackagesLockJson(text, '/packages.lock.json')).not.toThrow();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists at most 20 problems of a huge broken file', () => {
    const libraries = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`bad id ${i}/1.0`, { type: 'package' }]));
    expect(parseDepsJson(JSON.stringify({ libraries }), '/a.deps.json').warnings).toHaveLength(21);
    const many = Object.fromEntries(Array.from({ length: 50_001 }, (_, i) => [`P${i}/1.0.${i}`, { type: 'package' }]));
    expect(() => parseDepsJson(JSON.stringify({ libraries: many }), '/a.deps.json')).toThrow(/more than 50,000 NuGet packages/);
  });
});
