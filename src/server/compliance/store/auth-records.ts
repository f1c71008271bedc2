/**
 * Authentication records: the user, port and sudo choice in clear, the secrets sealed
 * (secrets/sealed-secrets.ts). Write-only: every view here is secret-free; the secrets are opened
 * only by `openRecordCredentials`, for a worker holding a valid lease.
 */
import type { Kysely } from 'kysely';
import { audit } from '../../store/audit.js';
import type { Tables } from '../../store/tables.js';
import { openSecrets, sealSecrets, type RecordSecrets } from '../secrets/sealed-secrets.js';
import type { SecretKey } from '../secrets/secret-key.js';
import type { AuthRecordTable } from './compliance-tables.js';

export const DEFAULT_SSH_PORT = 22;

export interface AuthRecordInput extends RecordSecrets {
  type: 'unix';
  user: string;
  sudo?: boolean;
  port?: number;
}

export interface AuthRecordView {
  name: string;
  type: string;
  user: string;
  port: number;
  sudo: boolean;
  hasPassword: boolean;
  hasPrivateKey: boolean;
  updatedAt: string;
}

export interface Credentials extends RecordSecrets {
  user: string;
  sudo: boolean;
  port: number;
}

function view(row: AuthRecordTable): AuthRecordView {
  return { name: row.name, type: row.type, user: row.user_name, port: row.port, sudo: row.sudo === 1, hasPassword: row.has_password === 1, hasPrivateKey: row.has_private_key === 1, updatedAt: row.updated_at };
}

export async function putAuthRecord(db: Kysely<Tables>, key: SecretKey, name: string, input: AuthRecordInput, tokenName: string): Promise<{ created: boolean; record: AuthRecordView }> {
  const secrets: RecordSecrets = {
    ...(input.password !== undefined ? { password: input.password } : {}),
    ...(input.privateKey !== undefined ? { privateKey: input.privateKey } : {}),
    ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}),
    ...(input.sudoPassword !== undefined ? { sudoPassword: input.sudoPassword } : {}),
  };
  const sealed = sealSecrets(key, name, secrets);
  return db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const existing = await trx.selectFrom('auth_records').select('name').where('name', '=', name).executeTakeFirst();
    const values = {
      type: input.type,
      user_name: input.user,
      port: input.port ?? DEFAULT_SSH_PORT,
      sudo: input.sudo === true || input.sudoPassword !== undefined ? 1 : 0,
      has_password: input.password !== undefined ? 1 : 0,
      has_private_key: input.privateKey !== undefined ? 1 : 0,
      secret_ciphertext: sealed.ciphertext,
      secret_iv: sealed.iv,
      secret_tag: sealed.tag,
      secret_key_id: sealed.keyId,
      updated_at: now,
    };
    await trx
      .insertInto('auth_records')
      .values({ name, ...values, created_at: now })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(values))
      .execute();
    // The audit names the record and its user, never a secret.
    await audit(trx, { tokenName, action: existing ? 'auth-record.update' : 'auth-record.create', target: `${name} (${input.type}, user ${input.user})` });
    const row = await trx.selectFrom('auth_records').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    return { created: !existing, record: view(row) };
  });
}

export async function getAuthRecord(db: Kysely<Tables>, name: string): Promise<AuthRecordView | undefined> {
  const row = await db.selectFrom('auth_records').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? view(row) : undefined;
}

export async function listAuthRecords(db: Kysely<Tables>): Promise<AuthRecordView[]> {
  return (await db.selectFrom('auth_records').selectAll().orderBy('name').execute()).map(view);
}

/** The record's credentials in clear; throws SecretOpenError when this key cannot open them. */
export async function openRecordCredentials(db: Kysely<Tables>, key: SecretKey, name: string): Promise<Credentials | undefined> {
  const row = await db.selectFrom('auth_records').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) return undefined;
  const secrets = openSecrets(key, name, { ciphertext: row.secret_ciphertext, iv: row.secret_iv, tag: row.secret_tag, keyId: row.secret_key_id });
  return { user: row.user_name, sudo: row.sudo === 1, port: row.port, ...secrets };
}
