/**
 * Whether an OS package comes from its distribution's vendor, judged from the vendor its database
 * names (dpkg `Origin`, rpm `Vendor`). The distribution's advisories cover only its own packages:
 * a third-party package (a vendor's own .deb, a repository of another organisation) is not fixed
 * by them, so language packages read from its files stay in the scan and are matched on their own.
 *
 * Sound by construction, not by guess: a package whose database names no vendor is taken as the
 * distribution's (images built from the distribution's archive carry no such field), and only a
 * named vendor that is not the distribution's, nor of a distribution it derives from (`ID_LIKE`),
 * makes it third-party. Maintainer fields are not read: Debian's maintainers are people and teams
 * at any address, and Ubuntu keeps Debian's maintainer on packages it syncs unchanged.
 */
import type { OsInfo } from '../model/package.js';

/** How distributions' vendors write themselves, by os-release `ID`, lower case, letters and digits only. */
const VENDOR_NAMES: Readonly<Record<string, readonly string[]>> = {
  debian: ['debian'],
  ubuntu: ['ubuntu', 'canonical'],
  alpine: ['alpine'],
  rhel: ['redhat'],
  centos: ['centos', 'redhat'],
  fedora: ['fedora'],
  almalinux: ['almalinux'],
  rocky: ['rocky'],
  ol: ['oracle'],
  amzn: ['amazon'],
  sles: ['suse'],
  'opensuse-leap': ['suse', 'opensuse'],
  'opensuse-tumbleweed': ['suse', 'opensuse'],
  azurelinux: ['microsoft'],
  mariner: ['microsoft'],
};

const squeeze = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** True when `vendor` is absent or names the distribution of `os` (or one it derives from). */
export function isDistributionVendor(vendor: string | undefined, os: OsInfo | undefined): boolean {
  if (vendor === undefined || vendor.trim() === '') return true;
  // Without a known OS there is no distribution to compare with: the package is kept as the OS's.
  if (!os) return true;
  const named = squeeze(vendor);
  const families = [os.family, ...(os.idLike ?? [])];
  return families.some((family) => [squeeze(family), ...(VENDOR_NAMES[family] ?? [])].some((name) => name !== '' && named.startsWith(name)));
}
