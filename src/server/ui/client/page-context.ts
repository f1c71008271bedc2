/**
 * What every page receives: the API client (with the session's token), its route, and a way to
 * tell whether the user has since moved on (a slow answer must not paint over a newer page).
 */
import type { ApiClient } from './api-client.js';
import type { Route } from './router.js';

export interface PageContext<R extends Route = Route> {
  api: ApiClient;
  route: R;
  /** False once another route has been rendered. */
  current(): boolean;
}
