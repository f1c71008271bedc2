/**
 * Loading the ignore file (`.tollgateignore.yaml`, docs/schema/ignore.schema.json): findings a
 * team has decided to accept, each with the reason and, optionally, the date the decision stops
 * applying. Whether an entry applies to a finding is decided by the gate (src/gate/exclusions.ts).
 *
 *   ignore:
 *     - id: CVE-2023-1234            # an advisory id or glob, matched through aliases
 *       package: openssl             # optional: only for this package (a software spec)
 *       path: /usr/lib/**            # optional: only for packages found under this glob
 *       reason: not reachable, see JIRA-42
 *       expires: 2026-12-31          # optional (YYYY-MM-DD, the last day it applies)
 *
 * An entry is named everywhere by its origin, `file:line` (in reports, in the list of expired
 * entries), so every problem inside an entry is reported under that name. An unreadable or
 * invalid file is a usage error (exit 2): never a silent pass.
 */
import type { IgnoreEntry } from '../gate/gate-config.js';
import { parseSoftwareSpec } from '../ecosystems/software-spec.js';
import { readConfigText } from './read-config-file.js';
import { loadConfigSchema } from './schemas.js';
import { parseValidatedYaml, type SchemaIssue, type Wording } from './validated-yaml.js';

interface IgnoreFile {
  ignore: { id?: string; package?: string; path?: string; reason: string; expires?: string }[];
}

const ENTRY_FIELDS = ['id', 'package', 'path'];

function wording(issue: SchemaIssue): Wording | undefined {
  const [top, index, field] = issue.path;
  if (top !== 'ignore') return 'expected a mapping with an "ignore" list';
  if (index === undefined) return { problem: '"ignore" must be a list', field: false };
  const entry = { at: ['ignore', index], field: false as const };
  if (issue.keyword === 'additionalProperties') return { ...entry, problem: `unknown key "${String(field)}" (known: ${issue.known.join(', ')})` };
  if (field === undefined) {
    if (issue.keyword === 'type') return { ...entry, problem: 'an ignore entry must be a mapping' };
    if (issue.keyword === 'required' && issue.params.missingProperty === 'reason') return { ...entry, problem: 'every entry needs a reason' };
    return { ...entry, problem: `an entry needs at least one of ${ENTRY_FIELDS.join(', ')}` };
  }
  if (field === 'expires') return { ...entry, problem: `"expires" must be a date YYYY-MM-DD, got "${String(issue.value)}"` };
  if (issue.keyword === 'type') return { ...entry, problem: `"${String(field)}" must be a string` };
  if (field === 'reason') return { ...entry, problem: 'every entry needs a reason' };
  return { ...entry, problem: `an entry needs at least one of ${ENTRY_FIELDS.join(', ')}` };
}

export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const source = parseValidatedYaml<IgnoreFile | null>(text, file, loadConfigSchema('ignore'), { style: 'file:line', wording });
  if (source.data === null) return [];
  return source.data.ignore.map((entry, index) => {
    const origin = source.where(['ignore', index]);
    // The schema checks the shape of the date; only a calendar knows whether it exists.
    if (entry.expires !== undefined && Number.isNaN(Date.parse(`${entry.expires}T00:00:00Z`))) throw source.problem(['ignore', index], `"expires" must be a date YYYY-MM-DD, got "${entry.expires}"`, { field: false });
    return {
      ...(entry.id ? { id: entry.id } : {}),
      ...(entry.package ? { package: parseSoftwareSpec(entry.package, origin) } : {}),
      ...(entry.path ? { path: entry.path } : {}),
      reason: entry.reason.trim(),
      ...(entry.expires ? { expires: entry.expires } : {}),
      origin,
    };
  });
}

export function loadIgnoreFile(file: string): IgnoreEntry[] {
  return parseIgnoreFile(readConfigText(file, 'ignore file'), file);
}
