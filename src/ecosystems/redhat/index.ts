/**
 * Red Hat Enterprise Linux: rpm packages on an OS whose os-release `ID` is `rhel` (RHEL and the
 * Universal Base Images). Red Hat publishes its errata (RHSA) in OSV under product streams named by
 * a CPE: `Red Hat:enterprise_linux:9::baseos`, `...:9::appstream`, `...:9::crb` for RHEL 9 and
 * earlier, `Red Hat:enterprise_linux:10.1` for RHEL 10's minor releases, and separate products for
 * the extended-support streams (`rhel_eus`, `rhel_aus`, `rhel_e4s`, `rhel_tus`, `enterprise_linux_eus`).
 *
 * An installed rpm does not say which repository it came from, so a package on RHEL N is looked up
 * in every mainline stream of N stored in the database (any repository, any minor release of N),
 * never in an extended-support product nor in another major release. Unlike the rebuilds (AlmaLinux,
 * Rocky Linux), Red Hat names the binary rpm (`openssl-libs`), so the lookup is by the installed
 * package's own name; versions are compared with rpm ordering, module streams told apart as for
 * the rebuilds. Only `rhel` is served: CentOS Stream and Oracle Linux build their own rpms, whose
 * releases Red Hat's fixed versions do not describe (src/ecosystems/unserved-os.ts says why).
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';
import { enterpriseLinuxMajor, moduleStreamAllows } from '../rpm-distribution.js';

/** End of maintenance support, from Red Hat's published RHEL life cycle. */
export const RHEL_RELEASES: readonly OsRelease[] = [
  { release: '7', endOfSupport: '2024-06-30' },
  { release: '8', endOfSupport: '2029-05-31' },
  { release: '9', endOfSupport: '2032-05-31' },
  { release: '10' },
];

const MAINLINE = 'Red Hat:enterprise_linux:';

/** True when `ecosystem` is a mainline stream of RHEL `major`: `…:9`, `…:9::appstream`, `…:10.1`, `…:10.1::x`. */
export function isMainlineStream(ecosystem: string, major: string): boolean {
  if (!ecosystem.startsWith(`${MAINLINE}${major}`)) return false;
  const rest = ecosystem.slice(MAINLINE.length + major.length);
  return rest === '' || rest.startsWith(':') || /^\.\d+(?::|$)/.test(rest);
}

export const redhat: EcosystemDescriptor = {
  id: 'redhat',
  packageType: 'rpm',
  osFamily: 'rhel',
  versionScheme: 'rpm',
  // Red Hat's archive covers every product Red Hat ships and is large: downloaded when asked for.
  osv: { ecosystem: 'Red Hat', downloadByDefault: false },
  osvEcosystemFor(os) {
    const major = os ? enterpriseLinuxMajor(os) : undefined;
    return major ? `${MAINLINE}${major}` : undefined;
  },
  streamApplies(ecosystem, os) {
    const major = enterpriseLinuxMajor(os);
    return major !== undefined && isMainlineStream(ecosystem, major);
  },
  normalizeName: (name) => name,
  purl: osPackagePurl('rpm', 'redhat'),
  advisoryQuery: (pkg) => ({ name: pkg.name, version: pkg.version }),
  advisoryApplies: moduleStreamAllows,
  releaseOf: enterpriseLinuxMajor,
  releases: RHEL_RELEASES,
};
