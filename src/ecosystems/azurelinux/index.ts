/**
 * Azure Linux: rpm packages on an OS whose os-release `ID` is `azurelinux` (3.0 onwards; CBL-Mariner
 * 2.0, `ID=mariner`, publishes under the same OSV name as `Azure Linux:2`: src/ecosystems/mariner/). Advisories are Microsoft's OVAL data in OSV, per major release
 * (`Azure Linux:3`), one record per CVE and package, named by the source package.
 */
import type { EcosystemDescriptor } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';
import { rpmAdvisoryQuery } from '../rpm-distribution.js';

/** The major release: `3.0` -> `3`. */
function azureLinuxMajor(version: string): string | undefined {
  return /^(\d+)(?:\.|$)/.exec(version)?.[1];
}

export const azurelinux: EcosystemDescriptor = {
  id: 'azurelinux',
  packageType: 'rpm',
  osFamily: 'azurelinux',
  versionScheme: 'rpm',
  osv: { ecosystem: 'Azure Linux', downloadByDefault: false },
  osvEcosystemFor(os) {
    const major = os ? azureLinuxMajor(os.version) : undefined;
    return major ? `Azure Linux:${major}` : undefined;
  },
  normalizeName: (name) => name,
  purl: osPackagePurl('rpm', 'redhat'),
  advisoryQuery: rpmAdvisoryQuery,
  releaseOf: (os) => azureLinuxMajor(os.version),
};
