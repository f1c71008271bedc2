import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { GO_AVAILABLE, ensureGoBinaries } from '../../../test/support/go-binaries.js';
import { parseGoMod } from './gomod.js';
import { parseGoSum } from './gosum.js';
import { goModAnalyzer, packagesFromGoMod, packagesFromGoSum } from './index.js';
import { dedupePackages } from '../dedupe.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const read = (name: string): string => readFileSync(path.join(testdata, name), 'utf8');
const names = (result: { packages?: { name: string; version: string }[] }): string[] => (result.packages ?? []).map((p) => `${p.name}@${p.version}`).sort();

describe('go.sum', () => {
  it('lists the modules whose zip it records, each at its highest such version, not the ones only walked through', () => {
    const result = packagesFromGoSum(read('old.go.sum'), '/legacy/go.sum');
    expect(names(result)).toEqual(['github.com/direct/dep@v1.0.0', 'github.com/indirect/helper@v1.3.1', 'golang.org/x/sys@v0.0.0-20200930185726-fdedc70b468f']);
    expect(result.warnings).toBeUndefined();
  });

  it('completes an old go.mod with the go.sum beside it: the go.mod decides what it names, the go.sum adds the rest', () => {
    const records = [...(packagesFromGoMod(read('old.go.mod'), '/legacy/go.mod').packages ?? []), ...(packagesFromGoSum(read('old.go.sum'), '/legacy/go.sum').packages ?? []), ...(packagesFromGoSum(read('old.go.sum'), '/elsewhere/go.sum').packages ?? [])];
    const at = (location: string): string[] => names({ packages: dedupePackages(records).filter((record) => record.location === location) });
    expect(at('/legacy/go.mod')).toEqual(['github.com/direct/dep@v1.0.0']);
    expect(at('/legacy/go.sum')).toEqual(['github.com/indirect/helper@v1.3.1', 'golang.org/x/sys@v0.0.0-20200930185726-fdedc70b468f']);
    // A go.sum with no go.mod beside it keeps every module it records.
    expect(at('/elsewhere/go.sum')).toHaveLength(3);
  });

  it('skips, with a bounded number of warnings, lines that are not a module, a version and a hash', () => {
    const text = ['not a line', 'github.com/a/b v1.0.0', 'github.com/a/b notaversion h1:x=', '../local v1.0.0 h1:x=', 'github.com/a/b v1.0.0 sha256:x', 'github.com/ok/mod v1.0.0 h1:abc=', ...Array.from({ length: 50 }, () => 'junk')].join('\n');
    const result = parseGoSum(text);
    expect([...result.modules]).toEqual([['github.com/ok/mod', 'v1.0.0']]);
    expect(result.warnings[0]).toBe('line 1 is not "<module> <version> h1:<hash>"; skipped');
    expect(result.warnings).toHaveLength(20);
  });

  it('never throws, whatever the bytes, and keeps only valid modules at one version each', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('github.com/x/y v1.2.3 h1:a=', 'github.com/x/y v1.10.0 h1:b=', 'github.com/x/y v1.10.0/go.mod h1:c=', 'golang.org/x/z v0.0.0-20200101000000-abcdefabcdef h1:d=')), { maxLength: 40 }), (lines) => {
        const result = parseGoSum(lines.join('\n'));
        for (const [, version] of result.modules) expect(version.startsWith('v')).toBe(true);
        if (lines.includes('github.com/x/y v1.10.0 h1:b=')) expect(result.modules.get('github.com/x/y')).toBe('v1.10.0');
        expect(result.warnings.length).toBeLessThanOrEqual(20);
      }),
      { numRuns: 300 },
    );
  });

  it('is read by the analyzer beside go.mod, outside the module cache and vendor folders', async () => {
    expect(goModAnalyzer.patterns).toContain('**/go.sum');
    const analyze = goModAnalyzer.kind === undefined || goModAnalyzer.kind === 'content' ? goModAnalyzer.analyze : undefined;
    expect(names((await analyze?.({ path: '/legacy/go.sum', content: Buffer.from(read('old.go.sum')) })) ?? {})).toHaveLength(3);
    expect(await analyze?.({ path: '/root/go/pkg/mod/cache/download/x/go.sum', content: Buffer.from(read('old.go.sum')) })).toEqual({});
  });
});

describe('go.mod', () => {
  it('lists the requirements with replace and exclude applied, from every directive form', () => {
    const result = packagesFromGoMod(read('go.mod'), '/src/go.mod');
    expect(names(result)).toEqual([
      'github.com/docker/docker@v20.10.7+incompatible',
      'github.com/fork/lib@v1.2.1',
      'github.com/gorilla/mux@v1.8.0',
      'github.com/sirupsen/logrus@v1.9.0',
      'golang.org/x/net@v0.0.0-20210226172049-e18ecbb05110',
      'golang.org/x/text@v0.3.6',
    ]);
    expect(result.warnings).toEqual(['example.com/excluded v1.0.0 is both required and excluded; skipped']);
    const parsed = parseGoMod(read('go.mod'));
    expect(parsed.module).toBe('example.com/service');
    expect(parsed.requires.filter((r) => r.indirect).map((r) => r.path)).toEqual(['golang.org/x/text', 'github.com/docker/docker']);
  });

  it('says when a go.mod predates Go 1.17 and may omit indirect dependencies', () => {
    const result = packagesFromGoMod(read('old.go.mod'), '/legacy/go.mod');
    expect(names(result)).toEqual(['github.com/direct/dep@v1.0.0']);
    expect(result.warnings).toEqual(['written for Go 1.16, before go.mod listed every module a build needs: indirect dependencies come from the go.sum beside it, and are missing without one']);
    expect(packagesFromGoMod(read('old.go.mod').replace('go 1.16', 'go 1.17'), '/legacy/go.mod').warnings).toBeUndefined();
    expect(packagesFromGoMod('module example.com/leaf\n', '/leaf/go.mod')).toEqual({ packages: [] });
  });

  it.runIf(GO_AVAILABLE)('lists what go list -m all lists for a real module with local replacements', async () => {
    const built = await ensureGoBinaries();
    const out = execFileSync('go', ['list', '-m', 'all'], {
      cwd: built.source,
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GOSUMDB: 'off', GOPATH: path.join(built.dir, 'gopath'), GOCACHE: path.join(built.dir, 'gocache'), GOTOOLCHAIN: 'local' },
    });
    const expected = out
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .filter((fields) => fields.length > 1)
      .map(([module, version, arrow, newPath, newVersion]) => (arrow === '=>' && newVersion ? `${newPath}@${newVersion}` : `${module}@${version}`))
      .sort();
    const result = goModAnalyzer.analyze({ path: '/src/app/go.mod', content: readFileSync(path.join(built.source, 'go.mod')) });
    expect(names(result)).toEqual(expected);
    expect(expected).toContain('golang.org/x/text@v0.3.6');
  }, 300_000);

  it('leaves the module cache and vendor folders alone: their go.mod files are other modules’', () => {
    const dependency = Buffer.from('module github.com/x/y\n\ngo 1.20\n\nrequire github.com/z/z v1.0.0\n');
    expect(goModAnalyzer.analyze({ path: '/root/go/pkg/mod/github.com/x/y@v1.0.0/go.mod', content: dependency })).toEqual({});
    expect(goModAnalyzer.analyze({ path: '/app/vendor/github.com/x/y/go.mod', content: dependency })).toEqual({});
    expect(names(goModAnalyzer.analyze({ path: '/src/y/go.mod', content: dependency }))).toEqual(['github.com/z/z@v1.0.0']);
    expect(goModAnalyzer.patterns).toEqual(['**/go.mod', '**/go.sum']);
  });

  it.each([
    ['an unterminated string', 'module "x\nrequire a v1.0.0\n', /line 1: an unterminated string/],
    ['a requirement without a version', 'require a\n', /line 1: a requirement without/],
    ['a replacement without an arrow', 'replace a b\n', /line 1: a replacement not of the form/],
    ['a block never closed', 'require (\n a v1.0.0\n', /the require block is not closed/],
  ])('warns, never throws, on %s', (_, text, warning) => {
    expect(packagesFromGoMod(text, '/go.mod').warnings?.[0]).toMatch(warning);
  });

  it('never throws on arbitrary text, and lists only requirements with a path and a version', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('module ', 'go 1.16\n', 'require ', 'replace ', 'exclude ', '(', ')', '=>', '"', '`', '//', ' indirect', '\n', 'a ', 'v1.0.0 ', '../x '), fc.string({ maxLength: 6 })), { maxLength: 50 }), (parts) => {
        const text = parts.join('');
        const result = packagesFromGoMod(text, '/go.mod');
        for (const pkg of result.packages ?? []) expect(pkg.name !== '' && pkg.version !== '').toBe(true);
      }),
    );
  });
});

describe('go.sum against the go command', () => {
  /** A module as a GOPROXY=file:// folder serves it: list, .info, .mod and the .zip of `<path>@<version>/...`. */
  async function publish(proxy: string, modulePath: string, version: string, files: Record<string, string>): Promise<void> {
    const folder = path.join(proxy, modulePath, '@v');
    mkdirSync(folder, { recursive: true });
    appendFileSync(path.join(folder, 'list'), `${version}\n`);
    writeFileSync(path.join(folder, `${version}.info`), JSON.stringify({ Version: version, Time: '2020-01-01T00:00:00Z' }));
    writeFileSync(path.join(folder, `${version}.mod`), files['go.mod'] as string);
    const zip = new yazl.ZipFile();
    for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), `${modulePath}@${version}/${name}`, { mtime: new Date(0) });
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
    writeFileSync(path.join(folder, `${version}.zip`), Buffer.concat(chunks));
  }

  it.runIf(GO_AVAILABLE)('completes a Go 1.16 go.mod from the go.sum go wrote, to exactly what go list -m all lists', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tollgate-gosum-'));
    try {
      const proxy = path.join(root, 'proxy');
      await publish(proxy, 'example.test/indirect', 'v1.1.0', { 'go.mod': 'module example.test/indirect\n\ngo 1.16\n', 'indirect.go': 'package indirect\n\nfunc G() string { return "old" }\n' });
      await publish(proxy, 'example.test/indirect', 'v1.2.0', { 'go.mod': 'module example.test/indirect\n\ngo 1.16\n', 'indirect.go': 'package indirect\n\nfunc G() string { return "g" }\n' });
      await publish(proxy, 'example.test/direct', 'v1.0.0', { 'go.mod': 'module example.test/direct\n\ngo 1.16\n\nrequire example.test/indirect v1.2.0\n', 'direct.go': 'package direct\n\nimport "example.test/indirect"\n\nfunc F() string { return indirect.G() }\n' });
      const app = path.join(root, 'app');
      mkdirSync(app);
      writeFileSync(path.join(app, 'go.mod'), 'module example.test/app\n\ngo 1.16\n\nrequire example.test/direct v1.0.0\n');
      writeFileSync(path.join(app, 'main.go'), 'package main\n\nimport "example.test/direct"\n\nfunc main() { println(direct.F()) }\n');
      const env = { ...process.env, GOPROXY: `file://${proxy}`, GOFLAGS: '-mod=mod', GOSUMDB: 'off', GOPATH: path.join(root, 'gopath'), GOCACHE: path.join(root, 'gocache'), GOTOOLCHAIN: 'local', CGO_ENABLED: '0' };
      execFileSync('go', ['build', '-o', path.join(root, 'app.bin'), '.'], { cwd: app, env, stdio: 'pipe' });
      const modules = execFileSync('go', ['list', '-m', 'all'], { cwd: app, env, encoding: 'utf8' }).trim().split('\n').slice(1).map((line) => line.replace(' ', '@')).sort();
      const goMod = readFileSync(path.join(app, 'go.mod'), 'utf8');
      const goSum = readFileSync(path.join(app, 'go.sum'), 'utf8');
      // Go 1.16 semantics: go.mod names only the direct requirement; the indirect one is in go.sum alone.
      expect(goMod).not.toContain('example.test/indirect');
      expect(modules).toEqual(['example.test/direct@v1.0.0', 'example.test/indirect@v1.2.0']);
      const ours = dedupePackages([...(packagesFromGoMod(goMod, '/app/go.mod').packages ?? []), ...(packagesFromGoSum(goSum, '/app/go.sum').packages ?? [])]);
      expect(names({ packages: ours })).toEqual(modules);
      expect(names({ packages: packagesFromGoMod(goMod, '/app/go.mod').packages ?? [] })).toEqual(['example.test/direct@v1.0.0']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
