/**
 * A view of one vulnerability database for a whole re-evaluation: each package name's candidates
 * and each CVE's severity vectors are read once and kept for the job, so matching a thousand
 * inventories that share most of their packages costs one lookup per distinct name, not one per
 * package per inventory. Valid only while the database does not change (the server opens a new
 * file for a new database, and a new view with it); candidates are shared, and the matcher only
 * reads them.
 */
import type { MatchDatabase } from '../../match/matcher.js';
import type { AffectedCandidate, VulnDatabase } from '../../vulndb/database.js';
import { normalizePackageName } from '../../vulndb/schema.js';

type DatabaseSummary = ReturnType<VulnDatabase['summary']>;

export class CachedMatchDatabase implements MatchDatabase {
  /** Per ecosystem, the candidates of every normalised name looked up so far (empty when none). */
  private readonly candidates = new Map<string, Map<string, AffectedCandidate[]>>();
  private readonly severities = new Map<string, ReturnType<VulnDatabase['cveSeverity']>>();
  private readonly ecosystemPrefixes = new Map<string, string[]>();
  private readonly ecosystems = new Map<string, boolean>();
  private databaseSummary: DatabaseSummary | undefined;

  constructor(private readonly database: VulnDatabase) {}

  lookupMany(ecosystem: string, names: readonly string[]): Map<string, AffectedCandidate[]> {
    let known = this.candidates.get(ecosystem);
    if (!known) {
      known = new Map();
      this.candidates.set(ecosystem, known);
    }
    const missing = new Set<string>();
    for (const name of names) {
      const normalized = normalizePackageName(ecosystem, name);
      if (!known.has(normalized)) missing.add(normalized);
    }
    if (missing.size > 0) for (const [name, found] of this.database.lookupMany(ecosystem, [...missing])) known.set(name, found);
    const answer = new Map<string, AffectedCandidate[]>();
    for (const name of names) {
      const normalized = normalizePackageName(ecosystem, name);
      answer.set(normalized, known.get(normalized) ?? []);
    }
    return answer;
  }

  cveSeverity(cve: string): ReturnType<VulnDatabase['cveSeverity']> {
    let found = this.severities.get(cve);
    if (!found) {
      found = this.database.cveSeverity(cve);
      this.severities.set(cve, found);
    }
    return found;
  }

  ecosystemsStartingWith(prefix: string, limit?: number): string[] {
    const key = `${prefix}\u0000${limit ?? ''}`;
    let found = this.ecosystemPrefixes.get(key);
    if (!found) {
      found = limit === undefined ? this.database.ecosystemsStartingWith(prefix) : this.database.ecosystemsStartingWith(prefix, limit);
      this.ecosystemPrefixes.set(key, found);
    }
    return found;
  }

  hasEcosystem(ecosystem: string): boolean {
    let found = this.ecosystems.get(ecosystem);
    if (found === undefined) {
      found = this.database.hasEcosystem(ecosystem);
      this.ecosystems.set(ecosystem, found);
    }
    return found;
  }

  /** The database summary a re-matched result carries: the same for every inventory of one job. */
  summary(): DatabaseSummary {
    this.databaseSummary ??= this.database.summary();
    return this.databaseSummary;
  }
}
