/**
 * The sensors' API: heartbeats and the list of sensors with their liveness, image claims (two
 * sensors on one daemon scan an image once), and general mode's inventory of a daemon's images and
 * containers and its events. Registered through src/server/api/routes/list.ts.
 */
import { DIGEST_PATTERN } from '../store/ingest.js';
import { ApiError } from '../api/api-error.js';
import { nulPath } from '../api/nul-text.js';
import { ERROR_SCHEMA, inputs, type RouteSpec } from '../api/route.js';
import { claimImage, completeClaim, DEFAULT_HEARTBEAT_SECONDS, listEvents, listSensors, recordEvents, recordHeartbeat, recordInventory, SENSOR_MODES, sensorExists, type DaemonEvent, type Heartbeat, type ReportedContainer, type ReportedImage, type SensorMode } from './sensor-store.js';
import { resolveDigest } from './image-aliases.js';
import { failClaim } from './claim-failure.js';
import { MAX_FAILURE_REASON_CHARS } from '../../util/failure-reason.js';

export const SENSOR_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
export const EVENT_TYPES = ['pull', 'push', 'tag', 'untag', 'delete', 'create', 'start', 'die'] as const;
const MAX_INVENTORY_BYTES = 8 * 1024 * 1024;

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '^[^\\u0000-\\u001f]+$' });
const labelsSchema = { type: 'object', maxProperties: 64, propertyNames: { maxLength: 128, pattern: '^[^\\u0000-\\u001f]+$' }, additionalProperties: { type: 'string', maxLength: 1024, pattern: '^[^\\u0000-\\u001f]*$' } };
const sensorParams = { type: 'object', required: ['sensorId'], additionalProperties: false, properties: { sensorId: { type: 'string', pattern: SENSOR_ID_PATTERN } } };
const digestParams = { type: 'object', required: ['digest'], additionalProperties: false, properties: { digest: { type: 'string', pattern: DIGEST_PATTERN } } };
const claimParams = { type: 'object', required: ['digest', 'claimId'], additionalProperties: false, properties: { digest: { type: 'string', pattern: DIGEST_PATTERN }, claimId: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } };
const sensorSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, daemonId: { type: 'string' }, hostname: { type: 'string' }, version: { type: 'string' }, mode: { enum: SENSOR_MODES }, labels: { type: 'object' }, intervalSeconds: { type: 'integer' }, firstSeen: { type: 'string' }, lastSeen: { type: 'string' }, live: { type: 'boolean' } },
};

async function knownSensor(context: Parameters<RouteSpec['handler']>[0], sensorId: string): Promise<void> {
  if (!(await sensorExists(context.store.db, sensorId))) throw new ApiError(404, 'not_found', 'no sensor with this id has sent a heartbeat', 'params.sensorId');
}

function refuseNul(value: unknown, at: string): void {
  const nul = nulPath(value, at);
  if (nul) throw new ApiError(400, 'invalid_request', 'a text field holds a NUL character', nul);
}

export const SENSOR_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    url: '/api/v1/sensors/:sensorId/heartbeat',
    operationId: 'sensorHeartbeat',
    summary: 'A sensor registers (first heartbeat) and reports that it is alive; it is live while its last heartbeat is within three of its intervals.',
    permission: 'reportSensors',
    params: sensorParams,
    body: {
      type: 'object',
      required: ['daemonId', 'hostname', 'version', 'mode'],
      additionalProperties: false,
      properties: {
        daemonId: text(256),
        hostname: text(256),
        version: text(64),
        mode: { enum: SENSOR_MODES },
        labels: { ...labelsSchema, default: {} },
        intervalSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: DEFAULT_HEARTBEAT_SECONDS },
      },
    },
    responses: { 200: { description: 'the sensor as the server sees it', schema: sensorSchema } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ sensorId: string }, unknown, Heartbeat & { mode: SensorMode }>(request);
      refuseNul(body, 'body');
      return { status: 200, body: await recordHeartbeat(context.store.db, params.sensorId, body, caller?.name ?? 'unknown') };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/sensors',
    operationId: 'listSensors',
    summary: 'Sensors, optionally of one Docker daemon and one mode, each with whether it is live.',
    permission: 'readSensors',
    querystring: { type: 'object', additionalProperties: false, properties: { daemonId: text(256), mode: { enum: SENSOR_MODES } } },
    responses: { 200: { description: 'the sensors', schema: { type: 'object', properties: { sensors: { type: 'array', items: sensorSchema } } } } },
    async handler(context, request) {
      const { query } = inputs<unknown, { daemonId?: string; mode?: string }>(request);
      return { status: 200, body: { sensors: await listSensors(context.store.db, query) } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/images/:digest/claims',
    operationId: 'claimImage',
    summary: 'A sensor claims an image before scanning it: 200 when it may scan, 409 when another live sensor holds the claim or the image was scanned after it was marked.',
    permission: 'reportSensors',
    params: digestParams,
    body: {
      type: 'object',
      required: ['sensorId', 'marker'],
      additionalProperties: false,
      properties: { sensorId: { type: 'string', pattern: SENSOR_ID_PATTERN }, marker: text(512), requestedAt: { type: 'string', format: 'date-time' } },
    },
    responses: {
      200: { description: 'claimed: scan it, under a scan id derived from claimId', schema: { type: 'object', properties: { claimed: { const: true }, claimId: { type: 'string' }, digest: { type: 'string' } } } },
      409: { description: 'held by another live sensor, or already scanned', schema: ERROR_SCHEMA },
    },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ digest: string }, unknown, { sensorId: string; marker: string; requestedAt?: string }>(request);
      refuseNul(body, 'body');
      await knownSensor(context, body.sensorId);
      const requestedAt = body.requestedAt !== undefined ? new Date(body.requestedAt).toISOString() : undefined;
      const digest = await resolveDigest(context.store.db, params.digest);
      const answer = await claimImage(context.store.db, digest, { sensorId: body.sensorId, marker: body.marker, ...(requestedAt !== undefined ? { requestedAt } : {}) }, caller?.name ?? 'unknown');
      if (!answer.claimed) {
        const message = answer.reason === 'held' ? `sensor ${answer.heldBy} is scanning this image` : `sensor ${answer.heldBy} scanned this image after it was marked`;
        throw new ApiError(409, answer.reason === 'held' ? 'claimed' : 'scanned', message, 'params.digest');
      }
      return { status: 200, body: { claimed: true, claimId: answer.claimId, digest, renewed: answer.renewed } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/images/:digest/claims/:claimId/complete',
    operationId: 'completeClaim',
    summary: 'The claiming sensor has uploaded its scan: the claim is done, and sensors that see the same mark later skip the image.',
    permission: 'reportSensors',
    params: claimParams,
    responses: { 200: { description: 'done' }, 404: { description: 'no such claim', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params } = inputs<{ digest: string; claimId: string }>(request);
      const digest = await resolveDigest(context.store.db, params.digest);
      if (!(await completeClaim(context.store.db, digest, params.claimId, caller?.name ?? 'unknown'))) throw new ApiError(404, 'not_found', 'no such claim on this image (another sensor took it over)', 'params.claimId');
      return { status: 200, body: { digest, claimId: params.claimId, completed: true } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/images/:digest/claims/:claimId/failure',
    operationId: 'failClaim',
    summary: "The claiming sensor gave up on its scan (every attempt failed), with a short reason: the result endpoint answers 422 `scan_failed` to a poller that marked the image before this report, until the image is claimed again or a scan arrives.",
    permission: 'reportSensors',
    params: claimParams,
    body: {
      type: 'object',
      required: ['reason'],
      additionalProperties: false,
      properties: { reason: { ...text(MAX_FAILURE_REASON_CHARS), description: 'one line, no secrets: what made the scan fail (the last attempt\'s error)' } },
    },
    responses: {
      200: { description: 'recorded', schema: { type: 'object', properties: { digest: { type: 'string' }, claimId: { type: 'string' }, failed: { const: true } } } },
      404: { description: 'no such claim (another sensor took it over)', schema: ERROR_SCHEMA },
      409: { description: 'the claim is completed: its scan was uploaded', schema: ERROR_SCHEMA },
    },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ digest: string; claimId: string }, unknown, { reason: string }>(request);
      const digest = await resolveDigest(context.store.db, params.digest);
      const answer = await failClaim(context.store.db, digest, params.claimId, body.reason, caller?.name ?? 'unknown');
      if (answer === 'no-claim') throw new ApiError(404, 'not_found', 'no such claim on this image (another sensor took it over)', 'params.claimId');
      if (answer === 'completed') throw new ApiError(409, 'completed', 'this claim is completed: its scan was uploaded', 'params.claimId');
      return { status: 200, body: { digest, claimId: params.claimId, failed: true } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/sensors/:sensorId/inventory',
    operationId: 'sensorInventory',
    summary: "General mode: the daemon's images and containers, replacing what this sensor reported before.",
    permission: 'reportSensors',
    params: sensorParams,
    bodyLimit: MAX_INVENTORY_BYTES,
    body: {
      type: 'object',
      required: ['images', 'containers'],
      additionalProperties: false,
      properties: {
        images: {
          type: 'array',
          maxItems: 10000,
          items: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: text(256), tags: { type: 'array', maxItems: 256, items: text(512), default: [] }, repoDigests: { type: 'array', maxItems: 256, items: text(512), default: [] } } },
        },
        containers: {
          type: 'array',
          maxItems: 10000,
          items: {
            type: 'object',
            required: ['id', 'image', 'state'],
            additionalProperties: false,
            properties: {
              id: text(256),
              name: { type: 'string', maxLength: 512, default: '' },
              image: text(512),
              imageId: { type: 'string', pattern: DIGEST_PATTERN },
              state: text(64),
              ports: { type: 'array', maxItems: 256, items: { type: 'object', maxProperties: 8 }, default: [] },
              labels: { ...labelsSchema, maxProperties: 256, default: {} },
            },
          },
        },
      },
    },
    responses: { 200: { description: 'stored' }, 404: { description: 'unknown sensor', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ sensorId: string }, unknown, { images: ReportedImage[]; containers: ReportedContainer[] }>(request);
      refuseNul(body, 'body');
      await knownSensor(context, params.sensorId);
      await recordInventory(context.store.db, params.sensorId, body, caller?.name ?? 'unknown');
      return { status: 200, body: { images: body.images.length, containers: body.containers.length } };
    },
  },
  {
    method: 'POST',
    url: '/api/v1/sensors/:sensorId/events',
    operationId: 'sensorEvents',
    summary: "General mode: the daemon's events (pull, push, tag, untag, delete, create, start, die); an event repeated with the same id is stored once.",
    permission: 'reportSensors',
    params: sensorParams,
    bodyLimit: MAX_INVENTORY_BYTES,
    body: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['type', 'at'],
        additionalProperties: false,
        properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,200}$' }, type: { enum: EVENT_TYPES }, at: { type: 'string', format: 'date-time' }, image: text(512), container: text(256) },
      },
    },
    responses: { 200: { description: 'stored' }, 404: { description: 'unknown sensor', schema: ERROR_SCHEMA } },
    async handler(context, request, caller) {
      const { params, body } = inputs<{ sensorId: string }, unknown, DaemonEvent[]>(request);
      refuseNul(body, 'body');
      await knownSensor(context, params.sensorId);
      const stored = await recordEvents(context.store.db, params.sensorId, body, caller?.name ?? 'unknown');
      return { status: 200, body: { received: body.length, stored } };
    },
  },
  {
    method: 'GET',
    url: '/api/v1/sensors/:sensorId/events',
    operationId: 'listSensorEvents',
    summary: 'The latest daemon events a sensor reported, newest first.',
    permission: 'readSensors',
    params: sensorParams,
    querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
    responses: { 200: { description: 'the events' }, 404: { description: 'unknown sensor', schema: ERROR_SCHEMA } },
    async handler(context, request) {
      const { params, query } = inputs<{ sensorId: string }, { limit: number }>(request);
      await knownSensor(context, params.sensorId);
      return { status: 200, body: { events: await listEvents(context.store.db, params.sensorId, query.limit) } };
    },
  },
];
