/**
 * The Fastify application: security headers (helmet), a rate limit per token, JSON request
 * validation with the model's 2020-12 schemas (Ajv 2020), the routes of api/routes/list.ts each
 * behind its permission, errors as JSON, and a logger that never sees a token.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from 'helmet';
import type { ServerContext } from '../context.js';
import { ApiError, errorBody, handleError } from './api-error.js';
import { authenticate } from './authenticate.js';
import { openApiDocument } from './openapi.js';
import type { RouteSpec } from './route.js';
import { ROUTES } from './routes/list.js';
import { scanResultSchema } from './schemas.js';

/** Bodies of every route but uploads: small, so junk costs little. */
export const SMALL_BODY_LIMIT = 64 * 1024;

export interface AppOptions {
  /** Requests per minute per token (or per address without one). */
  rateLimitPerMinute: number;
  logger: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
}

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what arrives.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/**
 * Two validators: query strings and path parameters arrive as text (`limit=10`) and are coerced to
 * their schema's types; JSON bodies are checked as they are, so `"name": 123` is refused, not
 * turned into "123".
 */
function validators(): { coercing: Ajv2020; strict: Ajv2020 } {
  const make = (coerceTypes: boolean): Ajv2020 => {
    const ajv = new Ajv2020({ strict: false, allErrors: false, coerceTypes, useDefaults: true, removeAdditional: false });
    (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
    ajv.addSchema(scanResultSchema());
    return ajv;
  };
  return { coercing: make(true), strict: make(false) };
}

function register(app: FastifyInstance, context: ServerContext, route: RouteSpec): void {
  app.route({
    method: route.method,
    url: route.url,
    bodyLimit: route.bodyLimit ?? SMALL_BODY_LIMIT,
    schema: { ...(route.params ? { params: route.params } : {}), ...(route.querystring ? { querystring: route.querystring } : {}), ...(route.body ? { body: route.body } : {}) },
    // Who is calling is checked before the body is parsed or validated: an unauthorised caller
    // learns nothing about the request's shape and costs no parsing.
    onRequest: async (request) => {
      if (route.permission) (request as { caller?: unknown }).caller = await authenticate(context.store.db, request, route.permission, context.identities);
    },
    handler: async (request, reply) => {
      const caller = (request as { caller?: Awaited<ReturnType<typeof authenticate>> }).caller;
      const answer = await route.handler(context, request, caller);
      reply.code(answer.status);
      for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
      if (answer.file) return reply.type(answer.file.contentType).send(createReadStream(answer.file.path));
      if (answer.body === undefined) return reply.send();
      if (typeof answer.body === 'string') return reply.type('application/json; charset=utf-8').send(answer.body);
      return reply.send(answer.body);
    },
  });
}

export async function buildApp(context: ServerContext, options: AppOptions): Promise<FastifyInstance> {
  const ajv = validators();
  const app = Fastify({
    logger: options.logger,
    ...(options.https ? { https: options.https } : {}),
    bodyLimit: SMALL_BODY_LIMIT,
    // Ids in paths are validated by pattern; a long URL is junk.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajv.strict : ajv.coercing).compile(schema));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('not_found', 'no such route', 'url')));
  // helmet's headers, its middleware built once: the Fastify plugin builds it anew on every request.
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error: unknown) => done(error instanceof Error ? error : undefined)));
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per token (its hash, never the token) where there is one, else per address.
    keyGenerator: (request) => {
      const header = request.headers.authorization;
      return typeof header === 'string' ? `t:${createHash('sha256').update(header).digest('hex').slice(0, 32)}` : `a:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => new ApiError(429, 'rate_limited', `more than ${context.max} requests in a minute; retry after ${context.after}`),
  });
  const document = openApiDocument(ROUTES);
  app.get('/api/v1/openapi.json', async () => document);
  app.get('/api/v1/health', async () => ({ status: 'ok', store: context.store.kind, database: context.reevaluator.databaseBuiltAt ?? null }));
  for (const route of ROUTES) register(app, context, route);
  return app;
}
