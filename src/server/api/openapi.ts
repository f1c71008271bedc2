/**
 * The OpenAPI 3.1 document, generated from the route list (api/routes/list.ts) and the model's
 * published schemas: the same schemas the request validator uses, so the document cannot say
 * something the server does not check.
 */
import { TOOL_VERSION } from '../../version.js';
import { ACCESS } from '../auth/roles.js';
import type { JsonSchema, RouteSpec } from './route.js';
import { ERROR_SCHEMA } from './route.js';
import { SCAN_RESULT_REF, scanResultSchema } from './schemas.js';

const SCAN_RESULT_COMPONENT = '#/components/schemas/ScanResult';

/** Deep copy with the model schema's `$id` references pointed at the document's component. */
function localRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(localRefs);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = key === '$ref' && inner === SCAN_RESULT_REF ? SCAN_RESULT_COMPONENT : localRefs(inner);
    return out;
  }
  return value;
}

function parametersOf(schema: JsonSchema | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, property]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: localRefs(property) }));
}

function operationOf(route: RouteSpec): Record<string, unknown> {
  const roles = route.permission ? ['admin', ...ACCESS[route.permission]] : [];
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = { description: response.description, ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: localRefs(response.schema) } } } : {}) };
  }
  responses['400'] ??= { description: 'bad request: the field is named in error.field', content: { 'application/json': { schema: ERROR_SCHEMA } } };
  if (route.permission) {
    responses['401'] = { description: 'no valid token', content: { 'application/json': { schema: ERROR_SCHEMA } } };
    responses['403'] = { description: `the token's role may not (allowed: ${roles.join(', ')})`, content: { 'application/json': { schema: ERROR_SCHEMA } } };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.permission ? { security: [{ bearer: [] }], 'x-tollgate-roles': roles } : { security: [] }),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.querystring, 'query')],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: localRefs(route.body) } } } } : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tollgate platform API', version: TOOL_VERSION, description: 'Image scan results, their history and continuous re-evaluation; tokens and audit.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { ScanResult: scanResultSchema(), Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a Tollgate API token (`tollgate server token create`)' } },
    },
  };
}
