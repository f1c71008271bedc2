/**
 * What a route handler may use: the store and the server's services. Built once at start.
 */
import type { Store } from './store/open-store.js';
import type { Reevaluator } from './evaluation/reevaluator.js';
import type { Mirror } from './mirror/mirror.js';
import type { IdentityCache } from './api/authenticate.js';
import type { ComplianceContext } from './compliance/compliance-context.js';

export interface ServerContext {
  store: Store;
  reevaluator: Reevaluator;
  mirror: Mirror;
  identities: IdentityCache;
  compliance: ComplianceContext;
}
