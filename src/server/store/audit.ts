/**
 * The audit log: every write through the API, with the name of the token that made it (never the
 * token). Written in the same transaction as the write it records.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './tables.js';

export async function audit(db: Kysely<Tables> | Transaction<Tables>, entry: { tokenName: string; action: string; target: string }): Promise<void> {
  await db.insertInto('audit_log').values({ id: randomUUID(), at: new Date().toISOString(), token_name: entry.tokenName, action: entry.action, target: entry.target }).execute();
}
