/**
 * Cloud connectors (admin only): PUT/GET/DELETE /api/v1/cloud-connectors/:name, and
 * POST …/:name/run, which asks EC2 for every instance the connector's hosts name. The secret
 * access key is write-only: accepted on PUT, sealed at rest, never answered, never audited.
 */
import { ApiError } from '../api/api-error.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../api/route.js';
import { nameParams } from '../compliance/names.js';
import { audit } from '../store/audit.js';
import { CLOUD_PROVIDERS, connectorView, deleteCloudConnector, getCloudConnector, listCloudConnectors, putCloudConnector, type CloudConnectorInput } from './connector-store.js';
import { runCloudConnector } from './resolve-cloud-address.js';

const printable = (maxLength: number, pattern = '^[\\x21-\\x7e]+$'): Record<string, unknown> => ({ type: 'string', minLength: 1, maxLength, pattern });

const CONNECTOR_BODY = {
  type: 'object',
  required: ['provider', 'region', 'accessKeyId'],
  additionalProperties: false,
  properties: {
    provider: { enum: [...CLOUD_PROVIDERS] },
    region: printable(64, '^[a-z0-9-]+$'),
    accessKeyId: printable(128, '^[A-Za-z0-9]+$'),
    secretAccessKey: printable(256),
    endpoint: { type: 'string', maxLength: 2048, pattern: '^https?://[\\x21-\\x7e]+$' },
    enabled: { type: 'boolean', default: true },
    runConnector: { type: 'boolean', default: true },
  },
};

const VIEW_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    provider: { type: 'string' },
    region: { type: 'string' },
    accessKeyId: { type: 'string' },
    endpoint: { type: ['string', 'null'] },
    enabled: { type: 'boolean' },
    runConnector: { type: 'boolean' },
    hasSecretAccessKey: { type: 'boolean' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
};

export const CLOUD_CONNECTOR_ROUTES: readonly RouteSpec[] = [
  {
    method: 'PUT',
    url: '/api/v1/cloud-connectors/:name',
    operationId: 'putCloudConnector',
    summary: 'Create or replace a cloud connector (AWS: region, access key id, secret access key — write-only, sealed at rest; a replacement may leave the secret out to keep it).',
    permission: 'manageCloud',
    params: nameParams('name'),
    body: CONNECTOR_BODY,
    responses: { 200: { description: 'replaced', schema: VIEW_SCHEMA }, 201: { description: 'created', schema: VIEW_SCHEMA }, 400: { description: 'invalid', schema: ERROR_SCHEMA }, 409: { description: 'no_secret_key: the server cannot seal the secret', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ name: string }, unknown, CloudConnectorInput>(request);
      const { created, view } = await putCloudConnector(context.store.db, context.compliance.secretKey, params.name, body);
      await audit(context.store.db, { tokenName: caller?.name ?? 'unknown', action: created ? 'cloud-connector.create' : 'cloud-connector.update', target: `${params.name} (${body.provider} ${body.region}${body.secretAccessKey === undefined ? '' : ', secret access key set'})` });
      return { status: created ? 201 : 200, body: view };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/cloud-connectors',
    operationId: 'listCloudConnectors',
    summary: 'The cloud connectors (never their secret access keys).',
    permission: 'manageCloud',
    responses: { 200: { description: 'connectors', schema: { type: 'object', properties: { cloudConnectors: { type: 'array', items: VIEW_SCHEMA } } } } },
    async handler(context) {
      return { status: 200, body: { cloudConnectors: await listCloudConnectors(context.store.db) } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/cloud-connectors/:name',
    operationId: 'getCloudConnector',
    summary: 'One cloud connector (never its secret access key).',
    permission: 'manageCloud',
    params: nameParams('name'),
    responses: { 200: { description: 'the connector', schema: VIEW_SCHEMA }, 404: { description: 'no such connector', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ name: string }>(request);
      const row = await getCloudConnector(context.store.db, params.name);
      if (!row) throw new ApiError(404, 'not_found', `no cloud connector named ${params.name}`, 'params.name');
      return { status: 200, body: connectorView(row) };
    },
  },
  {
    method: 'DELETE',
    url: '/api/v1/cloud-connectors/:name',
    operationId: 'deleteCloudConnector',
    summary: 'Delete a cloud connector and the instance states it recorded.',
    permission: 'manageCloud',
    params: nameParams('name'),
    responses: { 204: { description: 'deleted' }, 404: { description: 'no such connector', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params } = inputs<{ name: string }>(request);
      if (!(await deleteCloudConnector(context.store.db, params.name))) throw new ApiError(404, 'not_found', `no cloud connector named ${params.name}`, 'params.name');
      await audit(context.store.db, { tokenName: caller?.name ?? 'unknown', action: 'cloud-connector.delete', target: params.name });
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/cloud-connectors/:name/run',
    operationId: 'runCloudConnector',
    summary: "Run the connector: ask EC2 for the state and private address of every instance its hosts name, and keep them for launches (a connector without runConnector uses only what a run recorded).",
    permission: 'manageCloud',
    params: nameParams('name'),
    responses: { 200: { description: 'instances: instanceId, state, privateAddress' }, 404: { description: 'no such connector', schema: ERROR_SCHEMA }, 409: { description: 'disabled, or no secret key', schema: ERROR_SCHEMA }, 502: { description: 'EC2 refused or failed', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params } = inputs<{ name: string }>(request);
      const instances = await runCloudConnector(context.store.db, context.compliance.secretKey, params.name);
      await audit(context.store.db, { tokenName: caller?.name ?? 'unknown', action: 'cloud-connector.run', target: `${params.name} (${instances.length} instances)` });
      return { status: 200, body: { instances } };
    },
  },
];
