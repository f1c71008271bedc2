/**
 * What the platform knows of images: the list (digest, tags, first/last seen; searched by tag or
 * digest in the store, store/image-search.ts), one image with its current findings and when each
 * first appeared, and what became vulnerable since a time.
 */
import { exceptedCurrentFindings } from '../../exceptions/image-exceptions.js';
import { SEVERITIES, type Severity } from '../../../model/severity.js';
import { DIGEST_PATTERN } from '../../store/ingest.js';
import { searchImages } from '../../store/image-search.js';
import { ApiError } from '../api-error.js';
import { storedTime } from '../time-input.js';
import { inputs, type RouteSpec } from '../route.js';
import { resolveDigest } from '../../sensors/image-aliases.js';
import { runningOn } from '../../sensors/sensor-store.js';

const page = { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 } };
const imageSchema = { type: 'object', properties: { digest: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, firstSeen: { type: 'string' }, lastSeen: { type: 'string' }, processing: { type: 'boolean' } } };

function imageOf(row: { digest: string; tags: string; first_seen: string; last_seen: string; processing_since: string | null }): Record<string, unknown> {
  return { digest: row.digest, tags: JSON.parse(row.tags) as string[], firstSeen: row.first_seen, lastSeen: row.last_seen, processing: row.processing_since !== null };
}

export const IMAGE_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    url: '/api/v1/images',
    operationId: 'listImages',
    summary: 'Images known to the platform, most recently seen first; searched by tag or digest and filtered by the severity of their current findings.',
    permission: 'read',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        q: { type: 'string', maxLength: 256, pattern: '^[^\\u0000-\\u001f\\u007f]*$', description: 'Any part of a tag (`repository:tag`, any case) or the start of the digest, with or without `sha256:`. `%`, `_` and `\\` are matched as themselves.' },
        minSeverity: { enum: [...SEVERITIES], description: 'Only images with a current finding of this severity or above (`UNKNOWN`: any current finding).' },
        ...page,
      },
    },
    responses: {
      200: {
        description: 'a page of images; `nextOffset` is the offset of the next page, null on the last',
        schema: { type: 'object', required: ['images', 'nextOffset'], properties: { images: { type: 'array', items: imageSchema }, nextOffset: { type: ['integer', 'null'] } } },
      },
    },
    async handler(context, request) {
      const { query } = inputs<unknown, { q?: string; minSeverity?: Severity; limit: number; offset: number }>(request);
      const { rows, more } = await searchImages(context.store.db, { ...(query.q !== undefined ? { query: query.q } : {}), ...(query.minSeverity !== undefined ? { minSeverity: query.minSeverity } : {}), limit: query.limit, offset: query.offset });
      return { status: 200, body: { images: rows.map(imageOf), nextOffset: more ? query.offset + query.limit : null } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/images/:digest',
    operationId: 'getImage',
    summary: 'One image with its current findings, the time each first appeared and its state: `open`, or `excepted` with the exception in force.',
    permission: 'read',
    params: { type: 'object', required: ['digest'], additionalProperties: false, properties: { digest: { type: 'string', pattern: DIGEST_PATTERN } } },
    responses: { 200: { description: 'the image', schema: imageSchema }, 404: { description: 'unknown image' } },
    async handler(context, request) {
      const { params: asked } = inputs<{ digest: string }>(request);
      const params = { digest: await resolveDigest(context.store.db, asked.digest) };
      const row = await context.store.db.selectFrom('images').selectAll().where('digest', '=', params.digest).executeTakeFirst();
      if (!row) throw new ApiError(404, 'not_found', 'no image with this digest is known', 'params.digest');
      const findings = await context.store.db
        .selectFrom('image_findings')
        .select(['finding_key', 'finding_id', 'package_name', 'package_version', 'severity', 'first_seen'])
        .where('digest', '=', params.digest)
        .where('resolved_at', 'is', null)
        .orderBy('first_seen')
        .orderBy('finding_id')
        .execute();
      const scans = await context.store.db.selectFrom('scans').select(['scan_id', 'scanned_at', 'status']).where('digest', '=', params.digest).orderBy('scanned_at', 'desc').limit(100).execute();
      // Exceptions in force mark the findings they cover, matched by the gate as the verdict matches them.
      const excepted = await exceptedCurrentFindings(context.store.db, params.digest, JSON.parse(row.tags) as string[], new Date().toISOString());
      return {
        status: 200,
        body: {
          ...imageOf(row),
          findings: findings.map((f) => {
            const exception = excepted.get(f.finding_key);
            return { id: f.finding_id, package: f.package_name, version: f.package_version, severity: f.severity, firstSeen: f.first_seen, state: exception ? 'excepted' : 'open', ...(exception ? { exception } : {}) };
          }),
          scans: scans.map((s) => ({ scanId: s.scan_id, scannedAt: s.scanned_at, status: s.status })),
          runningOn: await runningOn(context.store.db, params.digest),
        },
      };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/changes',
    operationId: 'becameVulnerable',
    summary: 'What became vulnerable since a time: findings that appeared (by a new scan or a re-evaluation after a database change), grouped by image.',
    permission: 'read',
    querystring: { type: 'object', required: ['since'], additionalProperties: false, properties: { since: { type: 'string', format: 'date-time' }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } } },
    responses: { 200: { description: 'the images and the findings that appeared on each' } },
    async handler(context, request) {
      const { query } = inputs<unknown, { since: string; limit: number }>(request);
      const since = storedTime(query.since, 'querystring.since');
      const events = await context.store.db
        .selectFrom('finding_events')
        .innerJoin('images', 'images.digest', 'finding_events.digest')
        .select(['finding_events.digest', 'images.tags', 'finding_events.finding_id', 'finding_events.severity', 'finding_events.appeared_at', 'finding_events.cause'])
        .where('finding_events.appeared_at', '>', since)
        .orderBy('finding_events.appeared_at')
        .orderBy('finding_events.id')
        .limit(query.limit)
        .execute();
      const byImage = new Map<string, { digest: string; tags: string[]; findings: { id: string; severity: string; appearedAt: string; cause: string }[] }>();
      for (const event of events) {
        const image = byImage.get(event.digest) ?? { digest: event.digest, tags: JSON.parse(event.tags) as string[], findings: [] };
        image.findings.push({ id: event.finding_id, severity: event.severity, appearedAt: event.appeared_at, cause: event.cause });
        byImage.set(event.digest, image);
      }
      return { status: 200, body: { since, images: [...byImage.values()], truncated: events.length === query.limit } };
    },
  },
];
