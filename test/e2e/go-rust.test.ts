/**
 * End to end, on real Go and Rust material built here: Go binaries built by Debian's golang-go with
 * local `replace` directives (for two architectures), the go.mod they were built from, a Cargo.lock
 * cargo generated and a cargo-built binary with a cargo-auditable `.dep-v0` section, laid in an OCI
 * image and scanned by the built CLI. The inventory equals what `go version -m`, `go list -m` and
 * `cargo metadata` say; the findings are exactly the local OSV records' (Go, crates.io) that apply,
 * including the standard library's by the toolchain version, and not the one fixed in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { GO_APP_MODULES, GO_AVAILABLE, ensureGoBinaries, goVersionM } from '../support/go-binaries.js';
import { writeOciLayout } from '../support/image-builder.js';
import { CARGO_AVAILABLE, RUST_APP, ensureRustMaterial } from '../support/rust-material.js';

const AVAILABLE = GO_AVAILABLE && CARGO_AVAILABLE;
let work: string;
let result: ScanResult;
let goTruth: ReturnType<typeof goVersionM>;
let cargoTruth: string[];

beforeAll(async () => {
  if (!AVAILABLE) return;
  const [go, rust] = await Promise.all([ensureGoBinaries(), ensureRustMaterial()]);
  goTruth = goVersionM(go.binaries['app-amd64'] as string);
  cargoTruth = rust.metadata.packages.map((p) => `${p.name}@${p.version}`);
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-go-rust-'));
  const layout = path.join(work, 'layout');
  const file = async (name: string, from: string, mode = 0o644) => ({ type: 'file' as const, name, content: await readFile(from), mode });
  await writeOciLayout(layout, [
    {
      tag: 'services',
      layers: [
        { entries: [{ type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' }], createdBy: 'base' },
        {
          createdBy: 'COPY services',
          entries: [
            await file('usr/local/bin/service', go.binaries['app-amd64'] as string, 0o755),
            await file('opt/ppc64/service', go.binaries['app-ppc64'] as string, 0o755),
            await file('src/app/go.mod', path.join(go.source, 'go.mod')),
            await file('usr/local/bin/rust-app', rust.binary, 0o755),
            await file('src/rust-app/Cargo.lock', rust.lockFile),
            // Not executable: never read as a binary, whatever it holds.
            await file('usr/share/doc/service.copy', go.binaries['app-amd64'] as string, 0o644),
          ],
        },
      ],
    },
  ]);
  const db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/go'), path.join(REPO_ROOT, 'test/data/osv/crates.io'), '--db', db, '--quiet']);
  expect(imported.code, imported.stderr).toBe(0);
  const scanned = await runTollgate(['image', 'scan', `oci:${layout}:services`, '--db', db, '--format', 'json']);
  expect(scanned.stderr).toBe('');
  expect(scanned.code).toBe(0);
  result = JSON.parse(scanned.stdout) as ScanResult;
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const at = (location: string): string[] =>
  result.packages
    .filter((p) => p.location === location)
    .map((p) => `${p.name}@${p.version}`)
    .sort();

describe.runIf(AVAILABLE)('an image holding Go and Rust services, scanned by the built CLI', () => {
  it('lists each Go binary’s modules as go version -m does, and its toolchain as stdlib', () => {
    const deps = goTruth.lines.filter((line) => line[0] === 'dep').map((line) => `${line[1]}@${line[2]}`);
    const expected = [...deps, `stdlib@${goTruth.goVersion.replace(/^go/, 'v')}`].sort();
    expect(at('/usr/local/bin/service')).toEqual(expected);
    expect(at('/opt/ppc64/service')).toEqual(expected);
    expect(result.packages.find((p) => p.location === '/opt/ppc64/service')?.architecture).toBe('ppc64');
    expect(result.packages.find((p) => p.name === 'stdlib')?.purl).toBe('pkg:golang/stdlib@v1.19.8');
    expect(result.packages.find((p) => p.name === 'golang.org/x/text')?.purl).toBe('pkg:golang/golang.org/x/text@v0.3.6');
    expect(at('/usr/share/doc/service.copy')).toEqual([]);
  });

  it('lists the go.mod requirements as go list -m does, and the Rust crates as cargo metadata does', () => {
    expect(at('/src/app/go.mod')).toEqual(GO_APP_MODULES.map((module) => `${module.path}@${module.version}`).sort());
    expect(at('/src/rust-app/Cargo.lock')).toEqual([...cargoTruth].sort());
    expect(at('/usr/local/bin/rust-app')).toEqual(['itoa@1.0.1', 'smallvec@1.6.0', `${RUST_APP.name}@${RUST_APP.version}`].sort());
    expect(result.packages.find((p) => p.name === 'smallvec')?.purl).toBe('pkg:cargo/smallvec@1.6.0');
    for (const pkg of result.packages.filter((p) => p.type === 'golang' || p.type === 'cargo')) expect(pkg.layer?.createdBy).toBe('COPY services');
  });

  it('finds exactly the advisories that apply, by module path, crate name and the toolchain version', () => {
    const findings = result.findings.map((f) => `${f.id} ${f.package.name} ${f.package.version} ${f.package.location}`).sort();
    const goBinaryFindings = (location: string) => [
      `CVE-2019-11254 gopkg.in/yaml.v2 v2.2.7 ${location}`,
      `CVE-2021-38561 golang.org/x/text v0.3.6 ${location}`,
    ];
    expect(findings).toEqual(
      [
        ...goBinaryFindings('/usr/local/bin/service'),
        'CVE-2024-24790 stdlib v1.19.8 /usr/local/bin/service',
        ...goBinaryFindings('/opt/ppc64/service'),
        'CVE-2024-24790 stdlib v1.19.8 /opt/ppc64/service',
        ...goBinaryFindings('/src/app/go.mod'),
        'CVE-2021-25900 smallvec 1.6.0 /usr/local/bin/rust-app',
        'CVE-2021-25900 smallvec 1.6.0 /src/rust-app/Cargo.lock',
      ].sort(),
    );
    // GO-2023-1703 was fixed in go1.19.8 itself.
    expect(findings.some((f) => f.startsWith('CVE-2023-24538'))).toBe(false);
    const stdlib = result.findings.find((f) => f.id === 'CVE-2024-24790');
    expect(stdlib).toMatchObject({ fixState: 'fixed', fixedVersions: ['1.21.11', '1.22.4'], package: { ecosystem: 'Go' } });
    expect(result.findings.find((f) => f.id === 'CVE-2021-25900')).toMatchObject({ severity: 'CRITICAL', fixedVersions: ['1.6.1'], package: { ecosystem: 'crates.io' } });
  });

  it('reads the same image as a folder to the same packages', async () => {
    const rootfs = path.join(work, 'rootfs');
    execFileSync('mkdir', ['-p', rootfs]);
    const layout = path.join(work, 'layout');
    execFileSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:services`, rootfs], { stdio: 'pipe' });
    const db = path.join(work, 'vuln.db');
    const scanned = await runTollgate(['image', 'scan', `dir:${rootfs}`, '--db', db, '--format', 'json']);
    expect(scanned.code, scanned.stderr).toBe(0);
    const folder = JSON.parse(scanned.stdout) as ScanResult;
    const essence = (scan: ScanResult) => scan.packages.filter((p) => p.type === 'golang' || p.type === 'cargo').map((p) => `${p.purl} ${p.location}`).sort();
    expect(essence(folder)).toEqual(essence(result));
  });
});
