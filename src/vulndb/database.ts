/**
 * Reading the vulnerability database: lookups by (ecosystem, package name) for the matcher, and
 * its status for `tollgate db status`. Opens read-only; a missing, corrupt or foreign file is a
 * DatabaseError (exit 3) that names the command that builds a good one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import { DatabaseError, messageOf } from '../errors.js';
import type { DatabaseSummary } from '../model/image-scan.js';
import type { OsvRange, OsvSeverity } from './osv.js';
import { normalizePackageName, SCHEMA_VERSION } from './schema.js';

export interface AdvisoryRow {
  id: string;
  modified?: string;
  published?: string;
  summary?: string;
  details?: string;
  aliases: string[];
  severity: OsvSeverity[];
  databaseSeverity?: string;
  references: string[];
}

/** One `affected` entry of an advisory that names the looked-up package. */
export interface AffectedCandidate {
  advisory: AdvisoryRow;
  ecosystem: string;
  name: string;
  ranges: OsvRange[];
  versions: string[];
  severity: OsvSeverity[];
  ecosystemSpecific?: Record<string, unknown>;
}

export interface DatabaseStatus {
  path: string;
  schemaVersion: number;
  builtAt?: string;
  ageHours?: number;
  advisories: number;
  byEcosystem: { ecosystem: string; packages: number; entries: number }[];
  cveSeverities: number;
  sources: { name: string; url?: string; fetchedAt: string; records: number; sha256?: string }[];
}

export const MISSING_DATABASE_HINT = 'get the prebuilt one with: tollgate db pull   (from the raw feeds: tollgate db update; offline: tollgate db import <osv-all.zip|folder>)';

export function defaultDatabasePath(): string {
  if (process.env.TOLLGATE_DB) return process.env.TOLLGATE_DB;
  return path.join(envPaths('tollgate', { suffix: '' }).cache, 'db', 'tollgate.db');
}

/** advisory_id, ecosystem, name, ranges, versions, severity, ecosystem_specific. */
type CandidateColumns = [string, string, string, string | null, string | null, string | null, string | null];

export class VulnDatabase {
  private readonly db: Database.Database;
  private readonly lookupStatement: Database.Statement;
  private readonly lookupManyStatement: Database.Statement;
  private readonly firstEcosystemFromStatement: Database.Statement;
  private readonly nextEcosystemStatement: Database.Statement;
  private readonly hasEcosystemStatement: Database.Statement;
  private readonly cveStatement: Database.Statement;
  private readonly advisoryStatement: Database.Statement;
  private readonly advisoryCache = new Map<string, AdvisoryRow>();

  private constructor(readonly path: string, db: Database.Database) {
    this.db = db;
    // Candidates carry only what range evaluation needs; an advisory's text is read when a
    // candidate turns out to match (an eighth of them in the matching benchmark), see candidateOf.
    this.lookupStatement = db.prepare(
      `SELECT advisory_id, ecosystem, name, ranges, versions, severity, ecosystem_specific
         FROM affected WHERE ecosystem = ? AND name = ?`,
    );
    this.lookupManyStatement = db.prepare(
      `SELECT advisory_id, ecosystem, name, ranges, versions, severity, ecosystem_specific
         FROM affected WHERE ecosystem = ? AND name IN (SELECT value FROM json_each(?))`,
    );
    // Rows as arrays (columns in the order selected): no object per row, a third of the query's time.
    this.lookupStatement.raw(true);
    this.lookupManyStatement.raw(true);
    this.firstEcosystemFromStatement = db.prepare('SELECT ecosystem FROM affected WHERE ecosystem >= ? ORDER BY ecosystem LIMIT 1').raw(true);
    this.nextEcosystemStatement = db.prepare('SELECT ecosystem FROM affected WHERE ecosystem > ? ORDER BY ecosystem LIMIT 1').raw(true);
    this.hasEcosystemStatement = db.prepare('SELECT 1 FROM affected WHERE ecosystem = ? LIMIT 1').raw(true);
    this.advisoryStatement = db.prepare('SELECT id, modified, published, summary, details, aliases, severity, database_severity, refs FROM advisory WHERE id = ?');
    this.cveStatement = db.prepare('SELECT version, vector, source FROM cve_severity WHERE cve = ?');
  }

  static open(file: string): VulnDatabase {
    if (!existsSync(file)) throw new DatabaseError(`no vulnerability database at ${file}`, { hint: MISSING_DATABASE_HINT });
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      // Read-only and read-mostly: map the file and keep a generous page cache.
      db.pragma('mmap_size = 1073741824');
      db.pragma('cache_size = -65536');
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (row?.value !== String(SCHEMA_VERSION)) {
        db.close();
        throw new DatabaseError(`${file}: vulnerability database schema version ${row?.value ?? 'unknown'}; this tollgate reads version ${SCHEMA_VERSION}`, { hint: 'rebuild it with: tollgate db update' });
      }
    } catch (error) {
      if (error instanceof DatabaseError) throw error;
      throw new DatabaseError(`${file}: not a readable vulnerability database (${messageOf(error)})`, { hint: MISSING_DATABASE_HINT, cause: error });
    }
    return new VulnDatabase(file, db);
  }

  /** Every affected entry naming this package in this ecosystem. */
  lookup(ecosystem: string, name: string): AffectedCandidate[] {
    return this.run(() => this.lookupStatement.all(ecosystem, normalizePackageName(ecosystem, name)) as CandidateColumns[]).map((row) => this.candidateOf(row));
  }

  /**
   * The affected entries of many packages of one ecosystem in one query, by normalised name:
   * much cheaper than a query per package when a scan matches thousands.
   */
  lookupMany(ecosystem: string, names: readonly string[]): Map<string, AffectedCandidate[]> {
    const byName = new Map<string, AffectedCandidate[]>();
    const normalized = [...new Set(names.map((name) => normalizePackageName(ecosystem, name)))];
    for (const name of normalized) byName.set(name, []);
    for (let start = 0; start < normalized.length; start += 5000) {
      const chunk = JSON.stringify(normalized.slice(start, start + 5000));
      for (const row of this.run(() => this.lookupManyStatement.all(ecosystem, chunk) as CandidateColumns[])) {
        byName.get(row[2])?.push(this.candidateOf(row));
      }
    }
    return byName;
  }

  /**
   * The stored ecosystems whose names begin with `prefix` (`Red Hat:enterprise_linux:9` ->
   * `...:9::appstream`, `...:9::baseos`), found by stepping through the (ecosystem, name) index one
   * ecosystem at a time: a few index seeks, however many entries each ecosystem holds. Bounded.
   */
  ecosystemsStartingWith(prefix: string, limit = 1000): string[] {
    const found: string[] = [];
    let next = this.run(() => this.firstEcosystemFromStatement.get(prefix) as [string] | undefined)?.[0];
    while (next !== undefined && next.startsWith(prefix) && found.length < limit) {
      found.push(next);
      const after = next;
      next = this.run(() => this.nextEcosystemStatement.get(after) as [string] | undefined)?.[0];
    }
    return found;
  }

  /** True when at least one affected entry is stored under exactly this ecosystem (`Alpine:v3.19`, `Wolfi`). */
  hasEcosystem(ecosystem: string): boolean {
    return this.run(() => this.hasEcosystemStatement.get(ecosystem)) !== undefined;
  }

  private run<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      throw new DatabaseError(`${this.path}: lookup failed (${messageOf(error)}); the database may be corrupt`, { hint: 'rebuild it with: tollgate db update', cause: error });
    }
  }

  private candidateOf([id, ecosystem, name, ranges, versions, severity, ecosystemSpecific]: CandidateColumns): AffectedCandidate {
    const parse = <T>(text: string | null, fallback: T): T => {
      if (text === null) return fallback;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new DatabaseError(`${this.path}: the entry of ${id} for ${ecosystem} ${name} is not valid JSON; the database may be corrupt`, { hint: 'rebuild it with: tollgate db update' });
      }
    };
    const candidate = {
      ecosystem,
      name,
      ranges: parse<OsvRange[]>(ranges, []),
      versions: parse<string[]>(versions, []),
      severity: parse<OsvSeverity[]>(severity, []),
      ...(ecosystemSpecific ? { ecosystemSpecific: parse<Record<string, unknown>>(ecosystemSpecific, {}) } : {}),
    };
    // The advisory is read from the database on first access, once per advisory id.
    const advisory = (): AdvisoryRow => {
      let loaded = this.advisoryCache.get(id);
      if (!loaded) {
        loaded = this.advisoryOf(id);
        this.advisoryCache.set(id, loaded);
      }
      return loaded;
    };
    return Object.defineProperty(candidate, 'advisory', { get: advisory, enumerable: true }) as AffectedCandidate;
  }

  private advisoryOf(id: string): AdvisoryRow {
    const row = this.run(() => this.advisoryStatement.get(id) as Record<string, string | null> | undefined);
    if (!row) throw new DatabaseError(`${this.path}: advisory ${id} is named by an affected entry but missing; the database may be corrupt`, { hint: 'rebuild it with: tollgate db update' });
    return {
      id,
      ...(row.modified ? { modified: row.modified } : {}),
      ...(row.published ? { published: row.published } : {}),
      ...(row.summary ? { summary: row.summary } : {}),
      ...(row.details ? { details: row.details } : {}),
      aliases: JSON.parse(row.aliases ?? '[]') as string[],
      severity: JSON.parse(row.severity ?? '[]') as OsvSeverity[],
      ...(row.database_severity ? { databaseSeverity: row.database_severity } : {}),
      references: JSON.parse(row.refs ?? '[]') as string[],
    };
  }

  /** CVSS vectors known for a CVE from the enrichment data, by CVSS version. */
  cveSeverity(cve: string): { version: string; vector: string; source: string }[] {
    return this.cveStatement.all(cve) as { version: string; vector: string; source: string }[];
  }

  status(): DatabaseStatus {
    const meta = new Map((this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((row) => [row.key, row.value]));
    const builtAt = meta.get('built_at');
    const count = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      path: this.path,
      schemaVersion: Number(meta.get('schema_version')),
      ...(builtAt ? { builtAt, ageHours: Math.round(((Date.now() - Date.parse(builtAt)) / 3_600_000) * 10) / 10 } : {}),
      advisories: count('SELECT count(*) AS n FROM advisory'),
      byEcosystem: this.db.prepare('SELECT ecosystem, count(DISTINCT name) AS packages, count(*) AS entries FROM affected GROUP BY ecosystem ORDER BY ecosystem').all() as DatabaseStatus['byEcosystem'],
      cveSeverities: count('SELECT count(DISTINCT cve) AS n FROM cve_severity'),
      sources: (this.db.prepare('SELECT name, url, fetched_at, records, sha256 FROM source ORDER BY name').all() as { name: string; url: string | null; fetched_at: string; records: number; sha256: string | null }[]).map((row) => ({
        name: row.name,
        ...(row.url ? { url: row.url } : {}),
        fetchedAt: row.fetched_at,
        records: row.records,
        ...(row.sha256 ? { sha256: row.sha256 } : {}),
      })),
    };
  }

  /** A value of the database's `meta` table (`built_at`, `schema_version`, ...). */
  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  /** What a scan result says of the database: where it is, when it was built, how old it is, its sources. Cheap: no counting. */
  summary(now: number = Date.now()): DatabaseSummary {
    const builtAt = this.meta('built_at');
    const built = builtAt ? Date.parse(builtAt) : Number.NaN;
    const sources = this.db.prepare('SELECT name, fetched_at, records FROM source ORDER BY name').all() as { name: string; fetched_at: string; records: number }[];
    return {
      path: this.path,
      ...(builtAt ? { builtAt } : {}),
      ...(Number.isFinite(built) ? { ageHours: Math.max(0, Math.round(((now - built) / 3_600_000) * 10) / 10) } : {}),
      sources: sources.map((source) => ({ name: source.name, fetchedAt: source.fetched_at, records: source.records })),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export function openVulnDatabase(file: string): VulnDatabase {
  return VulnDatabase.open(file);
}
