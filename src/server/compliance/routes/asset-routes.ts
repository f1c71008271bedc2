/**
 * Hosts and asset groups: PUT creates (201) or replaces (200); GET lists or reads one. A group
 * names hosts and policies that exist.
 */
import { ApiError } from '../../api/api-error.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../../api/route.js';
import { getAssetGroup, getHost, listAssetGroups, listHosts, missingHosts, putAssetGroup, putHost, type HostInput } from '../store/assets.js';
import { missingPolicies } from '../store/policies.js';
import { nameList, nameParams, nameSchema } from '../names.js';

const MAX_GROUP_HOSTS = 5000;
const MAX_POLICIES = 100;

const hostBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    address: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9._:%\\[\\]-]+$', description: 'IPv4, IPv6 or DNS name the worker connects to' },
    cloudInstanceId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:/-]+$' },
    cloudConnector: nameSchema,
    labels: { type: 'object', maxProperties: 64, propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$' }, additionalProperties: { type: 'string', maxLength: 256, pattern: '^[^\\u0000-\\u001f]*$' } },
  },
};

/** 404 naming the first unknown entry of a list field. */
export function refuseMissing(missing: readonly string[], all: readonly string[], field: string, what: string): void {
  const first = missing[0];
  if (first !== undefined) throw new ApiError(404, 'not_found', `no ${what} named ${first}`, `${field}.${all.indexOf(first)}`);
}

export const ASSET_ROUTES: readonly RouteSpec[] = [
  {
    method: 'PUT',
    url: '/api/v1/hosts/:name',
    operationId: 'putHost',
    summary: 'Create or replace a host (an address, or a cloud instance through a cloud connector).',
    permission: 'manageAssets',
    params: nameParams('name'),
    body: hostBody,
    responses: { 200: { description: 'replaced' }, 201: { description: 'created' } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ name: string }, unknown, HostInput>(request);
      if ((body.cloudInstanceId === undefined) !== (body.cloudConnector === undefined)) throw new ApiError(400, 'invalid_request', 'cloudInstanceId and cloudConnector go together', body.cloudInstanceId === undefined ? 'body.cloudInstanceId' : 'body.cloudConnector');
      const { created } = await putHost(context.store.db, params.name, body, caller?.name ?? 'unknown');
      return { status: created ? 201 : 200, body: await getHost(context.store.db, params.name) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/hosts',
    operationId: 'listHosts',
    summary: 'Every host, with the latest compliance scan state per policy.',
    permission: 'readCompliance',
    responses: { 200: { description: 'hosts' } },
    async handler(context) {
      return { status: 200, body: await listHosts(context.store.db) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/hosts/:name',
    operationId: 'getHost',
    summary: 'One host, with the latest compliance scan state and totals per policy.',
    permission: 'readCompliance',
    params: nameParams('name'),
    responses: { 200: { description: 'the host' }, 404: { description: 'no such host', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ name: string }>(request);
      const host = await getHost(context.store.db, params.name);
      if (!host) throw new ApiError(404, 'not_found', 'no host with this name', 'params.name');
      return { status: 200, body: host };
    },
  },
  {
    method: 'PUT',
    url: '/api/v1/asset-groups/:name',
    operationId: 'putAssetGroup',
    summary: 'Create or replace an asset group: its hosts and the policies they are scanned against.',
    permission: 'manageAssets',
    params: nameParams('name'),
    body: { type: 'object', required: ['hosts', 'policies'], additionalProperties: false, properties: { hosts: nameList(MAX_GROUP_HOSTS), policies: nameList(MAX_POLICIES) } },
    responses: { 200: { description: 'replaced' }, 201: { description: 'created' }, 404: { description: 'a named host or policy does not exist', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ name: string }, unknown, { hosts: string[]; policies: string[] }>(request);
      refuseMissing(await missingHosts(context.store.db, body.hosts), body.hosts, 'body.hosts', 'host');
      refuseMissing(await missingPolicies(context.store.db, body.policies), body.policies, 'body.policies', 'policy');
      const { created } = await putAssetGroup(context.store.db, params.name, body, caller?.name ?? 'unknown');
      return { status: created ? 201 : 200, body: await getAssetGroup(context.store.db, params.name) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/asset-groups',
    operationId: 'listAssetGroups',
    summary: 'Every asset group.',
    permission: 'readCompliance',
    responses: { 200: { description: 'asset groups' } },
    async handler(context) {
      return { status: 200, body: await listAssetGroups(context.store.db) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/asset-groups/:name',
    operationId: 'getAssetGroup',
    summary: 'One asset group.',
    permission: 'readCompliance',
    params: nameParams('name'),
    responses: { 200: { description: 'the asset group' }, 404: { description: 'no such group', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ name: string }>(request);
      const group = await getAssetGroup(context.store.db, params.name);
      if (!group) throw new ApiError(404, 'not_found', 'no asset group with this name', 'params.name');
      return { status: 200, body: group };
    },
  },
];
