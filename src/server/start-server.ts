/**
 * `tollgate server`: opens the store (SQLite in the data directory, or PostgreSQL), migrates it,
 * makes the first admin token on an empty store, starts the background jobs (re-evaluation when
 * the vulnerability database changes, retention) and serves the API. Returns a handle whose
 * `close` stops everything it started.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import envPaths from 'env-paths';
import { UsageError } from '../errors.js';
import { IdentityCache } from './api/authenticate.js';
import { buildApp } from './api/build-app.js';
import { ensureAdminToken } from './auth/tokens.js';
import type { ServerContext } from './context.js';
import { InProcessJobs, PgBossJobs, type JobRunner } from './evaluation/job-runner.js';
import { defaultMatchWorkers } from './evaluation/match-pool.js';
import { Reevaluator } from './evaluation/reevaluator.js';
import { Mirror } from './mirror/mirror.js';
import { openStore } from './store/open-store.js';
import type { RetentionPolicy } from './store/retention.js';
import { registerWebUi } from './ui/serve-web-ui.js';
import { loadSecretKey } from './compliance/secrets/secret-key.js';
import { closeDraining } from '../util/close-draining.js';

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  tls?: { certFile: string; keyFile: string };
  /** The vulnerability database the server matches with (watched for changes). */
  vulndbPath?: string;
  /** The prebuilt database artifact served by the mirror. */
  mirrorArtifact?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  retention: RetentionPolicy;
  rateLimitPerMinute: number;
  watchIntervalMs: number;
  /** `--match-workers`: worker threads a re-evaluation matches on (default: one per core but one; 0: the main thread). */
  matchWorkers?: number;
  /** From TOLLGATE_ADMIN_TOKEN: the first admin token, instead of a generated one. */
  adminToken?: string;
  /** Where the generated first admin token is written (once). */
  announce: (line: string) => void;
  log: (line: string) => void;
  /** Fastify's request log (off by default; tokens are redacted from it either way). */
  requestLog?: boolean;
  /** From TOLLGATE_SECRET_KEY: the key sealing authentication record secrets (hex or base64, 32 bytes). */
  secretKey?: string;
  /** `--secret-key-file`: the same key from a file (wins over secretKey). */
  secretKeyFile?: string;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  context: ServerContext;
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  return process.env.TOLLGATE_DATA_DIR ?? path.join(envPaths('tollgate', { suffix: '' }).data, 'server');
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

function readTls(tls: NonNullable<ServerOptions['tls']>): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
  } catch (error) {
    throw new UsageError(`cannot read the TLS certificate or key: ${(error as NodeJS.ErrnoException).code ?? 'error'} (--tls-cert, --tls-key)`);
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const https = options.tls ? readTls(options.tls) : undefined;
  const secretKey = loadSecretKey({ ...(options.secretKey !== undefined ? { text: options.secretKey } : {}), ...(options.secretKeyFile !== undefined ? { file: options.secretKeyFile } : {}) });
  const store = await openStore({ dataDir: options.dataDir, ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}) });
  const closers: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const generated = await ensureAdminToken(store.db, options.adminToken);
    if (generated) {
      options.announce(`First start: the admin token is ${generated}`);
      options.announce('It is shown once; keep it in a secret store.');
    }
    const jobs: JobRunner = store.kind === 'postgres' ? new PgBossJobs(store.databaseUrl as string, options.log) : new InProcessJobs(options.log);
    const reevaluator = new Reevaluator({
      db: store.db,
      jobs,
      ...(options.vulndbPath !== undefined ? { vulndbPath: options.vulndbPath } : {}),
      ...(options.webhookUrl !== undefined ? { webhook: { url: options.webhookUrl, ...(options.webhookSecret ? { secret: options.webhookSecret } : {}) } } : {}),
      retention: options.retention,
      watchIntervalMs: options.watchIntervalMs,
      matchWorkers: options.matchWorkers ?? defaultMatchWorkers(),
      node: `${hostname()}:${process.pid}`,
      log: options.log,
    });
    closers.push(() => reevaluator.stop());
    await reevaluator.start();
    const context: ServerContext = { store, reevaluator, mirror: new Mirror(options.mirrorArtifact), identities: new IdentityCache(), compliance: { secretKey } };
    const app = await buildApp(context, {
      rateLimitPerMinute: options.rateLimitPerMinute,
      logger: options.requestLog ? { redact: ['req.headers.authorization'] } : false,
      ...(https ? { https } : {}),
    });
    closers.push(() => closeDraining(app));
    registerWebUi(app);
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    return { url: `${https ? 'https' : 'http'}://${host}:${port}`, app, context, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
