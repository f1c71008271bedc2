/**
 * Scan results in and out: a sensor or worker uploads a result (idempotent by scan id), announces
 * a scan in progress, and pipelines poll the latest result of a digest with the connectors'
 * semantics: 204 known and processing, 200 partial or complete, 404 unknown; and 422 `scan_failed`
 * when the sensor that claimed the image gave up on it after the poller's mark.
 */
import type { ScanResult } from '../../../model/image-scan.js';
import { PIPELINE_SCHEMA, type PipelineMetadata } from '../../history/pipeline-record.js';
import { digestOf, DIGEST_PATTERN, ingestScan, markProcessing, MissingDigestError, SCAN_ID_PATTERN, ScanConflictError } from '../../store/ingest.js';
import { latestResult } from '../../store/result-query.js';
import { ApiError } from '../api-error.js';
import { nulPath } from '../nul-text.js';
import { storedTime } from '../time-input.js';
import { ERROR_SCHEMA, inputs, type RouteReply, type RouteSpec } from '../route.js';
import { SCAN_RESULT_REF } from '../schemas.js';
import { MAX_FAILURE_REASON_CHARS } from '../../../util/failure-reason.js';
import { recordAlias, resolveDigest } from '../../sensors/image-aliases.js';
import { claimFailure } from '../../sensors/claim-failure.js';

export const MAX_SCAN_BYTES = 64 * 1024 * 1024;
const MAX_TAGS = 256;

const digestParams = { type: 'object', required: ['digest'], additionalProperties: false, properties: { digest: { type: 'string', pattern: DIGEST_PATTERN } } };
const tagSchema = { type: 'string', minLength: 1, maxLength: 512, pattern: '^[^\\s\\u0000-\\u001f]+$' };

export const SCAN_ROUTES: readonly RouteSpec[] = [
  {
    method: 'PUT',
    url: '/api/v1/scans/:scanId',
    operationId: 'uploadScan',
    summary: 'Store an image scan result (the inventory per layer, and findings when matched). Repeating an upload with the same scan id stores nothing new.',
    permission: 'submitScans',
    params: { type: 'object', required: ['scanId'], additionalProperties: false, properties: { scanId: { type: 'string', pattern: SCAN_ID_PATTERN } } },
    body: {
      type: 'object',
      required: ['result'],
      additionalProperties: false,
      properties: {
        result: { $ref: SCAN_RESULT_REF },
        matched: { type: 'boolean', default: true, description: 'false: vulnerabilities not matched yet; the server matches the inventory against its database.' },
        pipeline: { ...PIPELINE_SCHEMA, description: 'the pipeline the scan was made for: baseline, trend and dashboard by repository and branch' },
      },
    },
    bodyLimit: MAX_SCAN_BYTES,
    responses: {
      201: { description: 'stored', schema: { type: 'object', properties: { scanId: { type: 'string' }, digest: { type: 'string' }, status: { enum: ['partial', 'complete'] }, created: { type: 'boolean' } } } },
      200: { description: 'this scan id was stored before; nothing changed' },
      409: { description: 'the scan id was used for another image', schema: ERROR_SCHEMA },
    },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ scanId: string }, unknown, { result: ScanResult; matched: boolean; pipeline?: PipelineMetadata }>(request);
      try {
        // The document is serialised once, for storing; JSON writes U+0000 as \u0000 (in keys too),
        // so only a text holding that escape is walked to name where the NUL is.
        const resultText = JSON.stringify(body.result);
        const nul = resultText.includes('\\u0000') ? nulPath(body.result, 'body.result') : undefined;
        if (nul) throw new ApiError(400, 'invalid_request', 'a text field holds a NUL character', nul);
        digestOf(body.result);
        storedTime(body.result.scannedAt, 'body.result.scannedAt');
        const outcome = await ingestScan(context.store.db, { scanId: params.scanId, result: body.result, resultText, matched: body.matched, tokenName: caller?.name ?? 'unknown', ...(body.pipeline ? { pipeline: body.pipeline } : {}) });
        // Connectors poll by image id: it finds an image filed under its manifest digest too.
        await recordAlias(context.store.db, body.result.image.id, outcome.digest);
        if (outcome.created && outcome.status === 'partial') context.reevaluator.matchPendingSoon();
        if (outcome.created && outcome.changes && outcome.changes.appeared.length > 0) context.reevaluator.notifyUpload(outcome.digest, outcome.changes);
        return { status: outcome.created ? 201 : 200, body: { scanId: outcome.scanId, digest: outcome.digest, status: outcome.status, created: outcome.created } };
      } catch (error) {
        if (error instanceof ScanConflictError) throw new ApiError(409, 'conflict', error.message, 'scanId');
        if (error instanceof MissingDigestError) throw new ApiError(400, 'invalid_request', error.message, `body.${error.field}`);
        throw error;
      }
    },
  },
  {
    method: 'POST',
    url: '/api/v1/images/:digest/processing',
    operationId: 'markProcessing',
    summary: 'A sensor announces that it is scanning this image: the result endpoint answers 204 until a result arrives.',
    permission: 'submitScans',
    params: digestParams,
    body: { type: 'object', additionalProperties: false, properties: { tags: { type: 'array', maxItems: MAX_TAGS, items: tagSchema } } },
    responses: { 202: { description: 'recorded' } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ digest: string }, unknown, { tags?: string[] } | undefined>(request);
      const digest = await resolveDigest(context.store.db, params.digest);
      await markProcessing(context.store.db, digest, body?.tags ?? [], caller?.name ?? 'unknown');
      return { status: 202, body: { digest, processing: true } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/images/:digest/scan',
    operationId: 'latestScan',
    summary: 'The latest scan of an image, optionally only one scanned after a time; 422 `scan_failed` when there is none and the sensor that claimed the image gave up on it (after that time).',
    permission: 'pollResults',
    params: digestParams,
    querystring: { type: 'object', additionalProperties: false, properties: { scannedAfter: { type: 'string', format: 'date-time' } } },
    responses: {
      200: { description: 'the latest result: status partial (vulnerabilities not matched yet) or complete', schema: { type: 'object', required: ['status', 'scanId', 'result'], properties: { status: { enum: ['partial', 'complete'] }, scanId: { type: 'string' }, scannedAt: { type: 'string' }, result: { $ref: SCAN_RESULT_REF } } } },
      204: { description: 'the image is known and still being processed' },
      304: { description: 'the latest result is the version named in If-None-Match (its ETag): nothing to send' },
      404: { description: 'the image is not known', schema: ERROR_SCHEMA },
      422: {
        description: 'no scan (after scannedAfter) and the sensor that claimed the image gave up on it after that time: `error.code` is `scan_failed`, `failure` says which sensor, when and why. Marking the image again lets a sensor try again.',
        schema: {
          type: 'object',
          required: ['error', 'failure'],
          properties: {
            error: { type: 'object', required: ['code', 'message'], properties: { code: { const: 'scan_failed' }, message: { type: 'string' } } },
            failure: { type: 'object', required: ['sensorId', 'failedAt', 'reason'], properties: { sensorId: { type: 'string' }, marker: { type: 'string' }, failedAt: { type: 'string', format: 'date-time' }, reason: { type: 'string', maxLength: MAX_FAILURE_REASON_CHARS } } },
          },
        },
      },
    },
    async handler(context, request): Promise<RouteReply> {
      const { params, query } = inputs<{ digest: string }, { scannedAfter?: string }>(request);
      const after = query.scannedAfter !== undefined ? storedTime(query.scannedAfter, 'querystring.scannedAfter') : undefined;
      const ifNoneMatch = request.headers['if-none-match'];
      const digest = await resolveDigest(context.store.db, params.digest);
      const answer = await latestResult(context.store.db, digest, after, typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined);
      if (answer.kind === 'unknown' || answer.kind === 'processing') {
        // No qualifying scan: a sensor that gave up on this image after the mark says so (a scan, when there is one, wins).
        const failure = await claimFailure(context.store.db, [digest, params.digest], after);
        if (failure) {
          return {
            status: 422,
            headers: { 'cache-control': 'no-cache' },
            body: { error: { code: 'scan_failed', message: `sensor ${failure.sensorId} could not scan this image: ${failure.reason}` }, failure: { sensorId: failure.sensorId, marker: failure.marker, failedAt: failure.failedAt, reason: failure.reason } },
          };
        }
      }
      if (answer.kind === 'unknown') throw new ApiError(404, 'not_found', 'no image with this digest is known', 'params.digest');
      if (answer.kind === 'processing') return { status: 204 };
      // A poller that has this version already: no body (RFC 9110 If-None-Match).
      if (answer.kind === 'unchanged') return { status: 304, headers: { etag: answer.etag, 'cache-control': 'no-cache' } };
      // The stored result is already JSON: sent as it is, without parsing it again.
      return { status: 200, headers: { etag: answer.etag, 'cache-control': 'no-cache' }, body: answer.body };
    },
  },
];
