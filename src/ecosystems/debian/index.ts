/**
 * Debian: deb packages on an OS whose os-release `ID` is `debian`. Advisories are per release
 * (`Debian:12`) and per source package, so an installed binary package is looked up by its source
 * package and compared by the source version (a binNMU `+b1` is not a new source).
 *
 * Never guesses a release: a system whose version and code name say nothing known is not placed.
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';

/**
 * Releases by number and code name. End of support is the end of Debian LTS, from the Debian LTS
 * team's announcements (wiki.debian.org/LTS); Extended LTS is a commercial offer outside Debian and
 * is not counted. Code names without a date serve testing and unstable systems, whose os-release
 * has no VERSION_ID.
 */
export const DEBIAN_RELEASES: readonly OsRelease[] = [
  { release: '8', codename: 'jessie', endOfSupport: '2020-06-30' },
  { release: '9', codename: 'stretch', endOfSupport: '2022-06-30' },
  { release: '10', codename: 'buster', endOfSupport: '2024-06-30' },
  { release: '11', codename: 'bullseye', endOfSupport: '2026-08-31' },
  { release: '12', codename: 'bookworm', endOfSupport: '2028-06-30' },
  { release: '13', codename: 'trixie', endOfSupport: '2030-06-30' },
  { release: '14', codename: 'forky' },
  { release: '15', codename: 'duke' },
];

const RELEASE_BY_CODENAME: ReadonlyMap<string, string> = new Map(DEBIAN_RELEASES.map((entry) => [entry.codename as string, entry.release]));

/** The release number: the major version, or for testing and unstable (`trixie/sid`) the code name's. */
export function debianRelease(version: string, codename: string | undefined): string | undefined {
  const major = /^(\d+)/.exec(version)?.[1];
  if (major) return major;
  const named = codename ?? version.split('/')[0];
  return named ? RELEASE_BY_CODENAME.get(named) : undefined;
}

export const debian: EcosystemDescriptor = {
  id: 'debian',
  packageType: 'deb',
  osFamily: 'debian',
  versionScheme: 'dpkg',
  osv: { ecosystem: 'Debian', downloadByDefault: true },
  osvEcosystemFor(os) {
    const release = os ? debianRelease(os.version, os.codename) : undefined;
    return release ? `Debian:${release}` : undefined;
  },
  normalizeName: (name) => name,
  purl: osPackagePurl('deb', 'debian'),
  advisoryQuery: (pkg) => ({ name: pkg.source?.name ?? pkg.name, version: pkg.source?.version ?? pkg.version }),
  releaseOf: (os) => debianRelease(os.version, os.codename),
  releases: DEBIAN_RELEASES,
};
