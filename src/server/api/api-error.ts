/**
 * Errors as the API answers them: `{ error: { code, message, field? } }` with a 4xx status for
 * anything the client can fix. Fastify's own client errors (bad JSON, wrong content type, body too
 * large, schema violations) are mapped to the same shape; anything else is a 500 whose details go
 * to the log only.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTollgateError } from '../../errors.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** `body.result.image.layers/0/index` style: where the schema validation failed. */
function fieldOf(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const context = error.validationContext ?? 'body';
  const missing = (first.params as { missingProperty?: string; additionalProperty?: string } | undefined) ?? {};
  const extra = missing.missingProperty ?? missing.additionalProperty;
  const at = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [context, at, extra].filter((part) => part !== undefined && part !== '').join('.');
}

const FASTIFY_FIELDS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body',
};

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field !== undefined ? { field } : {}) } };
}

export function handleError(error: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.field));
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return reply.code(400).send(errorBody('invalid_request', error.message, fieldOf(fastifyError)));
  if (isTollgateError(error)) return reply.code(400).send(errorBody('invalid_request', error.message, (error as { field?: string }).field));
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = status === 429 ? 'rate_limited' : (fastifyError.code ?? 'bad_request').toLowerCase();
    return reply.code(status).send(errorBody(code, error.message, fastifyError.code ? FASTIFY_FIELDS[fastifyError.code] : undefined));
  }
  request.log.error({ err: { message: error.message, stack: error.stack } }, 'request failed');
  return reply.code(500).send(errorBody('internal_error', 'the server could not answer this request; see its log'));
}
