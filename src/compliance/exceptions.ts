/**
 * The exceptions file: accepted deviations from controls, each with a reason, an approver and an
 * optional expiry date (the last day it applies). A failed control covered by an active exception
 * is EXCEPTION; once the date has passed it is FAIL again and the entry is listed as expired.
 *
 *   exceptions:
 *     - cid: TG-SSH-007
 *       targets: [ssh://deploy@bastion-*]     # names or globs; every target when absent
 *       policy: ssh-server                    # optional
 *       reason: the bastion needs agent forwarding, see SEC-114
 *       approver: security@example.com
 *       expires: 2027-03-31
 */
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import { parseValidatedYaml } from '../util/validated-yaml.js';
import { loadSchema } from './policy/schemas.js';
import type { ExceptionRef } from '../model/compliance-result.js';

export interface ExceptionEntry extends ExceptionRef {
  cid: string;
  targets?: string[];
  policy?: string;
}

export function parseExceptions(text: string, file: string): ExceptionEntry[] {
  const { data, where } = parseValidatedYaml<{ exceptions: Omit<ExceptionEntry, 'origin'>[] }>(text, file, loadSchema('exceptions'));
  return data.exceptions.map((entry, index) => {
    if (entry.expires && Number.isNaN(Date.parse(`${entry.expires}T00:00:00Z`))) throw new UsageError(`${where(['exceptions', index, 'expires'])}: exceptions[${index}].expires: "${entry.expires}" is not a date`);
    return { ...entry, origin: where(['exceptions', index]) };
  });
}

export function loadExceptions(file: string): ExceptionEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the exceptions file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseExceptions(text, file);
}

/** True while `today` (YYYY-MM-DD) is on or before the expiry date. */
export function isActive(entry: ExceptionEntry, today: string): boolean {
  return entry.expires === undefined || today <= entry.expires;
}

export function findException(entries: readonly ExceptionEntry[], cid: string, policy: string, target: string): ExceptionEntry | undefined {
  const candidates = entries.filter((entry) => entry.cid === cid && (entry.policy === undefined || entry.policy === policy) && (entry.targets === undefined || entry.targets.some((pattern) => picomatch.isMatch(target, pattern, { dot: true }))));
  // An active entry wins over an expired one for the same control.
  return candidates.find((entry) => entry.expires === undefined) ?? [...candidates].sort((a, b) => (b.expires ?? '').localeCompare(a.expires ?? ''))[0];
}
