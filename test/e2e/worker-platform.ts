/**
 * The platform processes of the worker end-to-end tests, each a real child process of the
 * `tollgate` command run from source (tsx): `tollgate server` on a free loopback port (SQLite in a
 * temporary folder, or a throwaway PostgreSQL database), `tollgate worker`, and the standalone
 * `tollgate compliance scan`. Every line they write is kept, so tests can grep it for secrets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from '../support/fixture-cache.js';

const MAIN = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');

export interface TollgateProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function startTollgate(args: readonly string[], env: NodeJS.ProcessEnv = {}): TollgateProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(output);
        if (!match) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(match);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
      void exited.then(() => {
        if (listeners.has(check)) setTimeout(() => (listeners.has(check) ? (listeners.delete(check), clearTimeout(timer), reject(new Error(`exited without ${pattern}; output:\n${output}`))) : undefined), 50);
      });
    });
  return {
    child,
    output: () => output,
    exited,
    waitForOutput,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A JSON answer of the API, read by the tests field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers field by field and compare them with expect
export type ApiBody = Record<string, any>;

export interface PlatformServer {
  url: string;
  adminToken: string;
  process: TollgateProcess;
  /** JSON API call with a token; answers status and parsed body. */
  api(method: string, route: string, token: string, body?: unknown): Promise<{ status: number; body: ApiBody }>;
  createToken(name: string, role: string): Promise<string>;
}

/**
 * `extraArgs`: more `tollgate server` flags (e.g. `--db` to match image inventories); `adminToken`:
 * the bootstrap admin token (nodes sharing one database share it), a new one when absent.
 */
export async function startPlatformServer(options: { dataDir: string; databaseUrl?: string; secretKeyHex: string; extraArgs?: readonly string[]; adminToken?: string }): Promise<PlatformServer> {
  const adminToken = options.adminToken ?? `tg_admin_${randomBytes(32).toString('base64url')}`;
  const process_ = startTollgate(['server', '--port', '0', '--data-dir', options.dataDir, ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []), ...(options.extraArgs ?? [])], {
    TOLLGATE_ADMIN_TOKEN: adminToken,
    TOLLGATE_SECRET_KEY: options.secretKeyHex,
  });
  const [, url] = await process_.waitForOutput(/listening on (http:\/\/\S+)/);
  const base = url as string;
  const api = async (method: string, route: string, token: string, body?: unknown): Promise<{ status: number; body: ApiBody }> => {
    const response = await fetch(`${base}/api/v1${route}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as ApiBody };
  };
  return {
    url: base,
    adminToken,
    process: process_,
    api,
    async createToken(name, role) {
      const created = await api('POST', '/tokens', adminToken, { name, role });
      if (created.status !== 201) throw new Error(`token ${name}: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body.token as string;
    },
  };
}

/** Polls a compliance scan until it is in one of `states`. */
export async function waitForScanState(server: PlatformServer, token: string, scanId: string, states: readonly string[], timeoutMs = 120_000): Promise<ApiBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scan = await server.api('GET', `/compliance-scans/${scanId}`, token);
    if (states.includes(scan.body?.state as string)) return scan.body;
    if (Date.now() > deadline) throw new Error(`scan ${scanId} is ${JSON.stringify(scan.body)}, not ${states.join('/')}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
