/**
 * The SQLite rpm database (`rpmdb.sqlite`, rpm 4.16 and later: Fedora 33+, RHEL 9): the header
 * blobs are the `blob` column of the `Packages` table, keyed by `hnum`.
 *
 * The file's bytes are opened as an in-memory database (better-sqlite3 deserialises a copy of a
 * Buffer), so the image's file is never opened, locked or written, and no temporary file is left
 * behind. rpm keeps the database in write-ahead-log mode; a deserialised database cannot use a log,
 * so the header SQLite copies says rollback-journal mode (bytes 18 and 19), which changes nothing in
 * the data. SQLite checks every page it reads: a corrupt file is its error, not a crash.
 */
import Database from 'better-sqlite3';

export const SQLITE_MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');

export class RpmSqliteError extends Error {
  override readonly name = 'RpmSqliteError';
}

/** The header blobs of an rpmdb.sqlite file's bytes, in `hnum` order. */
export function sqliteHeaderBlobs(content: Buffer): Buffer[] {
  if (content.length < 100 || !content.subarray(0, 16).equals(SQLITE_MAGIC)) throw new RpmSqliteError('not an SQLite 3 database (no SQLite header)');
  // Write-ahead-log mode (2) to legacy rollback mode (1): a deserialised database has no log to read.
  // SQLite copies the bytes when it opens them, so the two header bytes are changed only for that
  // synchronous call and put back at once: no second copy of a database of tens of megabytes.
  const [readVersion, writeVersion] = [content[18], content[19]];
  let db: Database.Database;
  try {
    if (readVersion === 2) content[18] = 1;
    if (writeVersion === 2) content[19] = 1;
    db = new Database(content, { readonly: true });
  } catch (error) {
    throw new RpmSqliteError(`cannot open the SQLite database: ${(error as Error).message}`);
  } finally {
    content[18] = readVersion as number;
    content[19] = writeVersion as number;
  }
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (!table) throw new RpmSqliteError('the SQLite database has no Packages table: not an rpm database');
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all() as { hnum: number; blob: unknown }[];
    return rows.map((row) => {
      if (!Buffer.isBuffer(row.blob)) throw new RpmSqliteError(`package ${row.hnum}: the blob column holds no bytes`);
      return row.blob;
    });
  } catch (error) {
    if (error instanceof RpmSqliteError) throw error;
    throw new RpmSqliteError(`cannot read the SQLite database: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}
