/**
 * Administration: tokens (created with their value shown once, listed without it, revoked), the
 * audit log, a re-evaluation on demand and retention.
 */
import { ROLES } from '../../auth/roles.js';
import { createToken, TOKEN_NAME_PATTERN, TokenExistsError } from '../../auth/tokens.js';
import { audit } from '../../store/audit.js';
import { applyRetention } from '../../store/retention.js';
import { ApiError } from '../api-error.js';
import { storedTime } from '../time-input.js';
import { inputs, type RouteSpec } from '../route.js';

const tokenName = { type: 'string', pattern: TOKEN_NAME_PATTERN };

export const ADMIN_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    url: '/api/v1/tokens',
    operationId: 'createToken',
    summary: 'Create a token; its value is in this response only.',
    permission: 'administer',
    body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: tokenName, role: { enum: [...ROLES] } } },
    responses: { 201: { description: 'created', schema: { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string' }, token: { type: 'string' } } } }, 409: { description: 'the name is taken' } },
    async handler(context, request, caller) {
      const { body } = inputs<unknown, unknown, { name: string; role: string }>(request);
      try {
        const token = await context.store.db.transaction().execute(async (trx) => {
          const value = await createToken(trx, { name: body.name, role: body.role, createdBy: caller?.name ?? 'unknown' });
          await audit(trx, { tokenName: caller?.name ?? 'unknown', action: 'token.create', target: `${body.name} (${body.role})` });
          return value;
        });
        return { status: 201, body: { name: body.name, role: body.role, token }, headers: { 'cache-control': 'no-store' } };
      } catch (error) {
        if (error instanceof TokenExistsError) throw new ApiError(409, 'conflict', error.message, 'body.name');
        throw error;
      }
    },
  },
  {
    method: 'GET',
    url: '/api/v1/tokens',
    operationId: 'listTokens',
    summary: 'The tokens by name and role (never their values).',
    permission: 'administer',
    responses: { 200: { description: 'tokens' } },
    async handler(context) {
      const rows = await context.store.db.selectFrom('tokens').select(['name', 'role', 'created_at', 'created_by']).orderBy('name').execute();
      return { status: 200, body: { tokens: rows.map((row) => ({ name: row.name, role: row.role, createdAt: row.created_at, createdBy: row.created_by })) } };
    },
  },
  {
    method: 'DELETE',
    url: '/api/v1/tokens/:name',
    operationId: 'revokeToken',
    summary: 'Revoke a token.',
    permission: 'administer',
    params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: tokenName } },
    responses: { 204: { description: 'revoked' }, 404: { description: 'no such token' } },
    async handler(context, request, caller) {
      const { params } = inputs<{ name: string }>(request);
      const deleted = await context.store.db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('tokens').where('name', '=', params.name).executeTakeFirst();
        if (Number(result.numDeletedRows) > 0) await audit(trx, { tokenName: caller?.name ?? 'unknown', action: 'token.revoke', target: params.name });
        return Number(result.numDeletedRows);
      });
      if (deleted === 0) throw new ApiError(404, 'not_found', 'no token with this name', 'params.name');
      context.identities.forget(params.name);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/audit',
    operationId: 'auditLog',
    summary: 'Every write, with the name of the token that made it, newest first.',
    permission: 'administer',
    querystring: { type: 'object', additionalProperties: false, properties: { since: { type: 'string', format: 'date-time' }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500 } } },
    responses: { 200: { description: 'audit entries' } },
    async handler(context, request) {
      const { query } = inputs<unknown, { since?: string; limit: number }>(request);
      let select = context.store.db.selectFrom('audit_log').select(['at', 'token_name', 'action', 'target']);
      if (query.since !== undefined) select = select.where('at', '>', storedTime(query.since, 'querystring.since'));
      const rows = await select.orderBy('at', 'desc').orderBy('id').limit(query.limit).execute();
      return { status: 200, body: { entries: rows.map((row) => ({ at: row.at, token: row.token_name, action: row.action, target: row.target })) } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/reevaluations',
    operationId: 'reevaluate',
    summary: 'Match every stored inventory against the vulnerability database now (normally done when the database changes).',
    permission: 'administer',
    responses: { 202: { description: 'started (or already done for this database)' } },
    async handler(context, _request, caller) {
      await audit(context.store.db, { tokenName: caller?.name ?? 'unknown', action: 'reevaluation.request', target: 'all images' });
      // A changed database file is picked up first (its re-evaluation is the one that runs).
      const changed = await context.reevaluator.checkDatabase();
      const outcome = changed?.queued ? changed : await context.reevaluator.requestReevaluation({ force: true });
      return { status: 202, body: outcome };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/retention',
    operationId: 'applyRetention',
    summary: 'Delete scans beyond the configured count per image and older than the configured age (the newest scan of an image is always kept).',
    permission: 'administer',
    body: { type: 'object', additionalProperties: false, properties: { keepPerImage: { type: 'integer', minimum: 1, maximum: 100000 }, maxAgeDays: { type: 'integer', minimum: 1, maximum: 36500 } } },
    responses: { 200: { description: 'what was deleted' } },
    async handler(context, request, caller) {
      const { body } = inputs<unknown, unknown, { keepPerImage?: number; maxAgeDays?: number } | undefined>(request);
      const deleted = await applyRetention(context.store.db, { ...context.reevaluator.retention, ...(body ?? {}) });
      await audit(context.store.db, { tokenName: caller?.name ?? 'unknown', action: 'retention.apply', target: `${deleted} scans` });
      return { status: 200, body: { deletedScans: deleted } };
    },
  },
];
