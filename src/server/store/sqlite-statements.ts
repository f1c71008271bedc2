/**
 * The SQLite connection as Kysely's dialect sees it, with its prepared statements kept: Kysely
 * asks better-sqlite3 to prepare every query's text anew, which costs more than running most of
 * the server's queries (a poll is three small indexed reads). Statements are kept by their SQL
 * text, most recently used last, at most `limit` of them; a statement still being iterated (a
 * streamed select) is never handed out twice, a fresh one is prepared instead.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export const STATEMENT_CACHE_SIZE = 500;

export class CachedStatements implements SqliteDatabase {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly database: Database.Database,
    private readonly limit: number = STATEMENT_CACHE_SIZE,
  ) {}

  prepare(sql: string): SqliteStatement {
    const cached = this.statements.get(sql);
    if (cached && !cached.busy) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    if (cached) return statement;
    this.statements.set(sql, statement);
    if (this.statements.size > this.limit) this.statements.delete(this.statements.keys().next().value as string);
    return statement;
  }

  /** How many statements are kept (for tests). */
  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
