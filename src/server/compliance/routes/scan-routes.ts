/**
 * Compliance scans as pipelines and people see them: launch (on a host, or on every host of an
 * asset group), list, read, cancel, and the result once Finished.
 */
import { ApiError } from '../../api/api-error.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../../api/route.js';
import { assetGroupsOfHost, getAssetGroup, hostsToResolve } from '../store/assets.js';
import { applyComplianceExceptions } from '../../exceptions/compliance-exceptions.js';
import { approvedExceptions } from '../../exceptions/exception-store.js';
import type { ComplianceResult } from '../../../model/compliance-result.js';
import { getAuthRecord } from '../store/auth-records.js';
import { cancelScan, getScanRow, launchScans, listScans, scanView, SCAN_STATES, type NewScan } from '../store/compliance-scans.js';
import { missingPolicies } from '../store/policies.js';
import { getOptionProfile, scannerExists } from '../store/profiles-and-scanners.js';
import { nameList, nameSchema, textSchema } from '../names.js';
import { resolveHostAddress } from '../resolve-host-address.js';
import { refuseMissing } from './asset-routes.js';

export const SCAN_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const scanIdParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: SCAN_ID_PATTERN } } };

interface LaunchBody {
  name: string;
  host?: string;
  assetGroup?: string;
  scanner: string;
  optionProfile?: string;
  policies?: string[];
  authRecord: string;
}

function notFound(what: string, name: string, field: string): ApiError {
  return new ApiError(404, 'not_found', `no ${what} named ${name}`, field);
}

export const COMPLIANCE_SCAN_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    url: '/api/v1/compliance-scans',
    operationId: 'launchComplianceScan',
    summary: "Queue a compliance scan of a host, or of each host of an asset group, for a scanner's workers. Policies default to the option profile's, then the group's.",
    permission: 'launchScans',
    body: {
      type: 'object',
      required: ['name', 'scanner', 'authRecord'],
      additionalProperties: false,
      properties: { name: textSchema(512), host: nameSchema, assetGroup: nameSchema, scanner: nameSchema, optionProfile: nameSchema, policies: { ...nameList(100), minItems: 1 }, authRecord: nameSchema },
    },
    responses: { 201: { description: 'queued: the scan (scanIds lists every scan when a group has several hosts)' }, 404: { description: 'a named host, group, scanner, profile, policy or record does not exist', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { body } = inputs<unknown, unknown, LaunchBody>(request);
      const db = context.store.db;
      if ((body.host === undefined) === (body.assetGroup === undefined)) throw new ApiError(400, 'invalid_request', 'name either a host or an assetGroup', 'body.host');
      if (!(await scannerExists(db, body.scanner))) throw notFound('scanner', body.scanner, 'body.scanner');
      if (!(await getAuthRecord(db, body.authRecord))) throw notFound('authentication record', body.authRecord, 'body.authRecord');
      const profile = body.optionProfile !== undefined ? await getOptionProfile(db, body.optionProfile) : undefined;
      if (body.optionProfile !== undefined && !profile) throw notFound('option profile', body.optionProfile, 'body.optionProfile');
      const group = body.assetGroup !== undefined ? await getAssetGroup(db, body.assetGroup) : undefined;
      if (body.assetGroup !== undefined && !group) throw notFound('asset group', body.assetGroup, 'body.assetGroup');
      const policies = body.policies ?? (profile && profile.policies.length > 0 ? profile.policies : undefined) ?? group?.policies ?? [];
      if (policies.length === 0) throw new ApiError(400, 'invalid_request', 'no policies: name them, or use an option profile or asset group that has some', 'body.policies');
      refuseMissing(await missingPolicies(db, policies), policies, body.policies ? 'body.policies' : 'body.optionProfile', 'policy');
      const hostNames = body.host !== undefined ? [body.host] : (group?.hosts ?? []);
      if (hostNames.length === 0) throw new ApiError(400, 'invalid_request', `asset group ${body.assetGroup ?? ''} has no hosts`, 'body.assetGroup');
      const hosts = await hostsToResolve(db, hostNames);
      if (hosts.length !== hostNames.length) {
        const known = new Set(hosts.map((host) => host.name));
        const missing = hostNames.find((name) => !known.has(name)) ?? '';
        throw notFound('host', missing, body.host !== undefined ? 'body.host' : 'body.assetGroup');
      }
      const scans: NewScan[] = [];
      for (const host of hosts) {
        const resolved = await resolveHostAddress(db, host, context.compliance.secretKey);
        scans.push({
          name: body.name,
          host: host.name,
          ...('address' in resolved ? { address: resolved.address } : { address: '', unresolved: resolved.unresolved }),
          ...(body.assetGroup !== undefined ? { assetGroup: body.assetGroup } : {}),
          scanner: body.scanner,
          ...(body.optionProfile !== undefined ? { optionProfile: body.optionProfile } : {}),
          policies,
          settings: profile?.settings ?? {},
          authRecord: body.authRecord,
        });
      }
      const created = await launchScans(db, scans, caller?.name ?? 'unknown');
      const first = created[0] as (typeof created)[number];
      return { status: 201, body: { ...first, ...(created.length > 1 ? { scanIds: created.map((scan) => scan.id) } : {}) } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/compliance-scans',
    operationId: 'listComplianceScans',
    summary: 'Compliance scans, newest first, optionally of one host or in one state.',
    permission: 'readCompliance',
    querystring: { type: 'object', additionalProperties: false, properties: { host: nameSchema, state: { enum: [...SCAN_STATES] }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
    responses: { 200: { description: 'scans' } },
    async handler(context, request) {
      const { query } = inputs<unknown, { host?: string; state?: string; limit: number }>(request);
      return { status: 200, body: await listScans(context.store.db, query) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/compliance-scans/:id',
    operationId: 'getComplianceScan',
    summary: 'One compliance scan: its state, and its error when it ended in Error.',
    permission: 'readCompliance',
    params: scanIdParams,
    responses: { 200: { description: 'the scan' }, 404: { description: 'no such scan', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ id: string }>(request);
      const row = await getScanRow(context.store.db, params.id);
      if (!row) throw new ApiError(404, 'not_found', 'no compliance scan with this id', 'params.id');
      return { status: 200, body: scanView(row) };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/compliance-scans/:id/result',
    operationId: 'getComplianceResult',
    summary: 'The result of a Finished scan: the compliance result document the CLI writes, with the approved control exceptions of its host and asset groups applied. 409 not_finished before, 409 scan_error when it ended in Error.',
    permission: 'readCompliance',
    params: scanIdParams,
    responses: { 200: { description: 'the ComplianceResult' }, 404: { description: 'no such scan', schema: ERROR_SCHEMA }, 409: { description: 'not_finished or scan_error', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params } = inputs<{ id: string }>(request);
      const row = await getScanRow(context.store.db, params.id);
      if (!row) throw new ApiError(404, 'not_found', 'no compliance scan with this id', 'params.id');
      if (row.state === 'Error') throw new ApiError(409, 'scan_error', `the scan ended in error ${row.error_code ?? 'unknown'}: ${row.error_message ?? ''}`, 'params.id');
      if (row.state !== 'Finished' || row.result === null) throw new ApiError(409, 'not_finished', `the scan is ${row.state}`, 'params.id');
      // Stored as the worker sent it; the exceptions approved for this host or its asset groups are
      // applied when it is read, so an approval (or an expiry) shows on results already stored.
      const now = new Date().toISOString();
      const groups = await assetGroupsOfHost(context.store.db, row.host);
      if (row.asset_group && !groups.includes(row.asset_group)) groups.push(row.asset_group);
      const result = applyComplianceExceptions(JSON.parse(row.result) as ComplianceResult, { host: row.host, assetGroups: groups }, await approvedExceptions(context.store.db, 'control', now), now);
      return { status: 200, body: result };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/compliance-scans/:id/cancel',
    operationId: 'cancelComplianceScan',
    summary: "Cancel a Queued or Running scan; its worker's next lease renewal answers 409 canceled.",
    permission: 'launchScans',
    params: scanIdParams,
    responses: { 200: { description: 'canceled' }, 404: { description: 'no such scan', schema: ERROR_SCHEMA }, 409: { description: 'not_cancelable: the scan has ended', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params } = inputs<{ id: string }>(request);
      const outcome = await cancelScan(context.store.db, params.id, caller?.name ?? 'unknown');
      if (outcome.kind === 'not_found') throw new ApiError(404, 'not_found', 'no compliance scan with this id', 'params.id');
      if (outcome.kind === 'not_cancelable') throw new ApiError(409, 'not_cancelable', `the scan has ended (${outcome.state})`, 'params.id');
      return { status: 200, body: outcome.scan };
    },
  },
];
