/**
 * The OSV record format (https://ossf.github.io/osv-schema/) as far as matching needs it, and
 * validation of untrusted records: a record that is not OSV-shaped is refused with a reason; the
 * importer counts and reports it, and never lets it half-into the database.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: OsvEvent[];
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  package: { ecosystem: string; name: string; purl?: string };
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  /** `aliases` and `upstream`: ids of the same flaw (a DSA's upstream CVE). */
  aliases: string[];
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  /** `database_specific.severity` as GHSA writes it: CRITICAL, HIGH, MODERATE, LOW. */
  databaseSeverity?: string;
  references: string[];
  affected: OsvAffected[];
}

/** Longest `details` text kept: enough for a report, bounded against hostile records. */
export const MAX_DETAILS = 4096;
const MAX_ID = 200;
const MAX_LIST = 10_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function strings(value: unknown, max = MAX_LIST): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.length <= 1024).slice(0, max) : [];
}

function severities(value: unknown): OsvSeverity[] {
  return Array.isArray(value)
    ? value.filter(isObject).flatMap((entry) => (typeof entry.type === 'string' && typeof entry.score === 'string' ? [{ type: entry.type, score: entry.score }] : []))
    : [];
}

function parseRange(value: unknown): OsvRange | undefined {
  if (!isObject(value) || !Array.isArray(value.events)) return undefined;
  const type = value.type;
  if (type !== 'ECOSYSTEM' && type !== 'SEMVER' && type !== 'GIT') return undefined;
  const events = value.events.filter(isObject).slice(0, MAX_LIST).map((event) => {
    const parsed: OsvEvent = {};
    for (const key of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const text = str(event[key]);
      if (text !== undefined) parsed[key] = text;
    }
    return parsed;
  });
  return { type, events };
}

/** Validates one record; returns the reason when it is not usable. */

/**
 * Distribution errata that list the CVEs they fix under `related` rather than `aliases`
 * (AlmaLinux's ALSA and Rocky Linux's RLSA records, and SUSE's): those CVEs are the flaws the
 * erratum is about, so they group it with the CVE's other advisories. `related` of any other
 * record stays what the schema says it is, a different flaw.
 */
const ERRATUM_WITH_RELATED_CVES = /^(?:ALSA|RLSA|SUSE-SU|openSUSE-SU)-/;
function erratumCves(id: string, related: unknown): string[] {
  if (!ERRATUM_WITH_RELATED_CVES.test(id)) return [];
  return strings(related).filter((value) => /^CVE-\d{4}-\d+$/.test(value));
}

export function parseOsvRecord(value: unknown): OsvRecord | { error: string } {
  if (!isObject(value)) return { error: 'not a JSON object' };
  const id = str(value.id);
  if (!id || id.length > MAX_ID || /\s/.test(id)) return { error: 'no valid "id"' };
  const affectedList = Array.isArray(value.affected) ? value.affected : [];
  const affected: OsvAffected[] = [];
  for (const entry of affectedList.slice(0, MAX_LIST)) {
    if (!isObject(entry) || !isObject(entry.package)) continue;
    const ecosystem = str(entry.package.ecosystem);
    const name = str(entry.package.name);
    if (!ecosystem || !name) continue;
    const ranges = Array.isArray(entry.ranges) ? entry.ranges.map(parseRange).filter((range): range is OsvRange => range !== undefined) : [];
    affected.push({
      package: { ecosystem, name, ...(str(entry.package.purl) ? { purl: str(entry.package.purl) as string } : {}) },
      ranges,
      versions: strings(entry.versions),
      severity: severities(entry.severity),
      ...(isObject(entry.ecosystem_specific) ? { ecosystemSpecific: entry.ecosystem_specific } : {}),
      ...(isObject(entry.database_specific) ? { databaseSpecific: entry.database_specific } : {}),
    });
  }
  const references = Array.isArray(value.references) ? value.references.filter(isObject).map((ref) => str(ref.url)).filter((url): url is string => url !== undefined && url.length <= 2048).slice(0, 100) : [];
  const databaseSpecific = isObject(value.database_specific) ? value.database_specific : undefined;
  const details = str(value.details);
  return {
    id,
    ...(str(value.modified) ? { modified: str(value.modified) as string } : {}),
    ...(str(value.published) ? { published: str(value.published) as string } : {}),
    ...(str(value.withdrawn) ? { withdrawn: str(value.withdrawn) as string } : {}),
    aliases: [...new Set([...strings(value.aliases), ...strings(value.upstream), ...erratumCves(id, value.related)])].filter((alias) => alias !== id),
    ...(str(value.summary) ? { summary: (str(value.summary) as string).slice(0, 500) } : {}),
    ...(details ? { details: details.length > MAX_DETAILS ? `${details.slice(0, MAX_DETAILS)}…` : details } : {}),
    severity: severities(value.severity),
    ...(databaseSpecific && typeof databaseSpecific.severity === 'string' ? { databaseSeverity: databaseSpecific.severity } : {}),
    references,
    affected,
  };
}
