/**
 * The SQLite statement cache under Kysely: a query's text is prepared once and reused, a
 * statement still being iterated is not handed out again (a fresh one is), at most `limit`
 * statements are kept (least recently used dropped first), and queries through Kysely answer as
 * they would uncached.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { CachedStatements } from './sqlite-statements.js';

describe('cached SQLite statements', () => {
  let cached: CachedStatements | undefined;

  afterEach(() => cached?.close());

  function open(limit?: number): CachedStatements {
    const database = new Database(':memory:');
    database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    database.exec("INSERT INTO t (name) VALUES ('a'), ('b'), ('c')");
    cached = limit === undefined ? new CachedStatements(database) : new CachedStatements(database, limit);
    return cached;
  }

  it('prepares a text once and hands the same statement back', () => {
    const statements = open();
    const first = statements.prepare('SELECT name FROM t WHERE id = ?');
    expect(statements.prepare('SELECT name FROM t WHERE id = ?')).toBe(first);
    expect(statements.prepare('SELECT name FROM t WHERE id = ? ')).not.toBe(first);
    expect(first.all([2])).toEqual([{ name: 'b' }]);
  });

  it('prepares a fresh statement while the cached one is being iterated', () => {
    const statements = open();
    const sql = 'SELECT name FROM t ORDER BY id';
    const kept = statements.prepare(sql);
    const iterating = kept.iterate([]);
    expect(iterating.next().value).toEqual({ name: 'a' });
    const other = statements.prepare(sql);
    expect(other).not.toBe(kept);
    expect(other.all([])).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect([...iterating]).toEqual([{ name: 'b' }, { name: 'c' }]);
    // Done iterating: the kept statement is free again and handed out.
    expect(statements.prepare(sql)).toBe(kept);
  });

  it('keeps at most `limit` statements, dropping the least recently used', () => {
    const statements = open(2);
    const a = statements.prepare('SELECT 1');
    statements.prepare('SELECT 2');
    expect(statements.prepare('SELECT 1')).toBe(a);
    statements.prepare('SELECT 3');
    expect(statements.size).toBe(2);
    expect(statements.prepare('SELECT 1')).toBe(a);
    const b = statements.prepare('SELECT 2');
    expect(statements.prepare('SELECT 2')).toBe(b);
  });

  it('answers Kysely queries, reads and writes, as an uncached connection does', async () => {
    const db = new Kysely<{ t: { id: number; name: string } }>({ dialect: new SqliteDialect({ database: open() }) });
    for (let i = 0; i < 3; i++) await db.insertInto('t').values({ id: 10 + i, name: `n${i}` }).execute();
    const read = (): Promise<{ name: string }[]> => db.selectFrom('t').select('name').where('id', '>=', 10).orderBy('id').execute();
    expect(await read()).toEqual([{ name: 'n0' }, { name: 'n1' }, { name: 'n2' }]);
    await db.updateTable('t').set({ name: 'changed' }).where('id', '=', 11).execute();
    expect(await read()).toEqual([{ name: 'n0' }, { name: 'changed' }, { name: 'n2' }]);
    const streamed: string[] = [];
    for await (const row of db.selectFrom('t').select('name').where('id', '>=', 10).orderBy('id').stream()) streamed.push(row.name);
    expect(streamed).toEqual(['n0', 'changed', 'n2']);
  });
});
