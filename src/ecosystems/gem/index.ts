/**
 * RubyGems: gems installed under a `specifications/` folder (RubyGems, Bundler, Debian's
 * rubygems-integration) and those a `Gemfile.lock` pins, matched against the `RubyGems` advisories
 * (GitHub's advisory database and the Ruby Advisory Database through OSV) by name, wherever they are
 * installed. Gem names are case-sensitive and kept exact. A gem built for a platform (`java`,
 * `x86_64-linux`) carries it in `architecture` and as the purl's `platform` qualifier.
 */
import { PackageURL } from 'packageurl-js';
import type { EcosystemDescriptor } from '../ecosystem.js';

export const gem: EcosystemDescriptor = {
  id: 'gem',
  packageType: 'gem',
  versionScheme: 'gem',
  osv: { ecosystem: 'RubyGems', downloadByDefault: true },
  osvEcosystemFor: () => 'RubyGems',
  normalizeName: (name) => name,
  purl: (record) =>
    new PackageURL('gem', undefined, record.name, record.version, record.architecture && record.architecture !== 'ruby' ? { platform: record.architecture } : undefined, undefined).toString(),
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
};
