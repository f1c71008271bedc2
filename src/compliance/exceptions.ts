/**
 * Exceptions: accepted deviations from controls. A failed control covered by an active exception
 * is EXCEPTION; once the entry's expiry date (the last day it applies) has passed it is FAIL
 * again and the entry is listed as expired. The file is read by src/config/exceptions.ts; this
 * module only decides which entry covers a control, and never reads a file.
 */
import picomatch from 'picomatch';
import type { ExceptionEntry } from '../config/exceptions.js';


/** True while `today` (YYYY-MM-DD) is on or before the expiry date. */
export function isActive(entry: ExceptionEntry, today: string): boolean {
  return entry.expires === undefined || today <= entry.expires;
}

export function findException(entries: readonly ExceptionEntry[], cid: string, policy: string, target: string): ExceptionEntry | undefined {
  const candidates = entries.filter((entry) => entry.cid === cid && (entry.policy === undefined || entry.policy === policy) && (entry.targets === undefined || entry.targets.some((pattern) => picomatch.isMatch(target, pattern, { dot: true }))));
  // An active entry wins over an expired one for the same control.
  return candidates.find((entry) => entry.expires === undefined) ?? [...candidates].sort((a, b) => (b.expires ?? '').localeCompare(a.expires ?? ''))[0];
}
