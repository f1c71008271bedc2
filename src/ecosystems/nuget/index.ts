/**
 * NuGet: .NET packages an application was built with (`*.deps.json`) or locked
 * (`packages.lock.json`), matched against the `NuGet` advisories (GitHub's advisory database
 * through OSV) by package id wherever they are. NuGet package ids are case-insensitive: they are
 * compared in lower case at import and at lookup, and kept as written in the inventory and purl.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

function nugetId(name: string): string {
  return name.toLowerCase();
}

export const nuget: EcosystemDescriptor = {
  id: 'nuget',
  packageType: 'nuget',
  versionScheme: 'nuget',
  osv: { ecosystem: 'NuGet', downloadByDefault: true },
  osvEcosystemFor: () => 'NuGet',
  normalizeName: nugetId,
  purl: (record) => new PackageURL('nuget', undefined, record.name, record.version, undefined, undefined).toString(),
  advisoryQuery: (pkg) => ({ name: nugetId(pkg.name), version: pkg.version }),
};
