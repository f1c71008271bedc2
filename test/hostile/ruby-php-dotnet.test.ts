/**
 * Hostile Ruby, PHP and .NET material through the built CLI, under the watchdog: gem
 * specifications that are Ruby code meant to run (backticks, interpolation, `system`), a line of
 * several MiB, binary garbage; a Gemfile.lock of 120,000 lines, a composer.lock nested millions
 * deep; a deps.json with 40,000 libraries and lying entries. The scan ends by itself within its
 * memory and time bounds, exits 0, names the bad files in its warnings, never runs anything, and
 * keeps the good packages. A lock file listing more packages than any honest one (a million gems)
 * is refused with exit 3 naming it, rather than read in part.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { writeOciLayout, type TestEntry } from '../support/image-builder.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';

let work: string;
let layout: string;
let db: string;
const PWNED = '/tmp/tollgate-gemspec-ran';

const spec = (body: string): string => `# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n${body}\nend\n`;

function gemfileLock(count: number): string {
  const lines = ['GEM', '  remote: https://rubygems.org/', '  specs:'];
  for (let i = 0; i < count; i += 1) lines.push(`    gem-${i} (1.${i % 100}.${i})`, `      dep-${i} (~> 1.0)`, '    broken line (');
  lines.push('', 'PLATFORMS', '  ruby', '');
  return lines.join('\n');
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-hostile-langs-'));
  layout = path.join(work, 'layout');
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/nuget'), '--db', db, '--quiet']);
  expect(imported.code, imported.stderr).toBe(0);
  const libraries: Record<string, unknown> = {};
  for (let i = 0; i < 40_000; i += 1) libraries[`Package.${i}/1.0.${i}`] = { type: 'package', sha512: 'sha512-x', path: `package.${i}/1.0.${i}` };
  Object.assign(libraries, { 'Liar/1.0': 'not an object', '../../etc/passwd/1.0': { type: 'package' }, 'Huge/9999999999.0': { type: 'package' } });
  const specifications = 'usr/local/lib/ruby/gems/3.2.0/specifications';
  const entries: TestEntry[] = [
    { type: 'file', name: `${specifications}/good-1.0.gemspec`, content: spec('  s.name = "good".freeze\n  s.version = "1.0"') },
    { type: 'file', name: `${specifications}/backticks.gemspec`, content: spec(`  s.name = \`touch ${PWNED}\`\n  s.version = "1.0"`) },
    { type: 'file', name: `${specifications}/interpolation.gemspec`, content: spec(`  s.name = "#{system('touch ${PWNED}')}"\n  s.version = "1.0"`) },
    { type: 'file', name: `${specifications}/system.gemspec`, content: `system("touch ${PWNED}")\n${spec('  s.name = Evil::NAME\n  s.version = Evil::VERSION')}` },
    { type: 'file', name: `${specifications}/long-line.gemspec`, content: spec(`  s.name = "${'a'.repeat(8 * 1024 * 1024)}"\n  s.version = "1.0"`) },
    { type: 'file', name: `${specifications}/garbage.gemspec`, content: Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 256)) },
    { type: 'file', name: 'app/Gemfile.lock', content: gemfileLock(40_000) },
    { type: 'file', name: 'app/composer.lock', content: `{"packages": [${'['.repeat(3_000_000)}${']'.repeat(3_000_000)}]}` },
    { type: 'file', name: 'app/vendor/composer/installed.json', content: '{"packages": "all of them", "dev": 7}' },
    { type: 'file', name: 'app/other/composer/installed.json', content: '\u0000\u0001\u0002' },
    { type: 'file', name: 'app/App.deps.json', content: JSON.stringify({ targets: { '.NETCoreApp,Version=v8.0': Object.fromEntries(Object.keys(libraries).map((key) => [key, {}])) }, libraries }) },
    { type: 'file', name: 'src/packages.lock.json', content: JSON.stringify({ version: 1, dependencies: { 'net8.0': { A: { type: 'Direct', resolved: { nested: true } }, B: { type: 'Transitive', resolved: '1.0.0' } } } }) },
  ];
  await writeOciLayout(layout, [
    { tag: 'hostile', layers: [{ entries }] },
    { tag: 'million-gems', layers: [{ entries: [{ type: 'file', name: 'app/Gemfile.lock', content: ['GEM', '  specs:', ...Array.from({ length: 1_000_000 }, (_, i) => `    g${i} (1)`)].join('\n') }] }] },
  ]);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hostile Ruby, PHP and .NET files', () => {
  it('are read within bounds, run nothing, warn about each bad file and keep the good packages', async () => {
    await rm(PWNED, { force: true });
    const result = await runHostile({ args: ['image', 'scan', `oci:${layout}:hostile`, '--db', db, '--no-cache', '--format', 'json'], timeoutMs: 120_000, memoryMiB: 1536 });
    expect(result.killedFor, result.stderr).toBeUndefined();
    expect(result.stderr).not.toMatch(/internal error/i);
    expect(existsSync(PWNED)).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    const scan = JSON.parse(result.stdout) as ScanResult;
    const gems = scan.packages.filter((p) => p.type === 'gem');
    expect(gems.filter((p) => p.location.endsWith('.gemspec')).map((p) => p.name)).toEqual(['good']);
    expect(gems.filter((p) => p.location === '/app/Gemfile.lock')).toHaveLength(40_000);
    expect(scan.packages.filter((p) => p.type === 'composer')).toEqual([]);
    expect(scan.packages.filter((p) => p.type === 'nuget' && p.location === '/app/App.deps.json')).toHaveLength(40_000);
    expect(scan.packages.filter((p) => p.type === 'nuget' && p.location === '/src/packages.lock.json').map((p) => p.name)).toEqual(['B']);
    const warnings = scan.warnings.join('\n');
    for (const file of ['backticks.gemspec', 'interpolation.gemspec', 'system.gemspec', 'long-line.gemspec', 'garbage.gemspec', '/app/Gemfile.lock', '/app/composer.lock', '/app/vendor/composer/installed.json', '/app/App.deps.json', '/src/packages.lock.json']) {
      expect(warnings, file).toContain(file);
    }
  }, 180_000);

  it('refuses a lock file listing a million gems with a clear error, within bounds', async () => {
    const result = await runHostile({ args: ['image', 'scan', `oci:${layout}:million-gems`, '--db', db, '--no-cache', '--format', 'json'], timeoutMs: 120_000, memoryMiB: 1024 });
    expect(clearFailureProblems(result, /\/app\/Gemfile\.lock: the gem analyzer could not read this file: more than 50,000 gem specs in one file/, [3])).toEqual([]);
  }, 180_000);
});
