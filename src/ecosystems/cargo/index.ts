/**
 * Rust crates: packages from Cargo.lock files and from binaries built with cargo-auditable, matched
 * against the `crates.io` advisories (the RustSec advisory database through OSV) by crate name,
 * wherever they are found.
 *
 * Versions are ordered by the `semver` scheme: Cargo versions are strict Semantic Versioning 2.0,
 * and OSV's crates.io records use `SEMVER` ranges, which SemVer precedence decides (build metadata
 * ignored). The scheme is more lenient in what it reads (partial versions), which only matters for
 * text that no Cargo.lock holds.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

export const cargo: EcosystemDescriptor = {
  id: 'cargo',
  packageType: 'cargo',
  versionScheme: 'semver',
  osv: { ecosystem: 'crates.io', downloadByDefault: true },
  osvEcosystemFor: () => 'crates.io',
  normalizeName: (name) => name,
  purl: (record) => new PackageURL('cargo', undefined, record.name, record.version, undefined, undefined).toString(),
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
};
