/**
 * Distributions Tollgate reads but matches against no advisories, and why: their packages get the
 * unsupported-OS warning with this reason, so a user knows whether the gap is Tollgate's or the
 * data's. Each reason was checked against the OSV schema's list of ecosystems; an OS listed here
 * gets a descriptor the day its vendor publishes advisories Tollgate can read.
 *
 * Never serves one distribution with another's advisories: Red Hat's fixed versions describe RHEL
 * builds, not the rpms CentOS Stream, Oracle or Amazon build from the same sources.
 */

/** By os-release `ID`. */
export const UNSERVED_OS_REASONS: ReadonlyMap<string, string> = new Map([
  ['centos', "OSV publishes no CentOS advisories, and Red Hat's describe RHEL builds, not CentOS Stream's"],
  ['fedora', 'OSV publishes no Fedora advisories'],
  ['amzn', "Amazon Linux's advisories (ALAS) are not published in OSV"],
  ['ol', "Oracle Linux's advisories (ELSA) are not published in OSV, and Red Hat's describe RHEL builds, not Oracle's"],
]);
