/**
 * Ubuntu: deb packages on an OS whose os-release `ID` is `ubuntu`. Advisories are per release,
 * named `Ubuntu:22.04:LTS` for long-term releases (April of even years) and `Ubuntu:23.10`
 * otherwise, and per source package, compared by the source version.
 *
 * Never guesses a release: a version that is not `YY.MM` is not placed.
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';

/**
 * End of support: for LTS releases the end of standard support (Expanded Security Maintenance
 * needs an Ubuntu Pro subscription and is not counted), for interim releases their end of life,
 * as Canonical and the Ubuntu release team announced them. Releases whose day is not published
 * (22.04 and 24.04 end "in April" or "in May") or not known for sure are left out (see readme.md).
 */
export const UBUNTU_RELEASES: readonly OsRelease[] = [
  { release: '14.04', codename: 'trusty', endOfSupport: '2019-04-30' },
  { release: '16.04', codename: 'xenial', endOfSupport: '2021-04-30' },
  { release: '17.10', codename: 'artful', endOfSupport: '2018-07-19' },
  { release: '18.04', codename: 'bionic', endOfSupport: '2023-05-31' },
  { release: '18.10', codename: 'cosmic', endOfSupport: '2019-07-18' },
  { release: '19.04', codename: 'disco', endOfSupport: '2020-01-23' },
  { release: '19.10', codename: 'eoan' },
  { release: '20.04', codename: 'focal', endOfSupport: '2025-05-31' },
  { release: '20.10', codename: 'groovy', endOfSupport: '2021-07-22' },
  { release: '21.04', codename: 'hirsute', endOfSupport: '2022-01-20' },
  { release: '21.10', codename: 'impish', endOfSupport: '2022-07-14' },
  { release: '22.04', codename: 'jammy' },
  { release: '22.10', codename: 'kinetic', endOfSupport: '2023-07-20' },
  { release: '23.04', codename: 'lunar', endOfSupport: '2024-01-25' },
  { release: '23.10', codename: 'mantic', endOfSupport: '2024-07-11' },
  { release: '24.04', codename: 'noble' },
  { release: '24.10', codename: 'oracular', endOfSupport: '2025-07-10' },
  { release: '25.04', codename: 'plucky' },
  { release: '25.10', codename: 'questing' },
];

/** The release as `YY.MM`, from os-release's VERSION_ID (`22.04`) or VERSION (`22.04.4 LTS`). */
export function ubuntuRelease(version: string): string | undefined {
  const match = /^(\d{2})\.(\d{2})/.exec(version);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

export function ubuntuEcosystem(version: string): string | undefined {
  const release = ubuntuRelease(version);
  if (!release) return undefined;
  const [year, month] = release.split('.') as [string, string];
  const lts = month === '04' && Number(year) % 2 === 0;
  return `Ubuntu:${release}${lts ? ':LTS' : ''}`;
}

export const ubuntu: EcosystemDescriptor = {
  id: 'ubuntu',
  packageType: 'deb',
  osFamily: 'ubuntu',
  versionScheme: 'dpkg',
  osv: { ecosystem: 'Ubuntu', downloadByDefault: true },
  osvEcosystemFor: (os) => (os ? ubuntuEcosystem(os.version) : undefined),
  normalizeName: (name) => name,
  // Chosen only for an OS whose ID is `ubuntu`, which is then the namespace; the stand-in for a
  // missing OS is never used, and matches the Debian one so that no deb purl depends on list order.
  purl: osPackagePurl('deb', 'debian'),
  advisoryQuery: (pkg) => ({ name: pkg.source?.name ?? pkg.name, version: pkg.source?.version ?? pkg.version }),
  releaseOf: (os) => ubuntuRelease(os.version),
  releases: UBUNTU_RELEASES,
};
