/**
 * Loading the exceptions file (docs/schema/exceptions.schema.json): accepted deviations from
 * controls, each with a reason, an approver and an optional expiry date. What an entry means for
 * a control's state is decided in src/compliance/exceptions.ts; this module only reads and
 * validates, and every mistake is a usage error naming the file, line and field.
 *
 *   exceptions:
 *     - cid: TG-SSH-007
 *       targets: [ssh://deploy@bastion-*]     # names or globs; every target when absent
 *       policy: ssh-server                    # optional
 *       reason: the bastion needs agent forwarding, see SEC-114
 *       approver: security@example.com
 *       expires: 2027-03-31
 */
import type { ExceptionRef } from '../model/compliance-result.js';
import { readConfigText } from './read-config-file.js';
import { loadConfigSchema } from './schemas.js';
import { parseValidatedYaml } from './validated-yaml.js';

/** One accepted deviation: the control it covers, where, why, who approved it, until when. */
export interface ExceptionEntry extends ExceptionRef {
  cid: string;
  targets?: string[];
  policy?: string;
}

export function parseExceptions(text: string, file: string): ExceptionEntry[] {
  const source = parseValidatedYaml<{ exceptions: Omit<ExceptionEntry, 'origin'>[] }>(text, file, loadConfigSchema('exceptions'));
  return source.data.exceptions.map((entry, index) => {
    // The schema checks the shape of the date; only a calendar knows whether it exists.
    if (entry.expires && Number.isNaN(Date.parse(`${entry.expires}T00:00:00Z`))) throw source.problem(['exceptions', index, 'expires'], `"${entry.expires}" is not a date`);
    return { ...entry, origin: source.where(['exceptions', index]) };
  });
}

export function loadExceptions(file: string): ExceptionEntry[] {
  return parseExceptions(readConfigText(file, 'the exceptions file'), file);
}
