/**
 * Real Go binaries for tests, built at test setup by Debian's `golang-go` in module mode with no
 * network (GOPROXY=off, GOFLAGS=-mod=mod): an application whose go.mod requires modules at real
 * published versions and replaces each with a local copy, so the binaries carry real `dep` and `=>`
 * lines, as a build from a vendored or patched tree does. Built for several architectures (32- and
 * 64-bit, little- and big-endian) and stripped; `go version -m` on each is the ground truth.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildOnce } from './fixture-cache.js';

export const GO_AVAILABLE = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

/** The modules the application requires, at the versions its go.mod names, each replaced by a local folder. */
export const GO_APP_MODULES = [
  // GO-2021-0113 (CVE-2021-38561) is fixed in v0.3.7.
  { path: 'golang.org/x/text', version: 'v0.3.6', folder: 'text', pkg: 'language' },
  // GO-2020-0036 (CVE-2019-11254) is fixed in v2.2.8.
  { path: 'gopkg.in/yaml.v2', version: 'v2.2.7', folder: 'yaml', pkg: '' },
  { path: 'example.com/pseudo', version: 'v0.0.0-20191109021931-daa7c04131f5', folder: 'pseudo', pkg: '' },
  { path: 'github.com/docker/docker', version: 'v20.10.7+incompatible', folder: 'docker', pkg: 'client' },
] as const;

export const GO_APP_MODULE = 'example.com/app';
/** GOARCH → what the binary is: pure Go, so every one of them links here without a C cross-compiler. */
export const GO_ARCHITECTURES = ['amd64', '386', 'arm64', 'mips', 'ppc64'] as const;

export interface GoBinaries {
  dir: string;
  /** Binary path by name: `app-amd64`, ..., `app-stripped` (-s -w, -trimpath). */
  binaries: Record<string, string>;
  /** Where the application's source tree is (with its go.mod). */
  source: string;
}

function goEnv(root: string): NodeJS.ProcessEnv {
  return { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GOSUMDB: 'off', GOPATH: path.join(root, 'gopath'), GOCACHE: path.join(root, 'gocache'), GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOOS: 'linux' };
}

export async function ensureGoBinaries(): Promise<GoBinaries> {
  const dir = await buildOnce('go-binaries', 1, async (out) => {
    const source = path.join(out, 'src');
    for (const module of GO_APP_MODULES) {
      const folder = path.join(source, module.folder, module.pkg);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(source, module.folder, 'go.mod'), `module ${module.path}\n\ngo 1.17\n`);
      await writeFile(path.join(folder, 'lib.go'), `package ${module.pkg || module.folder}\n\n// Name says which local copy this is.\nfunc Name() string { return "${module.path}" }\n`);
    }
    const app = path.join(source, 'app');
    await mkdir(app, { recursive: true });
    await writeFile(
      path.join(app, 'go.mod'),
      [
        `module ${GO_APP_MODULE}`,
        '',
        'go 1.19',
        '',
        'require (',
        ...GO_APP_MODULES.map((module) => `\t${module.path} ${module.version}${module.folder === 'docker' ? ' // indirect' : ''}`),
        ')',
        '',
        ...GO_APP_MODULES.map((module) => `replace ${module.path} ${module.version} => ../${module.folder}`),
        '',
      ].join('\n'),
    );
    const imports = GO_APP_MODULES.map((module, index) => `m${index} "${module.path}${module.pkg ? `/${module.pkg}` : ''}"`);
    await writeFile(
      path.join(app, 'main.go'),
      `package main\n\nimport (\n\t"fmt"\n${imports.map((line) => `\t${line}\n`).join('')})\n\nfunc main() {\n${GO_APP_MODULES.map((_, index) => `\tfmt.Println(m${index}.Name())\n`).join('')}}\n`,
    );
    const binDir = path.join(out, 'bin');
    await mkdir(binDir, { recursive: true });
    for (const arch of GO_ARCHITECTURES) {
      execFileSync('go', ['build', '-o', path.join(binDir, `app-${arch}`), '.'], { cwd: app, env: { ...goEnv(out), GOARCH: arch }, stdio: 'pipe' });
    }
    execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', path.join(binDir, 'app-stripped'), '.'], { cwd: app, env: { ...goEnv(out), GOARCH: 'amd64' }, stdio: 'pipe' });
  });
  const binaries: Record<string, string> = {};
  for (const name of [...GO_ARCHITECTURES.map((arch) => `app-${arch}`), 'app-stripped']) binaries[name] = path.join(dir, 'bin', name);
  return { dir, binaries, source: path.join(dir, 'src', 'app') };
}

/** What `go version -m` says of a binary: its toolchain and its module lines, as written. */
export function goVersionM(binary: string): { goVersion: string; lines: string[][] } {
  const text = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  const [first = '', ...rest] = text.split('\n');
  return { goVersion: first.slice(first.indexOf(': ') + 2).trim(), lines: rest.filter((line) => line.trim() !== '').map((line) => line.replace(/^\t/, '').split('\t')) };
}
