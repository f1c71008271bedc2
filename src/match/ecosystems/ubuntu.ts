/**
 * Ubuntu: advisories per release, named `Ubuntu:22.04:LTS` for long-term releases (even years,
 * April) and `Ubuntu:23.10` otherwise, per source package.
 */
import { getVersionScheme } from '../../versions/list.js';
import type { EcosystemMatcher } from './ecosystem.js';

export function ubuntuEcosystem(version: string): string | undefined {
  const match = /^(\d{2})\.(\d{2})/.exec(version);
  if (!match) return undefined;
  const lts = match[2] === '04' && Number(match[1]) % 2 === 0;
  return `Ubuntu:${match[1]}.${match[2]}${lts ? ':LTS' : ''}`;
}

export const ubuntuMatcher: EcosystemMatcher = {
  id: 'ubuntu',
  query(pkg, os) {
    if (pkg.type !== 'deb' || os?.family !== 'ubuntu') return undefined;
    const ecosystem = ubuntuEcosystem(os.version);
    if (!ecosystem) return undefined;
    return { ecosystem, name: pkg.source?.name ?? pkg.name, version: pkg.source?.version ?? pkg.version, scheme: getVersionScheme('dpkg') };
  },
};
