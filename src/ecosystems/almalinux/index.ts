/**
 * AlmaLinux: rpm packages on an OS whose os-release `ID` is `almalinux`. Advisories (ALSA, from
 * AlmaLinux's errata) are per major release (`AlmaLinux:9`) and name the source package; module
 * streams are told apart (src/ecosystems/rpm-distribution.ts).
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';
import { enterpriseLinuxMajor, moduleStreamAllows, rpmAdvisoryQuery } from '../rpm-distribution.js';

/** End of security support, from almalinux.org's release table. */
export const ALMALINUX_RELEASES: readonly OsRelease[] = [
  { release: '8', endOfSupport: '2029-03-01' },
  { release: '9', endOfSupport: '2032-05-31' },
  { release: '10', endOfSupport: '2035-05-31' },
];

export const almalinux: EcosystemDescriptor = {
  id: 'almalinux',
  packageType: 'rpm',
  osFamily: 'almalinux',
  versionScheme: 'rpm',
  osv: { ecosystem: 'AlmaLinux', downloadByDefault: true },
  osvEcosystemFor(os) {
    const major = os ? enterpriseLinuxMajor(os) : undefined;
    return major ? `AlmaLinux:${major}` : undefined;
  },
  normalizeName: (name) => name,
  purl: osPackagePurl('rpm', 'redhat'),
  advisoryQuery: rpmAdvisoryQuery,
  advisoryApplies: moduleStreamAllows,
  releaseOf: enterpriseLinuxMajor,
  releases: ALMALINUX_RELEASES,
};
