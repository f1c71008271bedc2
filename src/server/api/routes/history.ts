/**
 * History by pipeline: a pipeline's report on a stored scan, the baseline of a repository and branch (its last passing scan), the trend
 * build by build, and the dashboard's summary of the images' current state and what changed.
 */
import { lastPassingScan } from '../../history/branch-baseline.js';
import { buildTrend } from '../../history/build-trend.js';
import { imageDashboard } from '../../history/dashboard-summary.js';
import { BRANCH_QUERY, PIPELINE_SCHEMA, reportPipeline, UnknownScanError, type PipelineMetadata } from '../../history/pipeline-record.js';
import { SCAN_ID_PATTERN } from '../../store/ingest.js';
import { ApiError } from '../api-error.js';
import { inputs, type RouteSpec } from '../route.js';
import { SCAN_RESULT_REF } from '../schemas.js';
import { storedTime } from '../time-input.js';

const DAY_MS = 86_400_000;

export const HISTORY_ROUTES: readonly RouteSpec[] = [
  {
    method: 'PUT',
    url: '/api/v1/scans/:scanId/pipeline',
    operationId: 'reportPipeline',
    summary: "Say which pipeline a stored scan was for and whether its gate passed (when the upload could not: a sensor uploads, the pipeline's connector judges). Replaces an earlier report.",
    permission: 'reportPipelines',
    params: { type: 'object', required: ['scanId'], additionalProperties: false, properties: { scanId: { type: 'string', pattern: SCAN_ID_PATTERN } } },
    body: PIPELINE_SCHEMA,
    responses: { 200: { description: 'recorded' }, 404: { description: 'no scan with this id' } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ scanId: string }, unknown, PipelineMetadata>(request);
      try {
        await reportPipeline(context.store.db, params.scanId, body, caller?.name ?? 'unknown', new Date().toISOString());
      } catch (error) {
        if (error instanceof UnknownScanError) throw new ApiError(404, 'not_found', error.message, error.field);
        throw error;
      }
      return { status: 200, body: { scanId: params.scanId, pipeline: body } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/baselines',
    operationId: 'branchBaseline',
    summary: "The baseline of a repository and branch: the ScanResult of its last passing scan (uploaded with pipeline.gatePassed true); usable as the CLI's `--baseline` file.",
    permission: 'read',
    querystring: { type: 'object', required: ['repository', 'branch'], additionalProperties: false, properties: BRANCH_QUERY },
    responses: {
      200: { description: 'the ScanResult; its scan id, time and build in x-tollgate-* headers', schema: { $ref: SCAN_RESULT_REF } },
      404: { description: 'no passing scan of this repository and branch' },
    },
    async handler(context, request) {
      const { query } = inputs<unknown, { repository: string; branch: string }>(request);
      const baseline = await lastPassingScan(context.store.db, query.repository, query.branch);
      if (!baseline) throw new ApiError(404, 'not_found', `no passing scan of ${query.repository} ${query.branch} is stored`, 'querystring.branch');
      return {
        status: 200,
        // The stored result is already JSON: sent as it is.
        body: baseline.result,
        headers: {
          'x-tollgate-scan-id': baseline.scanId,
          'x-tollgate-digest': baseline.digest,
          'x-tollgate-scanned-at': baseline.scannedAt,
          ...(baseline.pipeline.buildNumber !== undefined ? { 'x-tollgate-build-number': encodeURIComponent(baseline.pipeline.buildNumber) } : {}),
        },
      };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/trend',
    operationId: 'buildTrend',
    summary: 'Build by build for a repository and branch (oldest first): findings by severity, new and fixed compared with the build before.',
    permission: 'read',
    querystring: { type: 'object', required: ['repository', 'branch'], additionalProperties: false, properties: { ...BRANCH_QUERY, limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } } },
    responses: { 200: { description: 'the builds' } },
    async handler(context, request) {
      const { query } = inputs<unknown, { repository: string; branch: string; limit: number }>(request);
      const builds = await buildTrend(context.store.db, query.repository, query.branch, query.limit);
      return { status: 200, body: { repository: query.repository, branch: query.branch, builds } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/dashboard',
    operationId: 'dashboard',
    summary: 'Images by highest severity, current findings by severity, what changed since a time (default: the last 24 hours) and open findings day by day. Further keys may be added.',
    permission: 'read',
    querystring: { type: 'object', additionalProperties: false, properties: { since: { type: 'string', format: 'date-time' }, days: { type: 'integer', minimum: 1, maximum: 90, default: 14 } } },
    responses: { 200: { description: 'the summary' } },
    async handler(context, request) {
      const { query } = inputs<unknown, { since?: string; days: number }>(request);
      const now = Date.now();
      const since = query.since !== undefined ? storedTime(query.since, 'querystring.since') : new Date(now - DAY_MS).toISOString();
      return { status: 200, body: await imageDashboard(context.store.db, { since, days: query.days, now }) };
    },
  },
];
