/**
 * Starting a server in this process for a test, on SQLite or a throwaway PostgreSQL database, on
 * a free loopback port, and calling it with a token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../start-server.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './stores.js';

export type StoreKind = 'sqlite' | 'postgres';

/** A JSON answer as tests read it: field by field, each field asserted where it is read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert every field they read; a type per answer would only restate the assertions
export type JsonBody = any;

export interface TestServer extends RunningServer {
  adminToken: string;
  announced: string[];
  logged: string[];
  dir: string;
  call(method: string, url: string, options?: { token?: string; body?: unknown; rawBody?: string | Buffer; contentType?: string }): Promise<{ status: number; json: JsonBody; text: string; headers: Headers }>;
}

export interface TestStore {
  kind: StoreKind;
  dir: string;
  postgres?: ThrowawayDatabase;
  options(): Pick<ServerOptions, 'dataDir' | 'databaseUrl'>;
  dispose(): Promise<void>;
}

export async function createTestStore(kind: StoreKind): Promise<TestStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-server-'));
  const postgres = kind === 'postgres' ? await createThrowawayDatabase() : undefined;
  return {
    kind,
    dir,
    ...(postgres ? { postgres } : {}),
    options: () => ({ dataDir: path.join(dir, 'data'), ...(postgres ? { databaseUrl: postgres.url } : {}) }),
    async dispose() {
      await postgres?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const TEST_ADMIN_TOKEN = 'tg_admin_test-only-admin-token-0123456789';

export async function startTestServer(store: TestStore, overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const announced: string[] = [];
  const logged: string[] = [];
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    ...store.options(),
    retention: {},
    rateLimitPerMinute: 1_000_000,
    watchIntervalMs: 0,
    adminToken: TEST_ADMIN_TOKEN,
    announce: (line) => announced.push(line),
    log: (line) => logged.push(line),
    ...overrides,
  });
  const call: TestServer['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${running.url}${url}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
  return { ...running, adminToken: overrides.adminToken ?? TEST_ADMIN_TOKEN, announced, logged, dir: store.dir, call };
}

/** One API token per role, made by the admin (`<role>-<suffix>`); throws when the server refuses one. */
export async function createRoleTokens(server: TestServer, roles: readonly string[], suffix: string): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const role of roles) {
    const created = await server.call('POST', '/api/v1/tokens', { token: server.adminToken, body: { name: `${role}-${suffix}`, role } });
    if (created.status !== 201) throw new Error(`token for ${role}: ${created.status} ${created.text.slice(0, 200)}`);
    tokens[role] = created.json.token as string;
  }
  return tokens;
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
