/**
 * SUSE Linux Enterprise: rpm packages on an OS whose os-release `ID` is `sles`. SUSE's OSV
 * advisories are per product, named by the product's marketing name exactly as os-release's
 * `PRETTY_NAME` writes it (`SUSE:SUSE Linux Enterprise Server 15 SP5`), and name the source rpm.
 * Not downloaded by default: the archive is large and serves SUSE systems only.
 */
import type { EcosystemDescriptor } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';
import { rpmAdvisoryQuery } from '../rpm-distribution.js';

export const suse: EcosystemDescriptor = {
  id: 'suse',
  packageType: 'rpm',
  osFamily: 'sles',
  versionScheme: 'rpm',
  osv: { ecosystem: 'SUSE', downloadByDefault: false },
  osvEcosystemFor: (os) => (os?.prettyName ? `SUSE:${os.prettyName}` : undefined),
  normalizeName: (name) => name,
  purl: osPackagePurl('rpm', 'redhat'),
  advisoryQuery: rpmAdvisoryQuery,
  releaseOf: (os) => os.version || undefined,
};
