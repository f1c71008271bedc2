/**
 * The exceptions workflow: a ci or viewer token (or an admin) asks for an exception for an
 * advisory id (images) or a CID (compliance controls) within a scope; an admin other than the
 * requester approves it with an expiry in the future, or rejects it. Every request and decision is
 * in the audit log. Listing shows approved exceptions past their expiry as `expired`.
 */
import { EXCEPTION_STATES, type ExceptionKind, type ExceptionScope, type ExceptionState } from '../../exceptions/exception-record.js';
import { exceptionsForImage, ignoreFileOf } from '../../exceptions/image-exceptions.js';
import { decideException, ExceptionRequestError, getException, listExceptions, requestException } from '../../exceptions/exception-store.js';
import { DIGEST_PATTERN } from '../../store/ingest.js';
import { ApiError } from '../api-error.js';
import { nulPath } from '../nul-text.js';
import { inputs, type JsonSchema, type RouteSpec } from '../route.js';
import { storedTime } from '../time-input.js';

export const EXCEPTION_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** Advisory ids and CIDs are exact: no `*`, no spaces. */
const SUBJECT = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._:+/-]*$' };
/** Scope values name one thing: never a wildcard, never a control character. */
const SCOPE_TEXT = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^*\\s\\u0000-\\u001f\\u007f][^*\\u0000-\\u001f\\u007f]*$' };
const NOTE = { type: 'string', minLength: 1, maxLength: 4000 };

const idParams: JsonSchema = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: EXCEPTION_ID_PATTERN } } };

const exceptionSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'kind', 'scope', 'reason', 'requester', 'requestedAt', 'state'],
  properties: {
    id: { type: 'string' },
    kind: { enum: ['advisory', 'control'] },
    advisoryId: { type: 'string' },
    cid: { type: 'string' },
    scope: { type: 'object', properties: { repository: { type: 'string' }, digest: { type: 'string' }, host: { type: 'string' }, assetGroup: { type: 'string' } } },
    reason: { type: 'string' },
    requester: { type: 'string' },
    requestedAt: { type: 'string' },
    state: { enum: [...EXCEPTION_STATES] },
    approver: { type: 'string' },
    decidedBy: { type: 'string' },
    decidedAt: { type: 'string' },
    comment: { type: 'string' },
    expiresAt: { type: 'string' },
  },
};

const STATUS_OF: Record<ExceptionRequestError['kind'], { status: number; code: string }> = {
  invalid: { status: 400, code: 'invalid_request' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
};

async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExceptionRequestError) {
      const { status, code } = STATUS_OF[error.kind];
      throw new ApiError(status, code, error.message, error.field);
    }
    throw error;
  }
}

function refuseNul(body: unknown): void {
  const nul = nulPath(body, 'body');
  if (nul) throw new ApiError(400, 'invalid_request', 'a text field holds a NUL character', nul);
}

interface RequestBody {
  advisoryId?: string;
  cid?: string;
  scope: ExceptionScope;
  reason: string;
}

export const EXCEPTION_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    url: '/api/v1/exceptions',
    operationId: 'requestException',
    summary: 'Ask for an exception: an advisory id within an image repository or digest, or a CID within a host or asset group, with a reason. An admin decides.',
    permission: 'requestExceptions',
    body: {
      type: 'object',
      required: ['scope', 'reason'],
      additionalProperties: false,
      properties: {
        advisoryId: { ...SUBJECT, description: 'an image finding: its CVE, GHSA or other advisory id (exact)' },
        cid: { ...SUBJECT, description: 'a compliance control id' },
        scope: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { repository: { ...SCOPE_TEXT, description: 'an image repository (`registry.example/team/app`)' }, digest: { type: 'string', pattern: DIGEST_PATTERN }, host: SCOPE_TEXT, assetGroup: SCOPE_TEXT },
        },
        reason: NOTE,
      },
    },
    responses: { 201: { description: 'requested', schema: exceptionSchema } },
    async handler(context, request, caller) {
      const { body } = inputs<unknown, unknown, RequestBody>(request);
      refuseNul(body);
      if ((body.advisoryId === undefined) === (body.cid === undefined)) throw new ApiError(400, 'invalid_request', 'name exactly one of advisoryId (an image finding) or cid (a compliance control)', body.cid === undefined ? 'body.advisoryId' : 'body.cid');
      const kind: ExceptionKind = body.advisoryId !== undefined ? 'advisory' : 'control';
      const record = await answering(() =>
        requestException(context.store.db, { kind, subject: (body.advisoryId ?? body.cid) as string, scope: body.scope, reason: body.reason, requester: caller?.name ?? 'unknown' }, new Date().toISOString()),
      );
      return { status: 201, body: record };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/exceptions',
    operationId: 'listExceptions',
    summary: 'Exceptions, newest request first; `state=approved` lists those in force, `state=expired` the approved ones past their expiry.',
    permission: 'read',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { state: { enum: [...EXCEPTION_STATES] }, kind: { enum: ['advisory', 'control'] }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 } },
    },
    responses: { 200: { description: 'a page of exceptions', schema: { type: 'object', properties: { exceptions: { type: 'array', items: exceptionSchema } } } } },
    async handler(context, request) {
      const { query } = inputs<unknown, { state?: ExceptionState; kind?: ExceptionKind; limit: number; offset: number }>(request);
      const exceptions = await listExceptions(context.store.db, { ...query }, new Date().toISOString());
      return { status: 200, body: { exceptions } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/exceptions/:id',
    operationId: 'getException',
    summary: 'One exception with its state, requester, decision and expiry.',
    permission: 'read',
    params: idParams,
    responses: { 200: { description: 'the exception', schema: exceptionSchema }, 404: { description: 'no such exception' } },
    async handler(context, request) {
      const { params } = inputs<{ id: string }>(request);
      const record = await getException(context.store.db, params.id, new Date().toISOString());
      if (!record) throw new ApiError(404, 'not_found', 'no exception with this id', 'params.id');
      return { status: 200, body: record };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/exceptions/:id/approve',
    operationId: 'approveException',
    summary: 'Approve a requested exception until `expiresAt` (required, in the future). The requester cannot approve their own.',
    permission: 'decideExceptions',
    params: idParams,
    body: { type: 'object', required: ['expiresAt'], additionalProperties: false, properties: { expiresAt: { type: 'string', format: 'date-time' }, comment: NOTE } },
    responses: { 200: { description: 'approved', schema: exceptionSchema }, 404: { description: 'no such exception' }, 409: { description: 'decided already' } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ id: string }, unknown, { expiresAt: string; comment?: string }>(request);
      refuseNul(body);
      const expiresAt = storedTime(body.expiresAt, 'body.expiresAt');
      const record = await answering(() => decideException(context.store.db, params.id, { approve: true, expiresAt, ...(body.comment !== undefined ? { comment: body.comment } : {}) }, caller?.name ?? 'unknown', new Date().toISOString()));
      return { status: 200, body: record };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/exceptions/:id/reject',
    operationId: 'rejectException',
    summary: 'Reject a requested exception.',
    permission: 'decideExceptions',
    params: idParams,
    body: { type: 'object', additionalProperties: false, properties: { comment: NOTE } },
    responses: { 200: { description: 'rejected', schema: exceptionSchema }, 404: { description: 'no such exception' }, 409: { description: 'decided already' } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ id: string }, unknown, { comment?: string } | undefined>(request);
      refuseNul(body);
      const record = await answering(() => decideException(context.store.db, params.id, { approve: false, ...(body?.comment !== undefined ? { comment: body.comment } : {}) }, caller?.name ?? 'unknown', new Date().toISOString()));
      return { status: 200, body: record };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/images/:digest/ignore-file',
    operationId: 'imageIgnoreFile',
    summary: "The exceptions in force for an image as an ignore file (ignore.schema.json), for a pipeline that gates on its own with `--ignore-file`.",
    permission: 'read',
    params: { type: 'object', required: ['digest'], additionalProperties: false, properties: { digest: { type: 'string', pattern: DIGEST_PATTERN } } },
    responses: { 200: { description: 'the ignore file (JSON is YAML)' }, 404: { description: 'unknown image' } },
    async handler(context, request) {
      const { params } = inputs<{ digest: string }>(request);
      const image = await context.store.db.selectFrom('images').select('tags').where('digest', '=', params.digest).executeTakeFirst();
      if (!image) throw new ApiError(404, 'not_found', 'no image with this digest is known', 'params.digest');
      const exceptions = await exceptionsForImage(context.store.db, params.digest, JSON.parse(image.tags) as string[], new Date().toISOString());
      return { status: 200, body: ignoreFileOf(exceptions) };
    },
  },
];
