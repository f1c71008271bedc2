/**
 * Scanners (worker pools by label; "External" always exists) and the workers' heartbeats.
 */
import { ApiError } from '../../api/api-error.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../../api/route.js';
import { listScanners, putScanner, recordHeartbeat, scannerExists } from '../store/profiles-and-scanners.js';
import { nameParams, nameSchema, textSchema } from '../names.js';

const labelParams = nameParams('label');

export async function requireScanner(db: Parameters<typeof scannerExists>[0], label: string): Promise<void> {
  if (!(await scannerExists(db, label))) throw new ApiError(404, 'not_found', `no scanner labelled ${label} (create it with PUT /api/v1/scanners/${label})`, 'params.label');
}

export const SCANNER_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    url: '/api/v1/scanners',
    operationId: 'listScanners',
    summary: 'Scanner labels with their workers: last heartbeat and whether it is recent (live).',
    permission: 'readCompliance',
    responses: { 200: { description: 'scanners' } },
    async handler(context) {
      return { status: 200, body: await listScanners(context.store.db) };
    },
  },
  {
    method: 'PUT',
    url: '/api/v1/scanners/:label',
    operationId: 'putScanner',
    summary: 'Create a scanner label (a pool of workers).',
    permission: 'manageAssets',
    params: labelParams,
    body: { type: 'object', additionalProperties: false, properties: {} },
    responses: { 200: { description: 'exists already' }, 201: { description: 'created' } },
    async handler(context, request, caller) {
      const { params } = inputs<{ label: string }>(request);
      const { created } = await putScanner(context.store.db, params.label, caller?.name ?? 'unknown');
      return { status: created ? 201 : 200, body: { label: params.label, created } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/scanners/:label/workers/:workerId/heartbeat',
    operationId: 'workerHeartbeat',
    summary: 'A worker says it is alive (its first heartbeat registers it).',
    permission: 'workJobs',
    params: { type: 'object', required: ['label', 'workerId'], additionalProperties: false, properties: { label: nameSchema, workerId: nameSchema } },
    body: { type: 'object', required: ['hostname', 'version'], additionalProperties: false, properties: { hostname: textSchema(253), version: textSchema(64) } },
    responses: { 200: { description: 'recorded' }, 404: { description: 'no such scanner label', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ label: string; workerId: string }, unknown, { hostname: string; version: string }>(request);
      await requireScanner(context.store.db, params.label);
      const { lastSeen } = await recordHeartbeat(context.store.db, params.label, params.workerId, body, caller?.name ?? 'unknown');
      return { status: 200, body: { label: params.label, workerId: params.workerId, lastSeen } };
    },
  },
];
