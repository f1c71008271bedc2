/**
 * Packagist: PHP packages Composer installed (`vendor/composer/installed.json`) or locked
 * (`composer.lock`), matched against the `Packagist` advisories (GitHub's advisory database and
 * FriendsOfPHP's security advisories through OSV) by `vendor/package` name wherever they are.
 * Composer package names are case-insensitive and Packagist serves them in lower case: names are
 * compared in lower case at import and at lookup. The vendor is the purl's namespace.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

function composerName(name: string): string {
  return name.toLowerCase();
}

export const composer: EcosystemDescriptor = {
  id: 'composer',
  packageType: 'composer',
  versionScheme: 'composer',
  osv: { ecosystem: 'Packagist', downloadByDefault: true },
  osvEcosystemFor: () => 'Packagist',
  normalizeName: composerName,
  purl(record) {
    const name = composerName(record.name);
    const slash = name.indexOf('/');
    // A name without both halves (`vendor/` or no slash) is a name of its own, with no namespace.
    const namespaced = slash > 0 && slash < name.length - 1;
    return new PackageURL('composer', namespaced ? name.slice(0, slash) : undefined, namespaced ? name.slice(slash + 1) : name, record.version, undefined, undefined).toString();
  },
  advisoryQuery: (pkg) => ({ name: composerName(pkg.name), version: pkg.version }),
};
