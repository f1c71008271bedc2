/**
 * `tollgate server` and `tollgate server token create`: thin callers of src/server. The server's
 * modules (Fastify, Kysely, the PostgreSQL driver, the job queue) are loaded only when one of these
 * commands runs, so every other command starts as before.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { printLine } from '../messages.js';

interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

interface ServerFlags extends StoreFlags {
  address: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  db?: string;
  mirrorArtifact?: string;
  webhookUrl?: string;
  keepScans?: number;
  keepDays?: number;
  rateLimit: number;
  watchInterval: number;
  matchWorkers?: number;
  requestLog?: boolean;
  secretKeyFile?: string;
}

function positiveInteger(flag: string, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max} (got "${text}")`);
    return value;
  };
}

/** --match-workers: 0 (match on the main thread) up to 64; the bound is match-pool.ts's MAX_MATCH_WORKERS, not imported so the CLI loads no server module. */
function matchWorkers(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 64) throw new UsageError(`--match-workers must be a whole number from 0 to 64 (got "${text}")`);
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new UsageError(`--port must be 0..65535 (got "${text}")`);
  return value;
}

function storeOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'where the SQLite store lives (default: the user data directory)').env('TOLLGATE_DATA_DIR'))
    .addOption(new Option('--database-url <url>', 'postgres://user@host/db: keep all state in PostgreSQL (several servers may share it)').env('TOLLGATE_DATABASE_URL'));
}

export function registerServerCommand(program: Command): void {
  const server = storeOptions(program.command('server').description('run the platform: API for scan results, history and continuous re-evaluation'))
    .addOption(new Option('--address <address>', 'address to listen on').default('127.0.0.1').env('TOLLGATE_SERVER_ADDRESS'))
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').default(8080).argParser(port).env('TOLLGATE_SERVER_PORT'))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)'))
    .addOption(new Option('--tls-key <file>', 'PEM private key for --tls-cert'))
    .addOption(new Option('--db <file>', 'vulnerability database to match with; watched, and every stored inventory is matched again when it changes').env('TOLLGATE_DB'))
    .addOption(new Option('--mirror-artifact <file>', 'prebuilt database artifact (tollgate-db.tar) to serve to sensors and runners'))
    .addOption(new Option('--webhook-url <url>', 'notified (POST, JSON) of findings that appear; signed when TOLLGATE_WEBHOOK_SECRET is set').env('TOLLGATE_WEBHOOK_URL'))
    .addOption(new Option('--keep-scans <n>', 'scans kept per image (the newest is always kept)').argParser(positiveInteger('--keep-scans', 100000)))
    .addOption(new Option('--keep-days <n>', 'scans older than this are deleted (the newest is always kept)').argParser(positiveInteger('--keep-days', 36500)))
    .addOption(new Option('--rate-limit <n>', 'requests per minute per token').default(6000).argParser(positiveInteger('--rate-limit', 10_000_000)))
    .addOption(new Option('--watch-interval <seconds>', 'how often the vulnerability database is checked for a change').default(60).argParser(positiveInteger('--watch-interval', 86400)))
    .addOption(new Option('--match-workers <n>', 'worker threads a re-evaluation matches stored inventories on (default: one per CPU core but one; 0: the main thread)').argParser(matchWorkers))
    .addOption(new Option('--request-log', 'log every request (JSON, tokens redacted) on stdout'))
    .addOption(new Option('--secret-key-file <file>', 'key sealing authentication record secrets (32 bytes: hex, base64 or raw); else TOLLGATE_SECRET_KEY'))
    .action(async (flags: ServerFlags) => {
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
      const { startServer, defaultDataDir } = await import('../../server/start-server.js');
      const running = await startServer({
        host: flags.address,
        port: flags.port,
        dataDir: flags.dataDir ?? defaultDataDir(),
        ...(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}),
        ...(flags.tlsCert !== undefined && flags.tlsKey !== undefined ? { tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey } } : {}),
        ...(flags.db !== undefined ? { vulndbPath: flags.db } : {}),
        ...(flags.mirrorArtifact !== undefined ? { mirrorArtifact: flags.mirrorArtifact } : {}),
        ...(flags.webhookUrl !== undefined ? { webhookUrl: flags.webhookUrl } : {}),
        ...(process.env.TOLLGATE_WEBHOOK_SECRET ? { webhookSecret: process.env.TOLLGATE_WEBHOOK_SECRET } : {}),
        ...(process.env.TOLLGATE_ADMIN_TOKEN ? { adminToken: process.env.TOLLGATE_ADMIN_TOKEN } : {}),
        retention: { ...(flags.keepScans !== undefined ? { keepPerImage: flags.keepScans } : {}), ...(flags.keepDays !== undefined ? { maxAgeDays: flags.keepDays } : {}) },
        rateLimitPerMinute: flags.rateLimit,
        watchIntervalMs: flags.watchInterval * 1000,
        ...(flags.matchWorkers !== undefined ? { matchWorkers: flags.matchWorkers } : {}),
        requestLog: flags.requestLog === true,
        ...(flags.secretKeyFile !== undefined ? { secretKeyFile: flags.secretKeyFile } : {}),
        ...(process.env.TOLLGATE_SECRET_KEY ? { secretKey: process.env.TOLLGATE_SECRET_KEY } : {}),
        announce: (line) => printLine(line, process.stdout),
        log: (line) => printLine(line, process.stderr),
      });
      printLine(`Tollgate server listening on ${running.url} (store: ${running.context.store.kind} ${running.context.store.location})`, process.stderr);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  const token = server.command('token').description('manage API tokens');
  storeOptions(token.command('create').description('create an API token and print it (shown once)'))
    .requiredOption('--name <name>', 'what the token is for (recorded in the audit log)')
    .addOption(new Option('--role <role>', 'what it may do').choices(['admin', 'ci', 'sensor', 'worker', 'viewer']).makeOptionMandatory())
    .action(async (flags: StoreFlags & { name: string; role: string }) => {
      const { createTokenInStore } = await import('../../server/token-command.js');
      const { defaultDataDir } = await import('../../server/start-server.js');
      const value = await createTokenInStore({ dataDir: flags.dataDir ?? defaultDataDir(), ...(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}) }, flags.name, flags.role);
      process.stdout.write(`${value}\n`);
    });
}
