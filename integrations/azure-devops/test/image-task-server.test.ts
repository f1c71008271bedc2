/**
 * The built image task in server mode, run as the agent runs it, over the real CLI and a real
 * `tollgate server` child process on loopback (SQLite store): the service connection's URL becomes
 * `--server`, its token reaches the CLI only as TOLLGATE_TOKEN (registered with setsecret first,
 * never on the command line or in any other line), the scan made on the agent is stored on the
 * server, and a refused token fails as a configuration error without showing it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../../../src/server/test-support/child-server.js';
import { createTestStore, TEST_ADMIN_TOKEN, type TestStore } from '../../../src/server/test-support/harness.js';
import { CLI } from '../../../test/support/cli.js';
import { openScanWorkspace, type ScanWorkspace } from '../../../test/support/scan-workspace.js';
import { buildExtension } from '../scripts/build.mjs';
import { CONNECTION, serviceConnection as connection } from './support/service-connection.js';
import { reportFolder, runTask } from './support/task-run.js';

let workspace: ScanWorkspace;
let store: TestStore;
let server: ChildServer;
let built: string;
let task: string;
let ciToken: string;

beforeAll(async () => {
  workspace = await openScanWorkspace('azure-image-task-server');
  store = await createTestStore('sqlite');
  server = await startChildServer({ host: '127.0.0.1', port: 0, ...store.options(), vulndbPath: workspace.db, retention: {}, rateLimitPerMinute: 1_000_000, watchIntervalMs: 0, adminToken: TEST_ADMIN_TOKEN });
  const response = await fetch(`${server.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'azure-pipeline', role: 'ci' }) });
  expect(response.status).toBe(201);
  ciToken = ((await response.json()) as { token: string }).token;
  built = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-build-'));
  await buildExtension(built);
  task = path.join(built, 'tollgate-image-scan');
}, 240_000);

afterAll(async () => {
  await server?.kill();
  await store?.dispose();
  await workspace?.remove();
  if (built) rmSync(built, { recursive: true, force: true });
});

const serverInputs = (inputs: Record<string, string> = {}) => ({ mode: 'server', tollgateServer: CONNECTION, images: workspace.image.ociReference, databasePath: workspace.db, skipDatabaseUpdate: 'true', tollgatePath: CLI, ...inputs });

describe('the image task in server mode', () => {
  it('stores the scan made on the agent on the server; the token is handed only to setsecret', async () => {
    // An agent-wide TOLLGATE_TOKEN must not stand in for the connection's.
    const run = await runTask(task, { inputs: serverInputs(), variables: { ...connection(server.url, ciToken), TOLLGATE_TOKEN: 'tg_ci_agent-wide-token-000000000000' } });
    expect(run.commands[0]).toBe(`##vso[task.setsecret]${ciToken}`);
    expect(run.commands.at(-1)).toBe('##vso[task.complete result=Succeeded;]Tollgate: the gate passed');
    expect(run.stdout.split(ciToken).length - 1).toBe(1);
    expect(run.stdout).toContain(`--server ${server.url}`);
    const result = JSON.parse(await readFile(path.join(reportFolder(run), 'tollgate-result.json'), 'utf8')) as { image: { id: string }; findings: unknown[] };
    const stored = await fetch(`${server.url}/api/v1/images/${result.image.id}/scan`, { headers: { authorization: `Bearer ${ciToken}` } });
    expect(stored.status).toBe(200);
    const body = (await stored.json()) as { status: string; result: { findings: unknown[] } };
    expect(body.status).toBe('complete');
    expect(body.result.findings).toEqual(result.findings);
  });

  it('a token the server refuses fails as a configuration error, and is never shown', async () => {
    const wrong = 'tg_ci_not-a-real-token-0123456789';
    const run = await runTask(task, { inputs: serverInputs(), variables: connection(server.url, wrong) });
    expect(run.commands[0]).toBe(`##vso[task.setsecret]${wrong}`);
    expect(run.commands.at(-1)).toMatch(/^##vso\[task\.complete result=Failed;\]Tollgate: the configuration is not valid: .*refused the token/);
    expect(run.stdout.split(wrong).length - 1).toBe(1);
  });

  it('a connection without a usable URL or token fails before the CLI runs', async () => {
    const badUrl = await runTask(task, { inputs: serverInputs(), variables: connection('https://user:secret-pw@tollgate.example.test/', ciToken) });
    expect(badUrl.commands.at(-1)).toBe('##vso[task.complete result=Failed;]Tollgate: the Tollgate server URL must not carry credentials; put the token in the connection');
    const noToken = await runTask(task, { inputs: serverInputs(), variables: connection(server.url, '') });
    expect(noToken.commands.at(-1)).toBe('##vso[task.complete result=Failed;]Tollgate: the Tollgate server connection has no API token');
  });
});
