/**
 * The one list of API routes: registered with Fastify and described in the OpenAPI document from
 * here. A route file is one concern; adding a route is an entry in its file's array.
 */
import type { RouteSpec } from '../route.js';
import { ADMIN_ROUTES } from './admin.js';
import { GATE_ROUTES } from './gate.js';
import { IMAGE_ROUTES } from './images.js';
import { MIRROR_ROUTES } from './mirror.js';
import { SCAN_ROUTES } from './scans.js';
import { SENSOR_ROUTES } from '../../sensors/sensor-routes.js';
import { COMPLIANCE_ROUTES } from '../../compliance/routes/list.js';
import { CLOUD_CONNECTOR_ROUTES } from '../../cloud/connector-routes.js';

export const ROUTES: readonly RouteSpec[] = [...SCAN_ROUTES, ...IMAGE_ROUTES, ...GATE_ROUTES, ...MIRROR_ROUTES, ...ADMIN_ROUTES, ...SENSOR_ROUTES, ...COMPLIANCE_ROUTES, ...CLOUD_CONNECTOR_ROUTES];
