/**
 * Closing an HTTP server without waiting on its keep-alive connections. Fastify closes the
 * connections that are idle when close starts, but Node's server then waits for every other
 * keep-alive connection until its keep-alive timeout (72 s by Fastify's default), even after its
 * last response ended. Here requests in flight may finish; each connection is closed as soon as it
 * turns idle, and every connection is cut after `graceMs`.
 */
import type { Server } from 'node:http';

/** How long requests in flight may take to finish once close starts. */
export const CLOSE_GRACE_MS = 10_000;

export interface ClosableServer {
  readonly server: Pick<Server, 'closeIdleConnections' | 'closeAllConnections'>;
  close(): PromiseLike<unknown>;
}

export async function closeDraining(app: ClosableServer, graceMs = CLOSE_GRACE_MS): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
