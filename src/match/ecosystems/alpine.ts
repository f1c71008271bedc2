/**
 * Alpine: advisories per minor release (`Alpine:v3.19`), written against the origin package.
 */
import { getVersionScheme } from '../../versions/list.js';
import type { EcosystemMatcher } from './ecosystem.js';

export const alpineMatcher: EcosystemMatcher = {
  id: 'alpine',
  query(pkg, os) {
    if (pkg.type !== 'apk' || os?.family !== 'alpine') return undefined;
    const minor = /^(\d+)\.(\d+)/.exec(os.version);
    if (!minor) return undefined;
    return { ecosystem: `Alpine:v${minor[1]}.${minor[2]}`, name: pkg.source?.name ?? pkg.name, version: pkg.version, scheme: getVersionScheme('apk') };
  },
};
