/**
 * API tokens: 32 random bytes shown once to whoever creates them, stored as their SHA-256 (a
 * token has full entropy, so a fast hash is enough and a lookup stays one indexed read). A token
 * is `tg_<role>_<base64url>` so a leaked one is recognisable in a secret scanner.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { UsageError } from '../../errors.js';
import type { Tables } from '../store/tables.js';
import { isRole, ROLES, type Role } from './roles.js';

export interface TokenIdentity {
  name: string;
  role: Role;
}

export const TOKEN_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const TOKEN_NAME = new RegExp(TOKEN_NAME_PATTERN);

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(role: Role): string {
  return `tg_${role}_${randomBytes(32).toString('base64url')}`;
}

export class TokenExistsError extends UsageError {}

/** Creates a token and returns it: the only time its value exists outside the caller's hands. */
export async function createToken(db: Kysely<Tables>, request: { name: string; role: string; createdBy: string; value?: string }): Promise<string> {
  if (!TOKEN_NAME.test(request.name)) throw new UsageError(`token name must match ${TOKEN_NAME_PATTERN}`);
  if (!isRole(request.role)) throw new UsageError(`role must be one of ${ROLES.join(', ')}`);
  const value = request.value ?? newToken(request.role);
  const inserted = await db
    .insertInto('tokens')
    .values({ name: request.name, role: request.role, hash: hashToken(value), created_at: new Date().toISOString(), created_by: request.createdBy })
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new TokenExistsError(`a token named ${request.name} exists already`);
  return value;
}

export async function identify(db: Kysely<Tables>, token: string): Promise<TokenIdentity | undefined> {
  const row = await db.selectFrom('tokens').select(['name', 'role']).where('hash', '=', hashToken(token)).executeTakeFirst();
  return row && isRole(row.role) ? { name: row.name, role: row.role } : undefined;
}

/**
 * First start: an empty token table gets an admin token, from TOLLGATE_ADMIN_TOKEN when set, else
 * a new random one. Returns the new value only when it was generated here (for printing once).
 * Safe under concurrent starts: the insert does nothing when another process made it first.
 */
export async function ensureAdminToken(db: Kysely<Tables>, fromEnvironment: string | undefined): Promise<string | undefined> {
  const existing = await db.selectFrom('tokens').select('name').limit(1).executeTakeFirst();
  if (existing) return undefined;
  if (fromEnvironment !== undefined && fromEnvironment.length < 24) throw new UsageError('TOLLGATE_ADMIN_TOKEN must be at least 24 characters');
  try {
    const value = await createToken(db, { name: 'admin', role: 'admin', createdBy: 'first-start', ...(fromEnvironment ? { value: fromEnvironment } : {}) });
    return fromEnvironment ? undefined : value;
  } catch (error) {
    if (error instanceof TokenExistsError) return undefined;
    throw error;
  }
}
