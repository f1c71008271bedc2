/**
 * Whether an rpm comes from a distribution rather than a third party, by its VENDOR tag. A
 * distribution's packages own the files they install: a Python or Java package among them is that
 * rpm, patched by the distribution, and is not reported again as a language package. A third
 * party's rpm (an agent, a database server from its maker's repository) bundles whatever it likes:
 * its files are not subtracted. A package without a vendor, or of a vendor not listed here, counts
 * as third-party: a language package reported twice is visible, one wrongly left out is not.
 */
const DISTRIBUTION_VENDORS = [
  /^AlmaLinux\b/,
  /^Rocky Enterprise Software Foundation\b/,
  /^Red Hat\b/,
  /^CentOS\b/,
  /^Fedora Project\b/,
  /^SUSE LLC\b/,
  /^openSUSE\b/,
  /^Amazon (?:Linux|\.com)\b/,
  /^Oracle America\b/,
  /^Microsoft Corporation\b/,
  /^Mageia\.Org\b/,
  /^VMware, Inc\.$/,
  /^openEuler\b/,
];

export function isDistributionVendor(vendor: string | undefined): boolean {
  return vendor !== undefined && DISTRIBUTION_VENDORS.some((pattern) => pattern.test(vendor));
}
