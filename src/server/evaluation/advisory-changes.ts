/**
 * What changed between two vulnerability databases, as the incremental re-evaluation needs it: the
 * canonical package names (package-names.ts) whose advisory entries, advisory texts or CVE
 * severity vectors differ, or `all` when something every match depends on changed (the set of
 * ecosystems and release streams, which decides whether an OS is matched at all).
 *
 * Each database's fingerprints are read through a read-only connection opened together with the
 * matcher's handle, so the file can be replaced (renamed over) while the old one is still read.
 * Never writes to either database.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { canonicalPackageName } from './package-names.js';

export type AdvisoryChanges = { all: true } | { all: false; names: ReadonlySet<string> };

interface Fingerprints {
  ecosystems: string;
  /** canonical package name -> digest of every entry, advisory and CVE severity that name's lookups can read. */
  names: Map<string, string>;
}

type EntryRow = [string, string, string, string, string, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string | null];

export class DatabaseFingerprint {
  private readonly connection: Database.Database;
  private computed: Fingerprints | undefined;
  /** The database's `built_at`: which build these fingerprints are of. */
  readonly builtAt: string | undefined;

  constructor(file: string) {
    this.connection = new Database(file, { readonly: true, fileMustExist: true });
    this.builtAt = (this.connection.prepare("SELECT value FROM meta WHERE key = 'built_at'").get() as { value: string } | undefined)?.value;
  }

  private fingerprints(): Fingerprints {
    if (this.computed) return this.computed;
    const db = this.connection;
    const severities = new Map<string, string>();
    for (const [cve, version, vector, source] of db.prepare('SELECT cve, version, vector, source FROM cve_severity ORDER BY cve, version').raw(true).iterate() as Iterable<[string, string, string, string]>) {
      severities.set(cve, `${severities.get(cve) ?? ''}${version}\u0001${vector}\u0001${source}\u0002`);
    }
    const rowsByName = new Map<string, string[]>();
    const entries = db
      .prepare(
        `SELECT af.name, af.ecosystem, af.advisory_id, af.ranges, af.versions, af.severity, af.ecosystem_specific,
                ad.modified, ad.published, ad.summary, ad.details, ad.aliases, ad.severity, ad.database_severity, ad.refs
           FROM affected af LEFT JOIN advisory ad ON ad.id = af.advisory_id`,
      )
      .raw(true)
      .iterate() as Iterable<EntryRow>;
    for (const row of entries) {
      const name = canonicalPackageName(row[0]);
      let aliases: string[] = [];
      try {
        aliases = JSON.parse(row[11] ?? '[]') as string[];
      } catch {
        aliases = [String(row[11])];
      }
      const cves = [row[2], ...aliases].map((id) => severities.get(String(id).toUpperCase()) ?? severities.get(String(id)) ?? '').join('\u0003');
      const digest = createHash('sha256').update(JSON.stringify(row)).update(cves).digest('base64');
      const list = rowsByName.get(name) ?? [];
      list.push(digest);
      rowsByName.set(name, list);
    }
    const names = new Map<string, string>();
    for (const [name, digests] of rowsByName) names.set(name, createHash('sha256').update(digests.sort().join('')).digest('base64'));
    const ecosystems = (db.prepare('SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem').raw(true).all() as [string][]).map(([ecosystem]) => ecosystem).join('\n');
    this.computed = { ecosystems, names };
    return this.computed;
  }

  close(): void {
    if (this.connection.open) this.connection.close();
  }

  /** The names whose lookups may answer differently in `next` than in this database. */
  changesTo(next: DatabaseFingerprint): AdvisoryChanges {
    const before = this.fingerprints();
    const after = next.fingerprints();
    if (before.ecosystems !== after.ecosystems) return { all: true };
    const names = new Set<string>();
    for (const [name, digest] of after.names) if (before.names.get(name) !== digest) names.add(name);
    for (const name of before.names.keys()) if (!after.names.has(name)) names.add(name);
    return { all: false, names };
  }
}
