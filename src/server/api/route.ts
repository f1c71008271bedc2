/**
 * One API route as data: method, path, who may call it, the JSON schemas of its inputs and
 * outputs, and its handler. The same list registers the routes with Fastify (whose validator
 * checks inputs against these schemas) and generates the OpenAPI document, so the two cannot
 * drift.
 */
import type { FastifyRequest } from 'fastify';
import type { Permission } from '../auth/roles.js';
import type { TokenIdentity } from '../auth/tokens.js';
import type { ServerContext } from '../context.js';

export type JsonSchema = Record<string, unknown>;

export interface RouteReply {
  status: number;
  body?: unknown;
  /** A file to stream instead of a JSON body. */
  file?: { path: string; contentType: string };
  headers?: Record<string, string>;
}

export interface RouteSpec {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Fastify path syntax (`/api/v1/images/:digest/scan`). */
  url: string;
  operationId: string;
  summary: string;
  /** undefined: public (health, OpenAPI document). */
  permission?: Permission;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** Largest accepted body in bytes (default: the server's small-body limit). */
  bodyLimit?: number;
  responses: Record<number, { description: string; schema?: JsonSchema; contentType?: string }>;
  handler(context: ServerContext, request: FastifyRequest, caller: TokenIdentity | undefined): Promise<RouteReply>;
}

/** The params/query/body a validated request carries, typed by the route that reads it. */
export function inputs<P = Record<string, string>, Q = Record<string, unknown>, B = unknown>(request: FastifyRequest): { params: P; query: Q; body: B } {
  return { params: request.params as P, query: request.query as Q, body: request.body as B };
}

/** Every error response shares this body. */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } } },
};
