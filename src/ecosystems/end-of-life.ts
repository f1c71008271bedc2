/**
 * End of life of the scanned OS: a release whose free security support had ended on the scan's
 * date is flagged in the result (`os.endOfLife`) and in a warning, because its advisories are no
 * longer kept up to date and a clean scan of it proves little.
 *
 * The dates are data in each OS descriptor's release table. A release the table does not know, or
 * knows without a date, is never flagged: this module never guesses a date.
 */
import type { ScannedOs } from '../model/image-scan.js';
import type { OsInfo } from '../model/package.js';
import type { OsRelease } from './ecosystem.js';
import { osDescriptorFor } from './list.js';

export interface OsSupport {
  /** The OS as the scan result shows it: `endOfLife` is set only for a release past its end. */
  os: ScannedOs;
  /** One warning for an end-of-life release; none otherwise. */
  warnings: string[];
}

/** The release table entry of an OS, when its descriptor knows the release. */
export function releaseOf(os: OsInfo): OsRelease | undefined {
  const descriptor = osDescriptorFor(os.family);
  const release = descriptor?.releaseOf?.(os);
  return release === undefined ? undefined : descriptor?.releases?.find((entry) => entry.release === release);
}

/**
 * Judges the OS's support on the scan's date (UTC). A release is past its end from the day after
 * its last day of support.
 */
export function assessOsSupport(os: OsInfo, scannedAt: Date): OsSupport {
  const release = releaseOf(os);
  const lastDay = release?.endOfSupport;
  if (!release || !lastDay || scannedAt.toISOString().slice(0, 10) <= lastDay) return { os, warnings: [] };
  const codename = release.codename ?? os.codename;
  const name = `${os.family} ${release.release}${codename ? ` (${codename})` : ''}`;
  return {
    os: { ...os, endOfLife: { date: lastDay } },
    warnings: [`${name} reached end of life on ${lastDay}; its advisories are no longer updated, so vulnerabilities found since may be missing from this scan`],
  };
}
