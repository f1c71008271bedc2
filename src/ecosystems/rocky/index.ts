/**
 * Rocky Linux: rpm packages on an OS whose os-release `ID` is `rocky`. Advisories (RLSA, from the
 * Rocky Linux errata) are per major release (`Rocky Linux:9`) and name the source package; module
 * streams are told apart (src/ecosystems/rpm-distribution.ts).
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';
import { enterpriseLinuxMajor, moduleStreamAllows, rpmAdvisoryQuery } from '../rpm-distribution.js';

/** End of security support, from the Rocky Linux release table. */
export const ROCKY_RELEASES: readonly OsRelease[] = [
  { release: '8', endOfSupport: '2029-05-31' },
  { release: '9', endOfSupport: '2032-05-31' },
  { release: '10', endOfSupport: '2035-05-31' },
];

export const rocky: EcosystemDescriptor = {
  id: 'rocky',
  packageType: 'rpm',
  osFamily: 'rocky',
  versionScheme: 'rpm',
  osv: { ecosystem: 'Rocky Linux', downloadByDefault: true },
  osvEcosystemFor(os) {
    const major = os ? enterpriseLinuxMajor(os) : undefined;
    return major ? `Rocky Linux:${major}` : undefined;
  },
  normalizeName: (name) => name,
  purl: osPackagePurl('rpm', 'redhat'),
  advisoryQuery: rpmAdvisoryQuery,
  advisoryApplies: moduleStreamAllows,
  releaseOf: enterpriseLinuxMajor,
  releases: ROCKY_RELEASES,
};
