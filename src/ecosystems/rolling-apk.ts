/**
 * What the rolling apk distributions share (Wolfi, Chainguard): no releases, so one OSV ecosystem
 * without a suffix (`Wolfi`, `Chainguard`); advisories written against the origin package
 * (`o:` in apk's installed database: `libcrypto3` is looked up as `openssl`, a versioned stream such
 * as `haproxy-3.1` as itself), versions compared with apk ordering. A rolling distribution has no
 * release to reach its end of life.
 */
import type { EcosystemDescriptor } from './ecosystem.js';
import { osPackagePurl } from './os-package-purl.js';

export function rollingApkDistribution(id: string, osFamily: string, osvEcosystem: string): EcosystemDescriptor {
  return {
    id,
    packageType: 'apk',
    osFamily,
    versionScheme: 'apk',
    osv: { ecosystem: osvEcosystem, downloadByDefault: false },
    osvEcosystemFor: () => osvEcosystem,
    normalizeName: (name) => name,
    purl: osPackagePurl('apk', 'alpine'),
    advisoryQuery: (pkg) => ({ name: pkg.source?.name ?? pkg.name, version: pkg.version }),
  };
}
