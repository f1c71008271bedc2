/**
 * The ignore file (`.tollgateignore.yaml`): findings a team has decided to accept, each with the
 * reason and, optionally, the date the decision stops applying. An expired entry stops applying
 * and is reported, so an acceptance can never quietly outlive its review date.
 *
 *   ignore:
 *     - id: CVE-2023-1234            # an advisory id or glob, matched through aliases
 *       package: openssl             # optional: only for this package (a software spec)
 *       path: /usr/lib/**            # optional: only for packages found under this glob
 *       reason: not reachable, see JIRA-42
 *       expires: 2026-12-31          # optional (YYYY-MM-DD, the last day it applies)
 *
 * An unreadable or invalid file is a usage error (exit 2): never a silent pass.
 */
import { readFileSync } from 'node:fs';
import { yaml } from '../util/yaml.js';
import { UsageError } from '../errors.js';
import { parseSoftwareSpec, type SoftwareSpec } from './software-spec.js';

export interface IgnoreEntry {
  id?: string;
  package?: SoftwareSpec;
  path?: string;
  reason: string;
  /** Last day the entry applies, `YYYY-MM-DD`. */
  expires?: string;
  /** `file:line` of the entry, for messages. */
  origin: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KNOWN_KEYS = new Set(['id', 'package', 'path', 'reason', 'expires']);

export function parseIgnoreFile(text: string, file: string): IgnoreEntry[] {
  const document = yaml().parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    throw new UsageError(`${file}:${error?.linePos?.[0]?.line ?? 1}: invalid YAML: ${error?.message.split('\n')[0]}`);
  }
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : text.slice(0, offset).split('\n').length);
  const json = document.toJS({ maxAliasCount: 50 }) as unknown;
  if (json === null || json === undefined) return [];
  if (typeof json !== 'object' || Array.isArray(json) || !('ignore' in json)) throw new UsageError(`${file}: expected a mapping with an "ignore" list`);
  const list = (json as { ignore: unknown }).ignore;
  if (!Array.isArray(list)) throw new UsageError(`${file}: "ignore" must be a list`);
  const sequence = document.get('ignore', true);
  const nodes = yaml().isSeq(sequence) ? sequence.items : [];
  return list.map((raw: unknown, index) => {
    const node = nodes[index] as { range?: [number, number, number] } | undefined;
    const origin = `${file}:${lineOf(node?.range?.[0])}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${origin}: an ignore entry must be a mapping`);
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!KNOWN_KEYS.has(key)) throw new UsageError(`${origin}: unknown key "${key}" (known: ${[...KNOWN_KEYS].join(', ')})`);
    for (const key of ['id', 'package', 'path', 'reason'] as const) {
      if (entry[key] !== undefined && typeof entry[key] !== 'string') throw new UsageError(`${origin}: "${key}" must be a string`);
    }
    if (!entry.id && !entry.package && !entry.path) throw new UsageError(`${origin}: an entry needs at least one of id, package, path`);
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') throw new UsageError(`${origin}: every entry needs a reason`);
    let expires: string | undefined;
    if (entry.expires !== undefined) {
      expires = entry.expires instanceof Date ? entry.expires.toISOString().slice(0, 10) : String(entry.expires);
      if (!DATE.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`))) throw new UsageError(`${origin}: "expires" must be a date YYYY-MM-DD, got "${String(entry.expires)}"`);
    }
    return {
      ...(entry.id ? { id: entry.id as string } : {}),
      ...(entry.package ? { package: parseSoftwareSpec(entry.package as string, origin) } : {}),
      ...(entry.path ? { path: entry.path as string } : {}),
      reason: (entry.reason as string).trim(),
      ...(expires ? { expires } : {}),
      origin,
    };
  });
}

export function loadIgnoreFile(file: string): IgnoreEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ignore file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseIgnoreFile(text, file);
}

/** True when the entry has expired on `today` (`YYYY-MM-DD`): it applies through its expiry day. */
export function isExpired(entry: IgnoreEntry, today: string): boolean {
  return entry.expires !== undefined && entry.expires < today;
}
