/**
 * Writes a vulnerability database file. better-sqlite3 with raw prepared statements is the right
 * tool here: a single local file, bulk-loaded in large transactions, read-mostly afterwards; a query
 * builder would add nothing but overhead to the hot insert loop.
 *
 * A writer only ever writes a fresh file beside the target (see build.ts); the file in use is
 * replaced by a rename once the new one is verified.
 */
import Database from 'better-sqlite3';
import { DatabaseError } from '../errors.js';
import type { OsvRecord } from './osv.js';
import { normalizePackageName, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

export interface CveSeverityRow {
  cve: string;
  version: string;
  vector: string;
  source: string;
}

export class VulnDbWriter {
  private readonly db: Database.Database;
  private readonly deleteAdvisory: Database.Statement;
  private readonly insertAdvisory: Database.Statement;
  private readonly insertAffected: Database.Statement;
  private readonly insertAlias: Database.Statement;
  private readonly existingModified: Database.Statement;
  private readonly insertCve: Database.Statement;
  private pending = 0;

  /** Opens `file` for writing: creates the schema when the file is new, else checks its version. */
  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('foreign_keys = ON');
    const hasMeta = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) {
      this.db.exec(SCHEMA_SQL);
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
    } else {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (row?.value !== String(SCHEMA_VERSION)) {
        this.db.close();
        throw new DatabaseError(`${file}: database schema version ${row?.value ?? 'unknown'}, this tollgate writes version ${SCHEMA_VERSION}`, { hint: 'rebuild it with: tollgate db update (or tollgate db import)' });
      }
    }
    this.deleteAdvisory = this.db.prepare('DELETE FROM advisory WHERE id = ?');
    this.insertAdvisory = this.db.prepare('INSERT INTO advisory (id, modified, published, summary, details, aliases, severity, database_severity, refs, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertAffected = this.db.prepare('INSERT INTO affected (advisory_id, ecosystem, name, ranges, versions, severity, ecosystem_specific) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertAlias = this.db.prepare('INSERT INTO alias (alias, advisory_id) VALUES (?, ?)');
    this.existingModified = this.db.prepare('SELECT modified FROM advisory WHERE id = ?');
    this.insertCve = this.db.prepare('INSERT OR REPLACE INTO cve_severity (cve, version, vector, source) VALUES (?, ?, ?, ?)');
    this.db.exec('BEGIN');
  }

  private tick(): void {
    this.pending += 1;
    if (this.pending >= 5000) {
      this.db.exec('COMMIT');
      this.db.exec('BEGIN');
      this.pending = 0;
    }
  }

  /**
   * Adds or replaces one advisory. A withdrawn record removes the advisory. An older copy of a
   * record already present (by `modified`) is ignored. Returns what happened.
   */
  put(record: OsvRecord, source: string): 'added' | 'replaced' | 'withdrawn' | 'older' {
    const existing = this.existingModified.get(record.id) as { modified: string | null } | undefined;
    if (existing && record.modified && existing.modified && record.modified < existing.modified) return 'older';
    if (existing) this.deleteAdvisory.run(record.id);
    this.tick();
    if (record.withdrawn) return 'withdrawn';
    this.insertAdvisory.run(
      record.id,
      record.modified ?? null,
      record.published ?? null,
      record.summary ?? null,
      record.details ?? null,
      JSON.stringify(record.aliases),
      JSON.stringify(record.severity),
      record.databaseSeverity ?? null,
      JSON.stringify(record.references),
      source,
    );
    for (const affected of record.affected) {
      this.insertAffected.run(
        record.id,
        affected.package.ecosystem,
        normalizePackageName(affected.package.ecosystem, affected.package.name),
        JSON.stringify(affected.ranges),
        JSON.stringify(affected.versions),
        JSON.stringify(affected.severity),
        affected.ecosystemSpecific ? JSON.stringify(affected.ecosystemSpecific) : null,
      );
    }
    for (const alias of record.aliases) this.insertAlias.run(alias, record.id);
    return existing ? 'replaced' : 'added';
  }

  putCveSeverity(row: CveSeverityRow): void {
    this.insertCve.run(row.cve, row.version, row.vector, row.source);
    this.tick();
  }

  recordSource(source: { name: string; url?: string; fetchedAt: string; records: number; sha256?: string }): void {
    this.db.prepare('INSERT OR REPLACE INTO source (name, url, fetched_at, records, sha256) VALUES (?, ?, ?, ?, ?)').run(source.name, source.url ?? null, source.fetchedAt, source.records, source.sha256 ?? null);
  }

  /** Commits, stamps the build time, checks integrity, and closes. Throws if the file is unsound. */
  finish(): { advisories: number } {
    this.db.exec('COMMIT');
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('built_at', new Date().toISOString());
    this.db.exec('ANALYZE');
    const integrity = this.db.pragma('integrity_check', { simple: true });
    const advisories = (this.db.prepare('SELECT count(*) AS n FROM advisory').get() as { n: number }).n;
    this.db.close();
    if (integrity !== 'ok') throw new DatabaseError(`${this.file}: integrity check failed (${String(integrity)})`);
    return { advisories };
  }

  abort(): void {
    if (this.db.open) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.db.close();
    }
  }
}
