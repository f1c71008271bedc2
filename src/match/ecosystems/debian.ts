/**
 * Debian: advisories are per release (`Debian:12`) and per source package; the installed binary
 * package is compared by its source package's version (a binNMU `+b1` is not a new source).
 */
import { getVersionScheme } from '../../versions/list.js';
import type { EcosystemMatcher } from './ecosystem.js';

/** Release numbers for systems whose os-release has no VERSION_ID (testing, unstable). */
const CODENAMES: Record<string, string> = { stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14', duke: '15' };

export function debianRelease(version: string, codename: string | undefined): string | undefined {
  const major = /^(\d+)/.exec(version)?.[1];
  if (major) return major;
  const named = codename ?? version.split('/')[0];
  return named ? CODENAMES[named] : undefined;
}

export const debianMatcher: EcosystemMatcher = {
  id: 'debian',
  query(pkg, os) {
    if (pkg.type !== 'deb' || os?.family !== 'debian') return undefined;
    const release = debianRelease(os.version, os.codename);
    if (!release) return undefined;
    return { ecosystem: `Debian:${release}`, name: pkg.source?.name ?? pkg.name, version: pkg.source?.version ?? pkg.version, scheme: getVersionScheme('dpkg') };
  },
};
