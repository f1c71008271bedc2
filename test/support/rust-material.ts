/**
 * Real Rust material for tests, built at test setup by `cargo` with no network (`--offline`): a
 * small application depending on local path crates named and versioned as published crates
 * (smallvec 1.6.0 is affected by RUSTSEC-2021-0003), with a build-only dependency; its Cargo.lock
 * as Cargo writes it, and its release binary.
 *
 * cargo-auditable is not packaged by Debian 12 and cannot be fetched here, so the binary's `.dep-v0`
 * section is embedded with `objcopy --add-section`: zlib-compressed JSON in cargo-auditable's format,
 * written from what `cargo metadata` says of the same build (the packages, which are build-only, the
 * root). `cargo metadata` is the ground truth for both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { buildOnce } from './fixture-cache.js';

export const CARGO_AVAILABLE = spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('objcopy', ['--version'], { stdio: 'ignore' }).status === 0;

/** Path crates standing in for published ones: name, version, and whether the app needs it only to build. */
export const RUST_CRATES = [
  { name: 'smallvec', version: '1.6.0', build: false },
  { name: 'itoa', version: '1.0.1', build: false },
  { name: 'cc', version: '1.0.73', build: true },
] as const;
export const RUST_APP = { name: 'tollgate-rust-app', version: '0.3.1' };

export interface RustMaterial {
  /** The application's folder, with Cargo.toml and Cargo.lock. */
  app: string;
  lockFile: string;
  /** The release binary with its `.dep-v0` section. */
  binary: string;
  /** `cargo metadata` of the app: every locked package. */
  metadata: { packages: { name: string; version: string; source: string | null }[] };
}

interface Metadata {
  packages: { id: string; name: string; version: string; source: string | null }[];
  resolve: { root: string | null; nodes: { id: string; deps: { pkg: string; dep_kinds: { kind: string | null }[] }[] }[] };
}

/** The `.dep-v0` JSON cargo-auditable writes for a build `cargo metadata` describes. */
export function auditDataFor(metadata: Metadata): string {
  const ids = metadata.packages.map((pkg) => pkg.id).sort();
  const byId = new Map(metadata.packages.map((pkg) => [pkg.id, pkg]));
  const nodes = new Map(metadata.resolve.nodes.map((node) => [node.id, node]));
  // Build-only: reached from the root only through build dependencies.
  const runtime = new Set<string>();
  const walk = (id: string): void => {
    if (runtime.has(id)) return;
    runtime.add(id);
    for (const dep of nodes.get(id)?.deps ?? []) if (dep.dep_kinds.some((kind) => kind.kind !== 'build')) walk(dep.pkg);
  };
  if (metadata.resolve.root) walk(metadata.resolve.root);
  const packages = ids.map((id) => {
    const pkg = byId.get(id) as Metadata['packages'][number];
    const deps = (nodes.get(id)?.deps ?? []).map((dep) => ids.indexOf(dep.pkg)).sort((a, b) => a - b);
    return {
      name: pkg.name,
      version: pkg.version,
      source: pkg.source === null ? 'local' : pkg.source.startsWith('registry+') ? 'crates.io' : pkg.source.startsWith('git+') ? 'git' : 'registry',
      ...(runtime.has(id) ? {} : { kind: 'build' }),
      ...(deps.length ? { dependencies: deps } : {}),
      ...(id === metadata.resolve.root ? { root: true } : {}),
    };
  });
  return JSON.stringify({ packages });
}

export async function ensureRustMaterial(): Promise<RustMaterial> {
  const dir = await buildOnce('rust-material', 1, async (out) => {
    for (const crate of RUST_CRATES) {
      const folder = path.join(out, 'crates', crate.name);
      await mkdir(path.join(folder, 'src'), { recursive: true });
      await writeFile(path.join(folder, 'Cargo.toml'), `[package]\nname = "${crate.name}"\nversion = "${crate.version}"\nedition = "2018"\n\n[dependencies]\n`);
      await writeFile(path.join(folder, 'src', 'lib.rs'), `pub fn name() -> &'static str { "${crate.name}" }\n`);
    }
    const app = path.join(out, 'app');
    await mkdir(path.join(app, 'src'), { recursive: true });
    const dependency = (crate: (typeof RUST_CRATES)[number]): string => `${crate.name} = { path = "../crates/${crate.name}" }`;
    await writeFile(
      path.join(app, 'Cargo.toml'),
      [
        '[package]',
        `name = "${RUST_APP.name}"`,
        `version = "${RUST_APP.version}"`,
        'edition = "2018"',
        '',
        '[dependencies]',
        ...RUST_CRATES.filter((crate) => !crate.build).map(dependency),
        '',
        '[build-dependencies]',
        ...RUST_CRATES.filter((crate) => crate.build).map(dependency),
        '',
      ].join('\n'),
    );
    await writeFile(path.join(app, 'build.rs'), 'fn main() { let _ = cc::name(); }\n');
    await writeFile(path.join(app, 'src', 'main.rs'), 'fn main() { println!("{} {}", smallvec::name(), itoa::name()); }\n');
    const env = { ...process.env, CARGO_HOME: path.join(out, 'cargo-home'), CARGO_TARGET_DIR: path.join(out, 'target'), CARGO_NET_OFFLINE: 'true' };
    execFileSync('cargo', ['generate-lockfile', '--offline'], { cwd: app, env, stdio: 'pipe' });
    execFileSync('cargo', ['build', '--release', '--offline', '--locked'], { cwd: app, env, stdio: 'pipe' });
    const metadata = execFileSync('cargo', ['metadata', '--offline', '--locked', '--format-version', '1'], { cwd: app, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    await writeFile(path.join(out, 'metadata.json'), metadata);
    const sectionFile = path.join(out, 'dep-v0.bin');
    await writeFile(sectionFile, deflateSync(auditDataFor(JSON.parse(metadata) as Metadata)));
    const built = path.join(out, 'target', 'release', RUST_APP.name);
    await mkdir(path.join(out, 'bin'), { recursive: true });
    execFileSync('objcopy', ['--add-section', `.dep-v0=${sectionFile}`, '--set-section-flags', '.dep-v0=noload,readonly', built, path.join(out, 'bin', RUST_APP.name)], { stdio: 'pipe' });
  });
  const metadata = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'metadata.json'), 'utf8'))) as RustMaterial['metadata'];
  return { app: path.join(dir, 'app'), lockFile: path.join(dir, 'app', 'Cargo.lock'), binary: path.join(dir, 'bin', RUST_APP.name), metadata };
}
