/**
 * The compliance half's routes, in one list joined to the server's (api/routes/list.ts).
 */
import type { RouteSpec } from '../../api/route.js';
import { ASSET_ROUTES } from './asset-routes.js';
import { AUTH_RECORD_ROUTES } from './auth-record-routes.js';
import { POLICY_ROUTES } from './policy-routes.js';
import { COMPLIANCE_SCAN_ROUTES } from './scan-routes.js';
import { SCANNER_ROUTES } from './scanner-routes.js';
import { WORKER_ROUTES } from './worker-routes.js';

export const COMPLIANCE_ROUTES: readonly RouteSpec[] = [...ASSET_ROUTES, ...AUTH_RECORD_ROUTES, ...POLICY_ROUTES, ...SCANNER_ROUTES, ...COMPLIANCE_SCAN_ROUTES, ...WORKER_ROUTES];
