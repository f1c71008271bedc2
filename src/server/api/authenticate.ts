/**
 * Who is calling: the `Authorization: Bearer <token>` header resolved to a token's name and role,
 * then checked against the route's permission (auth/roles.ts). 401 without a valid token, 403 when
 * the role may not. The token itself is never logged (the logger redacts the header).
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { allows, type Permission } from '../auth/roles.js';
import { hashToken, identify, type TokenIdentity } from '../auth/tokens.js';
import type { Tables } from '../store/tables.js';
import { ApiError } from './api-error.js';

const MAX_TOKEN_LENGTH = 512;
/** How long a resolved token is trusted without asking the store again: a revocation on another node takes effect within this. */
export const IDENTITY_CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

/**
 * Resolved tokens by their hash (never by the token), so a poller's every request is not a store
 * lookup. Per process; `forget` drops an entry at once on the node that revoked it.
 */
export class IdentityCache {
  private readonly entries = new Map<string, { identity: TokenIdentity | undefined; until: number }>();

  async resolve(db: Kysely<Tables>, token: string): Promise<TokenIdentity | undefined> {
    const key = hashToken(token);
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.identity;
    const identity = await identify(db, token);
    if (this.entries.size >= MAX_CACHED) this.entries.clear();
    // Unknown tokens are not cached: a token created a moment ago on another node works at once.
    if (identity) this.entries.set(key, { identity, until: now + IDENTITY_CACHE_MS });
    return identity;
  }

  forget(name: string): void {
    for (const [key, entry] of this.entries) if (entry.identity?.name === name) this.entries.delete(key);
  }
}

export async function authenticate(db: Kysely<Tables>, request: FastifyRequest, permission: Permission, cache?: IdentityCache): Promise<TokenIdentity> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]+)$/.exec(header) : null;
  if (!match || (match[1] as string).length > MAX_TOKEN_LENGTH) throw new ApiError(401, 'unauthenticated', 'an API token is required: Authorization: Bearer <token>', 'authorization');
  const identity = cache ? await cache.resolve(db, match[1] as string) : await identify(db, match[1] as string);
  if (!identity) throw new ApiError(401, 'unauthenticated', 'the API token is not valid', 'authorization');
  if (!allows(identity.role, permission)) throw new ApiError(403, 'forbidden', `a ${identity.role} token may not do this`, 'authorization');
  return identity;
}
