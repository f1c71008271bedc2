/**
 * npm: packages from `node_modules` and lock files, matched against the `npm` advisories (GitHub's
 * advisory database through OSV) by name, wherever in the image they are installed. A scoped
 * package (`@babel/core`) keeps its scope as the purl namespace.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

export const npm: EcosystemDescriptor = {
  id: 'npm',
  packageType: 'npm',
  versionScheme: 'semver',
  osv: { ecosystem: 'npm', downloadByDefault: true },
  osvEcosystemFor: () => 'npm',
  normalizeName: (name) => name,
  purl(record) {
    // A scope only where both halves are there: `@scope/` from a hostile package.json is a name
    // of its own, not a scope with an empty name (which packageurl-js refuses with a throw).
    const slash = record.name.startsWith('@') ? record.name.indexOf('/') : -1;
    const scoped = slash > 0 && slash < record.name.length - 1;
    const namespace = scoped ? record.name.slice(0, slash) : undefined;
    const name = scoped ? record.name.slice(slash + 1) : record.name;
    return new PackageURL('npm', namespace, name, record.version, undefined, undefined).toString();
  },
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
};
