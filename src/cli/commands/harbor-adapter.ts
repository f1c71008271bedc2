/**
 * `tollgate harbor-adapter --listen 127.0.0.1:8080`: serves Harbor's pluggable scanner adapter
 * API (src/harbor/) until SIGINT or SIGTERM. Thin: options in, the database and layer cache
 * opened, the adapter (fastify, loaded only by this command) started, the address printed.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UsageError, messageOf } from '../../errors.js';
import { Secret } from '../../util/secret.js';
import { closeDraining } from '../../util/close-draining.js';
import { ensureDatabase } from '../database-access.js';
import { addScanDatabaseOptions, type ScanDatabaseFlags } from '../db-options.js';
import { cacheDirOption, cacheMaxSizeOption, dbOption } from '../options.js';
import { defaultCacheDir, LayerCache } from '../../engine/layer-cache.js';
import { createProgress } from '../progress.js';
import { printLine, printWarning } from '../messages.js';

interface HarborAdapterFlags extends ScanDatabaseFlags {
  listen: string;
  refreshAfter: number;
  concurrency: number;
  tokenFile?: string;
  db?: string;
  cache: boolean;
  cacheDir?: string;
  cacheMaxSize?: number;
  accessLog?: boolean;
}

/** `host:port` or `[v6]:port`; port 0 picks a free one. */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new UsageError(`--listen "${text}": use host:port (127.0.0.1:8080, [::1]:8080)`);
  return { host: (match[1] ?? match[2]) as string, port };
}

function wholeNumber(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new UsageError(`${flag} "${text}": a whole number from ${min} to ${max}`);
    return value;
  };
}

export function registerHarborAdapterCommand(program: Command): void {
  const command = program
    .command('harbor-adapter')
    .description("serve Harbor's pluggable scanner adapter API (register it in Harbor as a scanner)")
    .addOption(new Option('--listen <host:port>', 'address to serve on').default('127.0.0.1:8080').env('TOLLGATE_HARBOR_LISTEN'))
    .addOption(new Option('--refresh-after <seconds>', 'Refresh-After of a pending report (1-127)').default(5).argParser(wholeNumber('--refresh-after', 1, 127)))
    .addOption(new Option('--concurrency <n>', 'images scanned at once').default(1).argParser(wholeNumber('--concurrency', 1, 16)))
    .addOption(new Option('--token-file <file>', "a file holding the bearer token Harbor must send (the scanner registration's authorization)").env('TOLLGATE_HARBOR_TOKEN_FILE'))
    .addOption(new Option('--access-log', 'print one line per request (method, path, status) to stderr'))
    .addOption(dbOption())
    .addOption(cacheDirOption())
    .addOption(cacheMaxSizeOption())
    .addOption(new Option('--no-cache', 'do not read or write the layer cache'));
  addScanDatabaseOptions(command).action(async (flags: HarborAdapterFlags) => {
    process.exitCode = await runHarborAdapter(flags);
  });
}

async function readToken(file: string): Promise<Secret> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--token-file: cannot read ${file} (${error.code ?? error.message})`);
  });
  const token = text.trim();
  if (!/^[\x21-\x7e]{16,4096}$/.test(token)) throw new UsageError(`--token-file: ${file} must hold one token of 16 or more printable characters`);
  return new Secret(token);
}

async function runHarborAdapter(flags: HarborAdapterFlags): Promise<number> {
  const { host, port } = parseListen(flags.listen);
  const token = flags.tokenFile ? await readToken(flags.tokenFile) : undefined;
  const progress = createProgress({ quiet: true });
  const database = await ensureDatabase({ ...flags, path: flags.db, update: flags.dbAutoUpdate && !flags.skipDbUpdate, maxAgeMs: flags.dbMaxAge, progress });
  let layerCache: LayerCache | undefined;
  try {
    layerCache = flags.cache ? LayerCache.open(flags.cacheDir ?? defaultCacheDir(), flags.cacheMaxSize) : undefined;
  } catch (error) {
    printWarning(`the layer cache is not usable (${messageOf(error)}); scanning without it`);
  }
  // Loaded here: fastify and the adapter stay out of every other command's start-up.
  const { createHarborAdapter } = await import('../../harbor/adapter.js');
  const { registryScanner } = await import('../../harbor/registry-scanner.js');
  const app = await createHarborAdapter({
    scan: registryScanner({ database, ...(layerCache ? { layerCache } : {}) }),
    describeError: messageOf,
    refreshAfterSeconds: flags.refreshAfter,
    concurrency: flags.concurrency,
    ...(token ? { token } : {}),
    properties: { 'harbor.scanner-adapter/vulnerability-database-updated-at': database.summary().builtAt ?? '' },
    ...(flags.accessLog ? { accessLog: (line: string) => printLine(line) } : {}),
  });
  try {
    const address = await app.listen({ host, port });
    printLine(`tollgate harbor-adapter listening on ${address}`, process.stdout);
  } catch (error) {
    await app.close();
    database.close();
    layerCache?.close();
    throw new UsageError(`--listen ${flags.listen}: cannot listen (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await closeDraining(app);
  await app.scanQueue.idle();
  database.close();
  layerCache?.close();
  return 0;
}
