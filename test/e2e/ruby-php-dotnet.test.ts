/**
 * End to end for Ruby, PHP and .NET, through the built CLI, on an image holding real material:
 * every gem specification of this machine's Ruby (Debian's ruby and ruby-* packages, default gems
 * included) with the dpkg record that owns Ruby's own; a Gemfile.lock written by Bundler; a
 * composer.lock and vendor/composer/installed.json written by Debian's composer from local path
 * repositories (no network); and .NET's deps.json and packages.lock.json, written by hand in the
 * documented formats (Debian packages no dotnet). The inventory equals what `gem list`, Bundler
 * and `composer show` say of the same files, and the findings are the ones the OSV records under
 * test/data/osv/{rubygems,packagist,nuget} give.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { buildOnce, REPO_ROOT } from '../support/fixture-cache.js';
import { writeOciLayout, type TestEntry } from '../support/image-builder.js';

const COMPOSER_PACKAGES: Record<string, { name: string; version: string; license: string; require?: Record<string, string> }> = {
  guzzle: { name: 'guzzlehttp/guzzle', version: '7.4.4', license: 'MIT' },
  monolog: { name: 'monolog/monolog', version: '2.9.1', license: 'MIT', require: { 'psr/log': '^1.0' } },
  psrlog: { name: 'psr/log', version: '1.1.4', license: 'MIT' },
  phpunit: { name: 'phpunit/phpunit', version: '9.5.0', license: 'BSD-3-Clause' },
};

/** A Composer project installed by Debian's composer from path repositories, and a Bundler lock file. */
async function buildMaterial(dir: string): Promise<void> {
  const php = path.join(dir, 'php');
  for (const [folder, manifest] of Object.entries(COMPOSER_PACKAGES)) {
    await mkdir(path.join(php, 'pkgs', folder), { recursive: true });
    await writeFile(path.join(php, 'pkgs', folder, 'composer.json'), JSON.stringify({ ...manifest, type: 'library' }));
  }
  await mkdir(path.join(php, 'app'), { recursive: true });
  await writeFile(
    path.join(php, 'app', 'composer.json'),
    JSON.stringify({
      name: 'acme/app',
      repositories: [{ type: 'path', url: '../pkgs/*', options: { symlink: false } }, { 'packagist.org': false }],
      require: { 'monolog/monolog': '2.9.1', 'guzzlehttp/guzzle': '7.4.4' },
      'require-dev': { 'phpunit/phpunit': '9.5.0' },
    }),
  );
  const env = { ...process.env, COMPOSER_DISABLE_NETWORK: '1', COMPOSER_HOME: path.join(php, 'home'), COMPOSER_ALLOW_SUPERUSER: '1' };
  execFileSync('composer', ['install', '--no-interaction', '--no-plugins', '--no-scripts', '--quiet'], { cwd: path.join(php, 'app'), env, stdio: 'pipe' });

  const ruby = path.join(dir, 'ruby');
  await mkdir(path.join(ruby, 'mylib'), { recursive: true });
  await writeFile(path.join(ruby, 'mylib', 'mylib.gemspec'), 'Gem::Specification.new do |s|\n  s.name = "mylib"\n  s.version = "0.3.1"\n  s.summary = "local"\n  s.authors = ["acme"]\n  s.files = []\nend\n');
  await writeFile(path.join(ruby, 'Gemfile'), 'source "https://rubygems.org"\ngem "rack"\ngem "mustermann"\ngem "tilt"\ngem "rake"\ngem "mylib", path: "./mylib"\n');
  execFileSync('ruby', ['-e', 'load Gem.bin_path("bundler", "bundle")', '--', 'lock', '--local'], { cwd: ruby, stdio: 'pipe' });
}

/** Every installed gem specification of this machine's Ruby, and `gem list`'s answer for them. */
function hostGems(): { files: string[]; gemList: string[] } {
  const dirs = JSON.parse(execFileSync('ruby', ['-rjson', '-e', 'puts JSON.generate(Gem::Specification.dirs + [Gem.default_specifications_dir])'], { encoding: 'utf8' })) as string[];
  const files = execFileSync('sh', ['-c', 'for d in "$@"; do for f in "$d"/*.gemspec; do [ -f "$f" ] && echo "$f"; done; done; true', 'sh', ...dirs], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  const gemList = execFileSync('gem', ['list', '--local', '--quiet'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .flatMap((line) => {
      const match = /^(\S+) \((.*)\)$/.exec(line);
      return match ? (match[2] as string).split(', ').map((version) => `${match[1]}@${version.replace(/^default: /, '').split(' ')[0]}`) : [];
    });
  return { files, gemList: [...new Set(gemList)].sort() };
}

let work: string;
let db: string;
let layout: string;
let material: string;
let gems: { files: string[]; gemList: string[] };
const scans = new Map<string, ScanResult>();

async function scan(...flags: string[]): Promise<ScanResult> {
  const key = flags.join(' ');
  const cached = scans.get(key);
  if (cached) return cached;
  const result = await runTollgate(['image', 'scan', `oci:${layout}:apps`, ...flags, '--db', db, '--format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as ScanResult;
  scans.set(key, parsed);
  return parsed;
}

beforeAll(async () => {
  material = await buildOnce('ruby-php-dotnet-apps', 1, buildMaterial);
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-ruby-php-dotnet-'));
  db = path.join(work, 'vuln.db');
  const osv = (name: string) => path.join(REPO_ROOT, 'test/data/osv', name);
  const imported = await runTollgate(['db', 'import', osv('rubygems'), osv('packagist'), osv('nuget'), '--db', db, '--quiet']);
  expect(imported.code, imported.stderr).toBe(0);

  gems = hostGems();
  const file = async (name: string, source: string): Promise<TestEntry> => ({ type: 'file', name, content: await readFile(source) });
  const status = execFileSync('dpkg-query', ['-s', 'libruby3.1'], { encoding: 'utf8' });
  const osLayer: TestEntry[] = [
    await file('etc/os-release', '/etc/os-release'),
    { type: 'file', name: 'var/lib/dpkg/status', content: `${status.trim()}\n\n` },
    await file('var/lib/dpkg/info/libruby3.1:amd64.list', '/var/lib/dpkg/info/libruby3.1:amd64.list'),
    ...(await Promise.all(gems.files.map((source) => file(source.slice(1), source)))),
  ];
  const nuget = path.join(REPO_ROOT, 'src/inventory/nuget/testdata');
  const appLayer: TestEntry[] = [
    await file('srv/ruby-app/Gemfile.lock', path.join(material, 'ruby/Gemfile.lock')),
    await file('srv/php-app/composer.lock', path.join(material, 'php/app/composer.lock')),
    await file('srv/php-app/vendor/composer/installed.json', path.join(material, 'php/app/vendor/composer/installed.json')),
    await file('srv/dotnet-app/WebApp.deps.json', path.join(nuget, 'WebApp.deps.json')),
    await file('src/WebApp/packages.lock.json', path.join(nuget, 'packages.lock.json')),
  ];
  layout = path.join(work, 'layout');
  await writeOciLayout(layout, [{ tag: 'apps', layers: [{ entries: osLayer, createdBy: 'debian ruby' }, { entries: appLayer, createdBy: 'apps' }] }]);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('Ruby', () => {
  it("lists every installed gem `gem list` lists, Debian's rubygems-integration and Ruby's default gems included", async () => {
    const result = await scan('--scan-os-owned-files');
    const installed = result.packages.filter((p) => p.type === 'gem' && p.location.endsWith('.gemspec'));
    expect(gems.gemList.length).toBeGreaterThan(50);
    expect([...new Set(installed.map((p) => `${p.name}@${p.version}`))].sort()).toEqual(gems.gemList);
    expect(installed.find((p) => p.name === 'rack')).toMatchObject({ version: '2.2.22', purl: 'pkg:gem/rack@2.2.22', location: '/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec', licenses: ['MIT'] });
  });

  it("leaves the gems Debian's libruby3.1 installed to its dpkg record unless asked", async () => {
    const result = await scan();
    const owned = (await readFile('/var/lib/dpkg/info/libruby3.1:amd64.list', 'utf8')).split('\n').filter((line) => line.endsWith('.gemspec'));
    expect(owned.length).toBeGreaterThan(10);
    const gemLocations = new Set(result.packages.filter((p) => p.type === 'gem').map((p) => p.location));
    expect(owned.filter((file) => gemLocations.has(file))).toEqual([]);
    expect(gemLocations.has('/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec')).toBe(true);
  });

  it('lists the gems of the Gemfile.lock Bundler wrote, as Bundler reads them', async () => {
    const lock = path.join(material, 'ruby/Gemfile.lock');
    const bundler = execFileSync('ruby', ['-rbundler', '-e', 'puts Bundler::LockfileParser.new(File.read(ARGV[0])).specs.map { |s| "#{s.name}@#{s.version}" }', lock], { cwd: path.dirname(lock), encoding: 'utf8' }).trim().split('\n').sort();
    const ours = (await scan()).packages.filter((p) => p.location === '/srv/ruby-app/Gemfile.lock').map((p) => `${p.name}@${p.version}`).sort();
    expect(ours).toEqual(bundler);
  });
});

describe('PHP', () => {
  it('lists the packages `composer show` lists, once each though installed.json and composer.lock both describe them', async () => {
    const env = { ...process.env, COMPOSER_DISABLE_NETWORK: '1', COMPOSER_HOME: path.join(work, 'composer-home'), COMPOSER_ALLOW_SUPERUSER: '1' };
    const shown = JSON.parse(execFileSync('composer', ['show', '--format=json', '--no-plugins'], { cwd: path.join(material, 'php/app'), env, encoding: 'utf8' })) as { installed: { name: string; version: string }[] };
    const ours = (await scan()).packages.filter((p) => p.type === 'composer');
    expect(ours.map((p) => `${p.name}@${p.version}`).sort()).toEqual(shown.installed.map((p) => `${p.name}@${p.version}`).sort());
    expect(ours.find((p) => p.name === 'phpunit/phpunit')).toMatchObject({ dev: true, location: '/srv/php-app/vendor/composer/installed.json', purl: 'pkg:composer/phpunit/phpunit@9.5.0' });
  });
});

describe('.NET', () => {
  it('lists the NuGet packages of the deps.json and the lock file', async () => {
    const ours = (await scan()).packages.filter((p) => p.type === 'nuget').map((p) => `${p.location} ${p.name}@${p.version}`);
    expect(ours.sort()).toEqual(
      [
        ...['Microsoft.Data.SqlClient@4.0.0', 'Microsoft.Identity.Client@4.21.1', 'Newtonsoft.Json@13.0.1', 'System.Text.Encodings.Web@4.7.1'].map((p) => `/srv/dotnet-app/WebApp.deps.json ${p}`),
        ...['Microsoft.Data.SqlClient@4.0.0', 'Microsoft.Identity.Client@4.21.1', 'Newtonsoft.Json@13.0.1', 'System.Text.Encodings.Web@4.7.1'].map((p) => `/src/WebApp/packages.lock.json ${p}`),
      ].sort(),
    );
  });
});

describe('the findings', () => {
  const applications = ['CVE-2022-31090 guzzlehttp/guzzle 7.4.4', 'CVE-2021-26701 System.Text.Encodings.Web 4.7.1', 'CVE-2024-0056 Microsoft.Data.SqlClient 4.0.0'];
  const essence = (result: ScanResult) => [...new Set(result.findings.map((f) => `${f.id} ${f.package.name} ${f.package.version}`))].sort();

  it("are the advisories' for the applications; Ruby's own gems are Debian's to judge", async () => {
    const result = await scan();
    expect(essence(result)).toEqual([...applications].sort());
    expect(result.findings.find((f) => f.id === 'CVE-2021-26701')).toMatchObject({ severity: 'CRITICAL', fixedVersions: ['4.7.2'], aliases: ['GHSA-ghhp-997w-qr28'], package: { ecosystem: 'NuGet' } });
    expect(result.findings.find((f) => f.id === 'CVE-2022-31090')).toMatchObject({ fixedVersions: ['7.4.5'], package: { ecosystem: 'Packagist' } });
  });

  it('include REXML and URI from Ruby 3.1’s own specifications when OS-owned files are scanned too, and never Rack 2.2.22 or Newtonsoft.Json 13.0.1', async () => {
    const result = await scan('--scan-os-owned-files');
    const rexml = gems.gemList.find((gem) => gem.startsWith('rexml@'));
    const uri = gems.gemList.find((gem) => gem.startsWith('uri@'));
    expect([rexml, uri]).toEqual(['rexml@3.2.5', 'uri@0.11.0']);
    expect(essence(result)).toEqual([...applications, 'CVE-2024-35176 rexml 3.2.5', 'CVE-2023-28755 uri 0.11.0'].sort());
    expect(result.findings.find((f) => f.id === 'CVE-2023-28755')).toMatchObject({ fixedVersions: ['0.11.1'], package: { ecosystem: 'RubyGems' } });
  });
});

describe('the OSV records', () => {
  it('are in OSV form for the three ecosystems', async () => {
    for (const [folder, ecosystem] of [['rubygems', 'RubyGems'], ['packagist', 'Packagist'], ['nuget', 'NuGet']] as const) {
      const dir = path.join(REPO_ROOT, 'test/data/osv', folder);
      for (const name of await readdir(dir)) {
        const record = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { id: string; affected: { package: { ecosystem: string } }[] };
        expect(`${record.id}.json`).toBe(name);
        expect(record.affected.every((affected) => affected.package.ecosystem === ecosystem)).toBe(true);
      }
    }
  });
});

