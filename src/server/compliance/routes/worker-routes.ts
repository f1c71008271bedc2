/**
 * What a worker calls: lease a job of its label, renew the lease, fetch the job's credentials
 * just in time (only while its lease is valid; never cached, never logged, never audited with
 * values), and upload the outcome once.
 */
import { ApiError } from '../../api/api-error.js';
import { nulPath } from '../../api/nul-text.js';
import { inputs, ERROR_SCHEMA, type RouteSpec } from '../../api/route.js';
import { audit } from '../../store/audit.js';
import { SecretOpenError } from '../secrets/sealed-secrets.js';
import { DEFAULT_SSH_PORT, getAuthRecord, openRecordCredentials } from '../store/auth-records.js';
import { checkLease, getScanRow, leaseNext, recordOutcome, renewLease, scanSettings, type LeaseCheck } from '../store/compliance-scans.js';
import { getPolicyText } from '../store/policies.js';
import { touchWorker } from '../store/profiles-and-scanners.js';
import { nameParams, nameSchema, parseJsonList, textSchema } from '../names.js';
import { uploadedResultSchema } from '../result-schema.js';
import { requireScanner } from './scanner-routes.js';
import { scanIdParams } from './scan-routes.js';

const MAX_RESULT_BYTES = 32 * 1024 * 1024;
const leaseToken = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' };
const leaseSeconds = { type: 'integer', minimum: 10, maximum: 600, default: 60 };

/** A lease that does not hold, as the worker is told. */
function refuse(check: Exclude<LeaseCheck, { kind: 'valid' }>): ApiError {
  if (check.kind === 'not_found') return new ApiError(404, 'not_found', 'no compliance scan with this id', 'params.id');
  if (check.kind === 'canceled') return new ApiError(409, 'canceled', 'the scan was canceled: stop working on it', 'params.id');
  return new ApiError(409, 'lease_lost', 'this lease no longer holds the scan (it expired and was leased again, or the scan has ended)', 'body.leaseToken');
}

export const WORKER_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    url: '/api/v1/scanners/:label/lease',
    operationId: 'leaseComplianceScan',
    summary: "Lease the oldest waiting scan of this scanner label (or one whose lease expired): 200 with the job, 204 when there is none. One scan is leased to one worker.",
    permission: 'workJobs',
    params: nameParams('label'),
    body: { type: 'object', required: ['workerId'], additionalProperties: false, properties: { workerId: nameSchema, leaseSeconds } },
    responses: { 200: { description: 'a job: scanId, leaseToken, leaseExpiresAt, target, authRecord, policies (name, yaml), settings' }, 204: { description: 'no job waiting' }, 404: { description: 'no such scanner label', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ label: string }, unknown, { workerId: string; leaseSeconds: number }>(request);
      const db = context.store.db;
      await requireScanner(db, params.label);
      await touchWorker(db, params.label, body.workerId);
      const lease = await leaseNext(db, params.label, body.workerId, body.leaseSeconds, caller?.name ?? 'unknown');
      if (!lease) return { status: 204 };
      const record = await getAuthRecord(db, lease.scan.auth_record);
      const policies: { name: string; yaml: string }[] = [];
      for (const name of parseJsonList(lease.scan.policies)) {
        const policy = await getPolicyText(db, name);
        if (policy) policies.push({ name, yaml: policy.yaml });
      }
      return {
        status: 200,
        headers: { 'cache-control': 'no-store' },
        body: {
          scanId: lease.scan.id,
          name: lease.scan.name,
          leaseToken: lease.leaseToken,
          leaseExpiresAt: lease.leaseExpiresAt,
          attempt: lease.scan.attempts,
          target: { host: lease.scan.host, address: lease.scan.address, port: record?.port ?? DEFAULT_SSH_PORT },
          authRecord: lease.scan.auth_record,
          policies,
          settings: scanSettings(lease.scan),
        },
      };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/compliance-scans/:id/lease/renew',
    operationId: 'renewComplianceLease',
    summary: 'Extend a lease. 409 canceled when the scan was canceled, 409 lease_lost when another worker holds it or it has ended.',
    permission: 'workJobs',
    params: scanIdParams,
    body: { type: 'object', required: ['leaseToken'], additionalProperties: false, properties: { leaseToken, leaseSeconds } },
    responses: { 200: { description: 'renewed: leaseExpiresAt' }, 404: { description: 'no such scan', schema: ERROR_SCHEMA }, 409: { description: 'canceled or lease_lost', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params, body } = inputs<{ id: string }, unknown, { leaseToken: string; leaseSeconds: number }>(request);
      const outcome = await renewLease(context.store.db, params.id, body.leaseToken, body.leaseSeconds);
      if (outcome.kind === 'renewed') return { status: 200, body: { leaseExpiresAt: outcome.leaseExpiresAt } };
      if (outcome.kind === 'valid') throw new ApiError(409, 'lease_lost', 'the lease could not be extended', 'body.leaseToken');
      throw refuse(outcome);
    },
  },
  {
    method: 'POST',
    url: '/api/v1/compliance-scans/:id/credentials',
    operationId: 'complianceScanCredentials',
    summary: "The scan's authentication record in clear, for the worker holding its unexpired lease (not stored, not cached: cache-control no-store).",
    permission: 'workJobs',
    params: scanIdParams,
    body: { type: 'object', required: ['leaseToken'], additionalProperties: false, properties: { leaseToken } },
    responses: { 200: { description: 'user, password?, privateKey?, passphrase?, sudo, sudoPassword?, port' }, 404: { description: 'no such scan', schema: ERROR_SCHEMA }, 409: { description: 'canceled, lease_lost, no_secret_key, secret_key_mismatch', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ id: string }, unknown, { leaseToken: string }>(request);
      const db = context.store.db;
      const check = checkLease(await getScanRow(db, params.id), body.leaseToken, { unexpired: true });
      if (check.kind !== 'valid') throw refuse(check);
      const key = context.compliance.secretKey;
      if (!key) throw new ApiError(409, 'no_secret_key', 'this server has no secret key to open credentials with: start it with TOLLGATE_SECRET_KEY or --secret-key-file', 'params.id');
      let credentials;
      try {
        credentials = await openRecordCredentials(db, key, check.scan.auth_record);
      } catch (error) {
        if (error instanceof SecretOpenError) throw new ApiError(409, error.code, error.message, 'params.id');
        throw error;
      }
      if (!credentials) throw new ApiError(404, 'not_found', `authentication record ${check.scan.auth_record} no longer exists`, 'params.id');
      await audit(db, { tokenName: caller?.name ?? 'unknown', action: 'auth-record.release', target: `${check.scan.auth_record} for scan ${params.id} to ${check.scan.worker_id ?? 'unknown'}` });
      return { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: credentials };
    },
  },
  {
    method: 'PUT',
    url: '/api/v1/compliance-scans/:id/result',
    operationId: 'uploadComplianceResult',
    summary: "A worker's outcome: the result (state Finished) or an error (state Error), recorded once; the same upload again answers 200 and changes nothing; a stale lease is 409.",
    permission: 'workJobs',
    params: scanIdParams,
    body: {
      type: 'object',
      required: ['leaseToken'],
      additionalProperties: false,
      properties: {
        leaseToken,
        result: uploadedResultSchema(),
        error: { type: 'object', required: ['code', 'message'], additionalProperties: false, properties: { code: { type: 'string', pattern: '^[a-z][a-z0-9_.-]{0,63}$' }, message: textSchema(4000) } },
      },
    },
    bodyLimit: MAX_RESULT_BYTES,
    responses: { 200: { description: 'state Finished or Error' }, 404: { description: 'no such scan', schema: ERROR_SCHEMA }, 409: { description: 'canceled or lease_lost', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ id: string }, unknown, { leaseToken: string; result?: unknown; error?: { code: string; message: string } }>(request);
      if ((body.result === undefined) === (body.error === undefined)) throw new ApiError(400, 'invalid_request', 'send either a result or an error', 'body.result');
      if (body.result !== undefined) {
        const nul = nulPath(body.result, 'body.result');
        if (nul) throw new ApiError(400, 'invalid_request', 'a text field holds a NUL character', nul);
      }
      const outcome = await recordOutcome(context.store.db, params.id, body.leaseToken, body.result !== undefined ? { result: JSON.stringify(body.result) } : { error: body.error as { code: string; message: string } }, caller?.name ?? 'unknown');
      if (outcome.kind === 'recorded') return { status: 200, body: { state: outcome.state, recorded: true } };
      if (outcome.kind === 'unchanged') return { status: 200, body: { state: outcome.state, recorded: false } };
      if (outcome.kind === 'valid') throw new ApiError(409, 'lease_lost', 'the outcome could not be recorded', 'body.leaseToken');
      throw refuse(outcome);
    },
  },
];
