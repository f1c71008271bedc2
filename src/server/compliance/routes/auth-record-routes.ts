/**
 * Authentication records, write-only: PUT takes the secrets and seals them; every answer, list
 * and audit entry is secret-free. Without a configured secret key nothing is stored (409).
 */
import { ApiError } from '../../api/api-error.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../../api/route.js';
import { getAuthRecord, listAuthRecords, putAuthRecord, type AuthRecordInput } from '../store/auth-records.js';
import { nameParams } from '../names.js';

/** A secret: any text without NUL (private keys hold newlines). */
const secret = (maxLength: number): Record<string, unknown> => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000]*$', writeOnly: true });

const recordView = {
  type: 'object',
  properties: { name: { type: 'string' }, type: { const: 'unix' }, user: { type: 'string' }, port: { type: 'integer' }, sudo: { type: 'boolean' }, hasPassword: { type: 'boolean' }, hasPrivateKey: { type: 'boolean' }, updatedAt: { type: 'string' } },
};

export const AUTH_RECORD_ROUTES: readonly RouteSpec[] = [
  {
    method: 'PUT',
    url: '/api/v1/auth-records/:name',
    operationId: 'putAuthRecord',
    summary: 'Create or replace a Unix authentication record. Its secrets are sealed (AES-256-GCM) and never returned.',
    permission: 'manageAssets',
    params: nameParams('name'),
    body: {
      type: 'object',
      required: ['type', 'user'],
      additionalProperties: false,
      properties: {
        type: { const: 'unix' },
        user: { type: 'string', pattern: '^[A-Za-z0-9_.][A-Za-z0-9_.@-]{0,63}$' },
        password: secret(1024),
        privateKey: secret(32 * 1024),
        passphrase: secret(1024),
        sudo: { type: 'boolean' },
        sudoPassword: secret(1024),
        port: { type: 'integer', minimum: 1, maximum: 65535 },
      },
    },
    responses: { 200: { description: 'replaced', schema: recordView }, 201: { description: 'created', schema: recordView }, 409: { description: 'no_secret_key: the server has no key to seal secrets with', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ name: string }, unknown, AuthRecordInput>(request);
      if (body.password === undefined && body.privateKey === undefined) throw new ApiError(400, 'invalid_request', 'a Unix record needs a password or a privateKey', 'body.password');
      if (body.passphrase !== undefined && body.privateKey === undefined) throw new ApiError(400, 'invalid_request', 'a passphrase belongs to a privateKey', 'body.passphrase');
      if (body.sudoPassword !== undefined && body.sudo === false) throw new ApiError(400, 'invalid_request', 'a sudoPassword with sudo: false', 'body.sudoPassword');
      const key = context.compliance.secretKey;
      if (!key) throw new ApiError(409, 'no_secret_key', 'this server has no secret key to seal credentials with: start it with TOLLGATE_SECRET_KEY or --secret-key-file', 'body');
      const { created, record } = await putAuthRecord(context.store.db, key, params.name, body, caller?.name ?? 'unknown');
      return { status: created ? 201 : 200, body: record, headers: { 'cache-control': 'no-store' } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/auth-records',
    operationId: 'listAuthRecords',
    summary: 'Every authentication record, without its secrets.',
    permission: 'readCompliance',
    responses: { 200: { description: 'records', schema: { type: 'array', items: recordView } } },
    async handler(context) {
      return { status: 200, body: await listAuthRecords(context.store.db) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/auth-records/:name',
    operationId: 'getAuthRecord',
    summary: 'One authentication record, without its secrets.',
    permission: 'readCompliance',
    params: nameParams('name'),
    responses: { 200: { description: 'the record', schema: recordView }, 404: { description: 'no such record', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ name: string }>(request);
      const record = await getAuthRecord(context.store.db, params.name);
      if (!record) throw new ApiError(404, 'not_found', 'no authentication record with this name', 'params.name');
      return { status: 200, body: record };
    },
  },
];
