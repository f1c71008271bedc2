/**
 * Go: modules compiled into Go binaries and required by go.mod files, matched against the `Go`
 * advisories (Go's vulnerability database through OSV) by module path, wherever they are found. The
 * toolchain a binary was built with is the package `stdlib`, as Go's database names the standard
 * library. Module paths are case-sensitive and kept exact.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

export const golang: EcosystemDescriptor = {
  id: 'golang',
  packageType: 'golang',
  versionScheme: 'go',
  osv: { ecosystem: 'Go', downloadByDefault: true },
  osvEcosystemFor: () => 'Go',
  normalizeName: (name) => name,
  purl(record) {
    // purl-spec: the module path's last segment is the name, the segments before it the namespace.
    const slash = record.name.lastIndexOf('/');
    const namespace = slash > 0 ? record.name.slice(0, slash) : undefined;
    const name = slash > 0 && slash < record.name.length - 1 ? record.name.slice(slash + 1) : record.name;
    return new PackageURL('golang', namespace, name, record.version, undefined, undefined).toString();
  },
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
};
