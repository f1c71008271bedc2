/**
 * openSUSE Leap: rpm packages on an OS whose os-release `ID` is `opensuse-leap`. SUSE's OSV
 * advisories for openSUSE are per distribution, named as os-release's `PRETTY_NAME` writes it
 * (`openSUSE:openSUSE Leap 15.5`), and name the source rpm. Not downloaded by default.
 *
 * Tumbleweed (`ID=opensuse-tumbleweed`, advisories under `openSUSE:openSUSE Tumbleweed`) is its
 * own descriptor sharing this OSV ecosystem (src/ecosystems/opensuse-tumbleweed/).
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';
import { rpmAdvisoryQuery } from '../rpm-distribution.js';

/** End of maintenance, from the openSUSE lifetime page. */
export const OPENSUSE_LEAP_RELEASES: readonly OsRelease[] = [
  { release: '15.4', endOfSupport: '2023-12-07' },
  { release: '15.5', endOfSupport: '2024-12-31' },
  { release: '15.6' },
];

export const opensuse: EcosystemDescriptor = {
  id: 'opensuse',
  packageType: 'rpm',
  osFamily: 'opensuse-leap',
  versionScheme: 'rpm',
  osv: { ecosystem: 'openSUSE', downloadByDefault: false },
  osvEcosystemFor: (os) => (os?.prettyName ? `openSUSE:${os.prettyName}` : undefined),
  normalizeName: (name) => name,
  purl: osPackagePurl('rpm', 'redhat'),
  advisoryQuery: rpmAdvisoryQuery,
  releaseOf: (os) => /^\d+\.\d+/.exec(os.version)?.[0],
  releases: OPENSUSE_LEAP_RELEASES,
};
