/**
 * PyPI: Python distributions installed in site-packages or dist-packages, matched against the
 * `PyPI` advisories by name wherever they are installed. Names are compared as PEP 503 normalises
 * them, the one way this code base writes a Python package name: in the inventory, in the purl, and
 * in the advisory database at import and at lookup.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

/**
 * PEP 503 name normalisation, `re.sub(r"[-_.]+", "-", name).lower()`: `Ruamel.YAML`,
 * `ruamel_yaml` and `ruamel--yaml` are all `ruamel-yaml`.
 */
export function pep503Name(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

export const pypi: EcosystemDescriptor = {
  id: 'pypi',
  packageType: 'pypi',
  versionScheme: 'pep440',
  osv: { ecosystem: 'PyPI', downloadByDefault: true },
  osvEcosystemFor: () => 'PyPI',
  normalizeName: pep503Name,
  purl: (record) => new PackageURL('pypi', undefined, pep503Name(record.name), record.version, undefined, undefined).toString(),
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
};
