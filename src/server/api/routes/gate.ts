/**
 * The gate from the server's history: an image's latest scan judged by the engine's own gate
 * (src/gate), optionally only on the findings that are new compared with the latest scan of a
 * baseline image (the previous build). The same functions the CLI's `--baseline` uses.
 */
import { baselineOf, newComparedWith } from '../../../gate/baseline.js';
import { evaluateImageGate } from '../../../gate/evaluate.js';
import { emptyGateConfig } from '../../../gate/gate-config.js';
import type { ScanResult } from '../../../model/image-scan.js';
import { SEVERITIES, type Severity } from '../../../model/severity.js';
import { exceptedFindings, exceptionsForImage, gateEntriesOf } from '../../exceptions/image-exceptions.js';
import { findingIdentity } from '../../store/finding-identity.js';
import { DIGEST_PATTERN } from '../../store/ingest.js';
import { latestResult } from '../../store/result-query.js';
import type { ServerContext } from '../../context.js';
import { ApiError } from '../api-error.js';
import { inputs, type RouteSpec } from '../route.js';

async function latestScan(context: ServerContext, digest: string, field: string): Promise<ScanResult> {
  const answer = await latestResult(context.store.db, digest);
  if (answer.kind !== 'result') throw new ApiError(404, 'not_found', `no scan of ${digest} is stored`, field);
  return JSON.parse(answer.result) as ScanResult;
}

export const GATE_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    url: '/api/v1/images/:digest/verdict',
    operationId: 'gateImage',
    summary: 'The gate applied to the latest scan of an image; with `baseline`, only findings new compared with the latest scan of that image count. Findings covered by an exception in force are excluded first (listed in `exceptedFindings`).',
    permission: 'read',
    params: { type: 'object', required: ['digest'], additionalProperties: false, properties: { digest: { type: 'string', pattern: DIGEST_PATTERN } } },
    querystring: {
      type: 'object',
      required: ['failOn'],
      additionalProperties: false,
      properties: { failOn: { enum: [...SEVERITIES] }, baseline: { type: 'string', pattern: DIGEST_PATTERN } },
    },
    responses: { 200: { description: 'the verdict (verdict.schema.json) and the new findings when a baseline was given' }, 404: { description: 'no scan of the image or the baseline' } },
    async handler(context, request) {
      const { params, query } = inputs<{ digest: string }, { failOn: Severity; baseline?: string }>(request);
      const scan = await latestScan(context, params.digest, 'params.digest');
      const baseline = query.baseline !== undefined ? baselineOf([await latestScan(context, query.baseline, 'querystring.baseline')], query.baseline) : undefined;
      // Exceptions in force for this image enter the gate as ignore entries: excluded before any condition.
      const now = new Date().toISOString();
      const image = await context.store.db.selectFrom('images').select('tags').where('digest', '=', params.digest).executeTakeFirstOrThrow();
      const exceptions = await exceptionsForImage(context.store.db, params.digest, JSON.parse(image.tags) as string[], now);
      const verdict = evaluateImageGate(scan, { ...emptyGateConfig(), failOn: query.failOn, ignoreEntries: gateEntriesOf(exceptions), ...(baseline ? { baseline } : {}) });
      const excepted = exceptedFindings(scan, exceptions, now.slice(0, 10));
      const exceptedList = scan.findings.flatMap((f) => {
        const exception = excepted.get(findingIdentity(f));
        return exception ? [{ id: f.id, package: f.package.name, version: f.package.version, severity: f.severity, state: 'excepted', exception }] : [];
      });
      return {
        status: 200,
        body: {
          verdict,
          exceptedFindings: exceptedList,
          ...(baseline ? { newFindings: newComparedWith(scan.findings, baseline).map((f) => ({ id: f.id, package: f.package.name, version: f.package.version, severity: f.severity })) } : {}),
        },
      };
    },
  },
];
