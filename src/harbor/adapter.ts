/**
 * Harbor's pluggable scanner adapter API on fastify: `GET /api/v1/metadata`, `POST /api/v1/scan`
 * (202 with an id, the scan queued), `GET /api/v1/scan/{id}/report` (302 with `Refresh-After`
 * while pending, 200 with the report in the negotiated type, 404 unknown, 500 failed). Harbor's
 * client gives up after a few seconds and never follows redirects, so every answer is immediate:
 * scans run in the queue, never in a request.
 *
 * Untrusted input: a body that is not the spec's JSON is a 400/415/422 naming the field, never a
 * 500; only a scan that failed answers 500, with its cause. Credentials (the request's
 * `registry.authorization`, the adapter's own bearer token) are never logged, never echoed: the
 * access log holds method, path and status only.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ScanQueue, QueueFullError } from './scan-queue.js';
import { parseScanRequest, ScanRequestError, type ScanRequest } from './scan-request.js';
import { SCANNER } from './harbor-report.js';
import {
  CONSUMED_ARTIFACT_MIMES,
  ERROR_MIME,
  errorBody,
  METADATA_MIME,
  REFRESH_AFTER_MAX_SECONDS,
  REFRESH_AFTER_MIN_SECONDS,
  REPORT_MIMES,
  SBOM_REPORT_MIME,
  SCAN_RESPONSE_MIME,
  type HarborVulnerabilityReport,
  type ReportMime,
} from './spec.js';

export interface HarborAdapterOptions {
  /** Scans one request (pulls, inventories, matches) and gives Harbor's report. */
  scan(request: ScanRequest): Promise<HarborVulnerabilityReport>;
  /** Turns a failed scan into the message Harbor shows; must not contain credentials. */
  describeError(error: unknown): string;
  /** Seconds Harbor waits before asking again for a pending report (1–127; default 5). */
  refreshAfterSeconds?: number;
  /** Scan requests kept at once (default 1000) and scanned at once (default 1). */
  capacity?: number;
  concurrency?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (Harbor's scanner registration sends it). */
  token?: { reveal(): string | Buffer };
  /** Extra scanner properties for the metadata (the database's build time). */
  properties?: Record<string, string>;
  /** One line per request: method, path, status. */
  accessLog?: (line: string) => void;
}

const SCAN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Sends `body` as JSON under exactly `mime`: fastify would rewrite a media type it serialises for
 * (quoting `version="1.1"`, adding a charset), and the spec's types are compared as written.
 */
function sendJson(reply: FastifyReply, status: number, mime: string, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', mime).send(Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)));
}

/** Each finished report serialised once: Harbor may read it several times, and a large one takes tens of milliseconds to stringify. */
const serialised = new WeakMap<HarborVulnerabilityReport, Buffer>();
function reportBytes(report: HarborVulnerabilityReport): Buffer {
  let bytes = serialised.get(report);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(report));
    serialised.set(report, bytes);
  }
  return bytes;
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendJson(reply, status, ERROR_MIME, errorBody(message));
}

/** The report type to answer with, from the Accept header: undefined when it names only types this adapter does not produce. */
export function negotiateReportMime(accept: string | undefined): ReportMime | 'sbom' | undefined {
  if (!accept || accept.trim() === '') return REPORT_MIMES[0];
  const ranges = accept.split(',').map((range) => range.trim().toLowerCase().replace(/\s*;\s*/g, '; ').replace(/; q=[0-9.]+$/, ''));
  for (const mime of REPORT_MIMES) if (ranges.includes(mime.toLowerCase())) return mime;
  if (ranges.includes(SBOM_REPORT_MIME.toLowerCase())) return 'sbom';
  if (ranges.some((range) => range === '*/*' || range === 'application/*' || range === 'application/json')) return REPORT_MIMES[0];
  return undefined;
}

function tokenMatches(header: string | undefined, token: { reveal(): string | Buffer }): boolean {
  const expected = Buffer.from(`Bearer ${token.reveal().toString()}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function createHarborAdapter(options: HarborAdapterOptions): Promise<FastifyInstance> {
  const refreshAfter = options.refreshAfterSeconds ?? 5;
  if (!Number.isInteger(refreshAfter) || refreshAfter < REFRESH_AFTER_MIN_SECONDS || refreshAfter > REFRESH_AFTER_MAX_SECONDS) throw new RangeError(`Refresh-After must be a whole number of seconds from ${REFRESH_AFTER_MIN_SECONDS} to ${REFRESH_AFTER_MAX_SECONDS}`);
  // Loaded here, not at the top: the CLI loads this module only for `tollgate harbor-adapter`.
  const { default: fastify } = await import('fastify');
  const queue = new ScanQueue(options.scan, options.describeError, { capacity: options.capacity ?? 1000, concurrency: options.concurrency ?? 1 });
  const app = fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, return503OnClosing: true, connectionTimeout: 30_000, requestTimeout: 30_000 });

  app.decorate('scanQueue', queue);
  app.removeAllContentTypeParsers();
  // The spec's request type (either version) and plain JSON; anything else is 415 from fastify.
  const parseJson = (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void => {
    try {
      done(null, JSON.parse(body.toString()));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  };
  for (const type of [/^application\/vnd\.scanner\.adapter\.scan\.request\+json(\s*;.*)?$/i, /^application\/json(\s*;.*)?$/i]) app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, parseJson);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (options.token && !tokenMatches(request.headers.authorization, options.token)) {
      reply.header('www-authenticate', 'Bearer');
      return sendError(reply, 401, 'this scanner needs its bearer token (set it as the scanner registration’s authorization in Harbor)');
    }
    return undefined;
  });
  if (options.accessLog) {
    const log = options.accessLog;
    // The path only (no query string, no headers, no body): nothing that could carry a credential.
    app.addHook('onResponse', async (request, reply) => log(`${request.method} ${request.url.split('?')[0] ?? ''} ${reply.statusCode}`));
  }

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof ScanRequestError) return sendError(reply, error.statusCode, error.message);
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const known: Record<number, string> = { 400: 'bad request', 413: `the body is larger than ${MAX_BODY_BYTES} bytes`, 415: `send the scan request as ${CONSUMED_ARTIFACT_MIMES.length ? 'application/vnd.scanner.adapter.scan.request+json' : ''}` };
      return sendError(reply, status, status === 400 && /JSON/.test(error.message) ? 'the body is not valid JSON' : (known[status] ?? 'bad request'));
    }
    return sendError(reply, 500, 'internal error');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'no such operation'));

  app.get('/api/v1/metadata', async (_request, reply) =>
    sendJson(reply, 200, METADATA_MIME, {
      scanner: { ...SCANNER },
      capabilities: [{ type: 'vulnerability', consumes_mime_types: [...CONSUMED_ARTIFACT_MIMES], produces_mime_types: [...REPORT_MIMES] }],
      properties: { 'harbor.scanner-adapter/scanner-type': 'os-package-vulnerability', ...options.properties },
    }),
  );

  app.post('/api/v1/scan', async (request, reply) => {
    const scanRequest = parseScanRequest(request.body);
    try {
      const id = queue.submit(scanRequest);
      return sendJson(reply, 202, SCAN_RESPONSE_MIME, { id });
    } catch (error) {
      if (error instanceof QueueFullError) return sendError(reply.header('retry-after', String(refreshAfter)), 429, error.message);
      throw error;
    }
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/api/v1/scan/:id/report', async (request, reply) => {
    if (request.query.sbom_media_type !== undefined) return sendError(reply, 400, 'this scanner produces no SBOM reports');
    const mime = negotiateReportMime(request.headers.accept);
    if (mime === 'sbom') return sendError(reply, 501, 'this scanner produces no SBOM reports');
    if (mime === undefined) return sendError(reply, 400, `the Accept header names no report type this scanner produces (${REPORT_MIMES.join(', ')})`);
    const state = SCAN_ID.test(request.params.id) ? queue.state(request.params.id) : undefined;
    if (!state) return sendError(reply, 404, 'no scan request with this id');
    if (state.status === 'pending') return reply.code(302).header('refresh-after', String(refreshAfter)).send();
    if (state.status === 'failed') return sendError(reply, 500, state.message);
    return sendJson(reply, 200, mime, reportBytes(state.report));
  });

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The adapter's queue, for waiting until it is idle on shutdown. */
    scanQueue: ScanQueue<ScanRequest, HarborVulnerabilityReport>;
  }
}
