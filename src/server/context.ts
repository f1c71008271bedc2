/**
 * What a route handler may use: the store and the server's services. Built once at start.
 */
import type { Store } from './store/open-store.js';
import type { Reevaluator } from './evaluation/reevaluator.js';
import type { Mirror } from './mirror/mirror.js';

export interface ServerContext {
  store: Store;
  reevaluator: Reevaluator;
  mirror: Mirror;
}
