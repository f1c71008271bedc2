/**
 * Policies (built-in, and uploaded native YAML checked by the CLI's own parser) and option
 * profiles (policies plus scan settings).
 */
import { isTollgateError } from '../../../errors.js';
import { ApiError } from '../../api/api-error.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../../api/route.js';
import { getPolicyText, builtinPolicyTexts, listPolicies, parseUploadedPolicy, putPolicy, missingPolicies } from '../store/policies.js';
import { getOptionProfile, listOptionProfiles, putOptionProfile, type ScanSettings } from '../store/profiles-and-scanners.js';
import { nameList, nameParams } from '../names.js';
import { refuseMissing } from './asset-routes.js';

const MAX_POLICY_BYTES = 1024 * 1024;

export const POLICY_ROUTES: readonly RouteSpec[] = [
  {
    method: 'PUT',
    url: '/api/v1/policies/:name',
    operationId: 'putPolicy',
    summary: "Upload a policy in Tollgate's native YAML format (validated as the CLI validates it; a mistake is a 400 naming the line and field).",
    permission: 'manageAssets',
    params: nameParams('name'),
    body: { type: 'object', required: ['yaml'], additionalProperties: false, properties: { yaml: { type: 'string', minLength: 1, maxLength: MAX_POLICY_BYTES, pattern: '^[^\\u0000]*$' } } },
    bodyLimit: 2 * MAX_POLICY_BYTES,
    responses: { 200: { description: 'replaced' }, 201: { description: 'created' }, 409: { description: 'builtin_policy: the name is a built-in policy', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ name: string }, unknown, { yaml: string }>(request);
      if (builtinPolicyTexts().has(params.name)) throw new ApiError(409, 'builtin_policy', `${params.name} is a built-in policy; upload under another name`, 'params.name');
      let policy;
      try {
        policy = parseUploadedPolicy(params.name, body.yaml);
      } catch (error) {
        if (isTollgateError(error)) throw new ApiError(400, 'invalid_policy', (error as Error).message, 'body.yaml');
        throw error;
      }
      const { created } = await putPolicy(context.store.db, params.name, body.yaml, policy, caller?.name ?? 'unknown');
      return { status: created ? 201 : 200, body: { name: params.name, builtin: false, policyId: policy.id, title: policy.title, version: policy.version, controls: policy.controls.length } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/policies',
    operationId: 'listPolicies',
    summary: 'The built-in policies (builtin: true) and the uploaded ones.',
    permission: 'readCompliance',
    responses: { 200: { description: 'policies' } },
    async handler(context) {
      return { status: 200, body: await listPolicies(context.store.db) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/policies/:name',
    operationId: 'getPolicy',
    summary: 'One policy with its YAML text.',
    permission: 'readCompliance',
    params: nameParams('name'),
    responses: { 200: { description: 'the policy' }, 404: { description: 'no such policy', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ name: string }>(request);
      const policy = await getPolicyText(context.store.db, params.name);
      if (!policy) throw new ApiError(404, 'not_found', 'no policy with this name', 'params.name');
      return { status: 200, body: policy };
    },
  },
  {
    method: 'PUT',
    url: '/api/v1/option-profiles/:name',
    operationId: 'putOptionProfile',
    summary: 'Create or replace an option profile: the policies a scan uses by default and its time limits.',
    permission: 'manageAssets',
    params: nameParams('name'),
    body: {
      type: 'object',
      required: ['policies', 'settings'],
      additionalProperties: false,
      properties: {
        policies: nameList(100),
        settings: {
          type: 'object',
          additionalProperties: false,
          properties: {
            connectTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 600 },
            commandTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
            timeoutMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
          },
        },
      },
    },
    responses: { 200: { description: 'replaced' }, 201: { description: 'created' }, 404: { description: 'a named policy does not exist', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ name: string }, unknown, { policies: string[]; settings: ScanSettings }>(request);
      refuseMissing(await missingPolicies(context.store.db, body.policies), body.policies, 'body.policies', 'policy');
      const { created } = await putOptionProfile(context.store.db, params.name, body, caller?.name ?? 'unknown');
      return { status: created ? 201 : 200, body: await getOptionProfile(context.store.db, params.name) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/option-profiles',
    operationId: 'listOptionProfiles',
    summary: 'Every option profile.',
    permission: 'readCompliance',
    responses: { 200: { description: 'option profiles' } },
    async handler(context) {
      return { status: 200, body: await listOptionProfiles(context.store.db) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/option-profiles/:name',
    operationId: 'getOptionProfile',
    summary: 'One option profile.',
    permission: 'readCompliance',
    params: nameParams('name'),
    responses: { 200: { description: 'the option profile' }, 404: { description: 'no such profile', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ name: string }>(request);
      const profile = await getOptionProfile(context.store.db, params.name);
      if (!profile) throw new ApiError(404, 'not_found', 'no option profile with this name', 'params.name');
      return { status: 200, body: profile };
    },
  },
];
