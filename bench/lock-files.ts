/**
 * Lock-file parsing benchmark: a large, realistic Gemfile.lock (3,000 gems, each with its
 * dependency lines, a GIT and a PATH section, platform gems), composer.lock (2,000 packages with
 * the metadata Composer writes: source, dist, require, autoload, authors, description) and
 * .deps.json (3,000 packages, with targets), each parsed by its analyzer: the first run (as a
 * one-shot scan meets it, before V8 optimises) and the median of 9.
 * Baseline in the same run: `JSON.parse` of the same bytes, the least any parser of the file does
 * (for the Gemfile.lock, which is not JSON, `JSON.parse` of the same text as one JSON string: a
 * single pass over the same bytes).
 */
import { composerAnalyzer } from '../src/inventory/composer/index.js';
import { gemAnalyzer } from '../src/inventory/gem/index.js';
import { nugetAnalyzer } from '../src/inventory/nuget/index.js';
import type { Analyzer } from '../src/inventory/analyzer.js';
import type { Rows } from './compliance.js';

function gemfileLock(gems: number): string {
  const lines = ['GIT', '  remote: https://github.com/acme/fork.git', '  revision: 0123456789abcdef0123456789abcdef01234567', '  specs:', '    forked (2.1.0)', '      rack (>= 2.0)', '', 'PATH', '  remote: engines/billing', '  specs:', '    billing (0.1.0)', '      rails (>= 7.0)', '', 'GEM', '  remote: https://rubygems.org/', '  specs:'];
  for (let i = 0; i < gems; i += 1) {
    lines.push(i % 50 === 0 ? `    native-gem-${i} (1.${i % 20}.${i % 7}-x86_64-linux)` : `    gem-${i} (${i % 9}.${i % 30}.${i % 11})`);
    for (let d = 0; d < i % 5; d += 1) lines.push(`      gem-${(i * 7 + d) % gems} (>= ${d}.0, < ${d + 3})`);
  }
  lines.push('', 'PLATFORMS', '  ruby', '  x86_64-linux', '', 'DEPENDENCIES');
  for (let i = 0; i < gems; i += 20) lines.push(`  gem-${i} (~> ${i % 9}.0)`);
  lines.push('', 'BUNDLED WITH', '   2.4.22', '');
  return lines.join('\n');
}

function composerLock(packages: number): string {
  const entry = (i: number) => ({
    name: `vendor-${i % 300}/package-${i}`,
    version: `v${i % 7}.${i % 13}.${i % 5}`,
    source: { type: 'git', url: `https://github.com/vendor-${i % 300}/package-${i}.git`, reference: 'a'.repeat(40) },
    dist: { type: 'zip', url: `https://api.github.com/repos/vendor-${i % 300}/package-${i}/zipball/${'a'.repeat(40)}`, reference: 'a'.repeat(40), shasum: '' },
    require: { php: '>=8.1', [`vendor-${(i + 1) % 300}/package-${(i + 1) % packages}`]: '^1.0', 'psr/log': '^1|^2|^3' },
    type: 'library',
    autoload: { 'psr-4': { [`Vendor${i % 300}\\Package${i}\\`]: 'src/' } },
    'notification-url': 'https://packagist.org/downloads/',
    license: ['MIT'],
    authors: [{ name: 'A. Maintainer', email: 'maintainer@example.org' }],
    description: 'A package that does one thing and does it well, with a description of realistic length.',
    keywords: ['http', 'client', 'psr-7'],
    time: '2024-01-15T10:00:00+00:00',
  });
  return JSON.stringify(
    { _readme: ['This file locks the dependencies of your project to a known state'], 'content-hash': 'f'.repeat(32), packages: Array.from({ length: packages * 0.8 }, (_, i) => entry(i)), 'packages-dev': Array.from({ length: packages * 0.2 }, (_, i) => entry(packages + i)) },
    null,
    4,
  );
}

function depsJson(packages: number): string {
  const key = (i: number) => `Company.Library${i}/${i % 8}.${i % 10}.${i % 4}`;
  const target: Record<string, unknown> = { 'App/1.0.0': { dependencies: Object.fromEntries(Array.from({ length: 50 }, (_, i) => key(i).split('/'))), runtime: { 'App.dll': {} } } };
  const libraries: Record<string, unknown> = { 'App/1.0.0': { type: 'project', serviceable: false, sha512: '' } };
  for (let i = 0; i < packages; i += 1) {
    target[key(i)] = { dependencies: { [key((i + 1) % packages).split('/')[0] as string]: key((i + 1) % packages).split('/')[1] }, runtime: { [`lib/net8.0/Company.Library${i}.dll`]: { assemblyVersion: '1.0.0.0', fileVersion: '1.0.0.0' } } };
    libraries[key(i)] = { type: 'package', serviceable: true, sha512: `sha512-${'A'.repeat(86)}==`, path: key(i).toLowerCase(), hashPath: `${key(i).toLowerCase().replace('/', '.')}.nupkg.sha512` };
  }
  return JSON.stringify({ runtimeTarget: { name: '.NETCoreApp,Version=v8.0', signature: '' }, compilationOptions: {}, targets: { '.NETCoreApp,Version=v8.0': target }, libraries }, null, 2);
}

/** The first run (code not yet optimised by V8, as in a one-shot CLI scan) and the median of 9 runs. */
function timings(run: () => void): { first: number; median: number } {
  const times: number[] = [];
  for (let i = 0; i < 9; i += 1) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { first: times[0] as number, median: [...times].sort((a, b) => a - b)[4] as number };
}

export function benchLockFiles(rows: Rows, results: Record<string, unknown>): void {
  const cases: [string, string, Analyzer, string, boolean][] = [
    ['Gemfile.lock, 3,000 gems', '/app/Gemfile.lock', gemAnalyzer, gemfileLock(3000), false],
    ['composer.lock, 2,000 packages', '/app/composer.lock', composerAnalyzer, composerLock(2000), true],
    ['WebApp.deps.json, 3,000 packages', '/app/WebApp.deps.json', nugetAnalyzer, depsJson(3000), true],
  ];
  const figures: Record<string, unknown> = {};
  for (const [label, location, analyzer, text, isJson] of cases) {
    const content = Buffer.from(text);
    let packages = 0;
    const parse = timings(() => {
      packages = analyzer.analyze({ path: location, content }).packages?.length ?? 0;
    });
    const floor = timings(() => (isJson ? JSON.parse(content.toString('utf8')) : JSON.parse(JSON.stringify(content.toString('utf8')))));
    figures[label] = { bytes: content.length, packages, firstParseSeconds: parse.first, medianParseSeconds: parse.median, jsonParseFirstSeconds: floor.first, jsonParseMedianSeconds: floor.median };
    const ms = (value: number) => `${(value * 1000).toFixed(1)} ms`;
    rows.push([`lock files: ${label} (${(content.length / 1024 / 1024).toFixed(1)} MiB, ${packages} packages), median of 9`, ms(parse.median), `first run ${ms(parse.first)}; JSON.parse of the same bytes ${ms(floor.median)} (first ${ms(floor.first)})`]);
  }
  results.lockFiles = figures;
}
