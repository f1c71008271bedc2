/**
 * The vulnerability database's SQLite schema. Bump SCHEMA_VERSION on any change; a database of
 * another version is refused with the command that rebuilds it.
 */
import { normalizeAdvisoryName } from '../ecosystems/list.js';

/** 2: Packagist and NuGet names are stored in lower case (their descriptors normalise them). */
export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisory (
  id TEXT PRIMARY KEY,
  modified TEXT,
  published TEXT,
  summary TEXT,
  details TEXT,
  aliases TEXT NOT NULL,
  severity TEXT NOT NULL,
  database_severity TEXT,
  refs TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE affected (
  advisory_id TEXT NOT NULL REFERENCES advisory(id) ON DELETE CASCADE,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  ranges TEXT NOT NULL,
  versions TEXT NOT NULL,
  severity TEXT NOT NULL,
  ecosystem_specific TEXT
);
CREATE INDEX affected_by_package ON affected (ecosystem, name);
CREATE INDEX affected_by_advisory ON affected (advisory_id);
CREATE TABLE alias (alias TEXT NOT NULL, advisory_id TEXT NOT NULL REFERENCES advisory(id) ON DELETE CASCADE);
CREATE INDEX alias_lookup ON alias (alias);
CREATE INDEX alias_by_advisory ON alias (advisory_id);
CREATE TABLE source (name TEXT PRIMARY KEY, url TEXT, fetched_at TEXT NOT NULL, records INTEGER NOT NULL, sha256 TEXT);
CREATE TABLE cve_severity (cve TEXT NOT NULL, version TEXT NOT NULL, vector TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (cve, version));
`;

/**
 * Ecosystem-specific name normalisation, applied at import and at lookup alike: the ecosystem's
 * descriptor decides (PEP 503 for PyPI; names of other ecosystems are kept as they are). Changing
 * a descriptor's normalisation changes what the stored names mean: bump SCHEMA_VERSION with it.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  return normalizeAdvisoryName(ecosystem, name);
}
