/**
 * Who is calling: the `Authorization: Bearer <token>` header resolved to a token's name and role,
 * then checked against the route's permission (auth/roles.ts). 401 without a valid token, 403 when
 * the role may not. The token itself is never logged (the logger redacts the header).
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { allows, type Permission } from '../auth/roles.js';
import { identify, type TokenIdentity } from '../auth/tokens.js';
import type { Tables } from '../store/tables.js';
import { ApiError } from './api-error.js';

const MAX_TOKEN_LENGTH = 512;

export async function authenticate(db: Kysely<Tables>, request: FastifyRequest, permission: Permission): Promise<TokenIdentity> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]+)$/.exec(header) : null;
  if (!match || (match[1] as string).length > MAX_TOKEN_LENGTH) throw new ApiError(401, 'unauthenticated', 'an API token is required: Authorization: Bearer <token>', 'authorization');
  const identity = await identify(db, match[1] as string);
  if (!identity) throw new ApiError(401, 'unauthenticated', 'the API token is not valid', 'authorization');
  if (!allows(identity.role, permission)) throw new ApiError(403, 'forbidden', `a ${identity.role} token may not do this`, 'authorization');
  return identity;
}
