/**
 * The publishing workflow (.github/workflows/vulndb.yml) is valid YAML of the expected shape, every
 * `tollgate` it runs is a real command, and its `run` steps, executed as written (bash, in order,
 * with the job's environment) against loopback feeds and a loopback docker-registry, build, check,
 * publish and re-pull a database. The test stands in for GitHub only where it must: the secrets
 * are a key pair made here, and a `tollgate` on PATH adds `--db-trusted-key` with that key's
 * public half to `db pull` and `db push` (in the real workflow the release's pinned key verifies).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMA_VERSION } from '../../src/vulndb/schema.js';
import { testKeys, writeKeyFiles } from '../../src/vulndb/test-support/artifacts.js';
import { CLI, runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import type { TestServer } from '../support/http-server.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { startFeeds } from '../support/vulndb-feeds.js';

// Each case runs the built CLI several times (a scan of a real image each): generous on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

const run = promisify(execFile);

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

interface Workflow {
  on: { schedule: { cron: string }[] };
  jobs: { publish: { env: Record<string, string>; steps: Step[] } };
}

let workflow: Workflow;
let work: string;
let feeds: TestServer;
let registry: TestRegistry;

beforeAll(async () => {
  workflow = parse(await readFile(path.join(REPO_ROOT, '.github/workflows/vulndb.yml'), 'utf8')) as Workflow;
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-workflow-'));
  [feeds, registry] = await Promise.all([startFeeds(work), startRegistry()]);
});

afterAll(async () => {
  await registry?.stop();
  await feeds?.close();
  await rm(work, { recursive: true, force: true });
});

/** Every `tollgate ...` command line in the workflow's run steps. */
function tollgateCommands(): string[][] {
  return workflow.jobs.publish.steps.flatMap((step) => (step.run ?? '').split('\n')).map((line) => line.trim()).filter((line) => line.startsWith('tollgate ')).map((line) => line.split(/\s+/));
}

describe('the vulnerability database workflow', () => {
  it('runs every 6 hours and only calls real tollgate commands', async () => {
    expect(workflow.on.schedule[0]?.cron).toMatch(/^\S+ \*\/6 \* \* \*$/);
    const commands = tollgateCommands();
    expect(commands.map((words) => `${words[1]} ${words[2]}`)).toEqual(expect.arrayContaining(['db build', 'db push', 'db pull', 'db status']));
    for (const words of commands) {
      const help = await runTollgate([words[1] as string, words[2] as string, '--help']);
      expect(help.code, words.join(' ')).toBe(0);
      // Every flag the workflow passes is one the command declares.
      for (const flag of words.filter((word) => word.startsWith('--'))) expect(help.stdout, `${words.join(' ')}: ${flag}`).toContain(flag);
    }
  });

  it('builds, checks, publishes and re-pulls a database when its steps run against loopback services', async () => {
    const keys = testKeys();
    const keyFiles = await writeKeyFiles(work, keys);
    const bin = path.join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const shim = path.join(bin, 'tollgate');
    await writeFile(shim, `#!/bin/sh\ncase "$1 $2" in\n  "db pull"|"db push") exec "${process.execPath}" "${CLI}" "$@" --db-trusted-key "${keyFiles.publicKey}" ;;\nesac\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    await chmod(shim, 0o755);
    const runnerTemp = path.join(work, 'runner-temp');
    const checkout = path.join(work, 'checkout');
    await mkdir(runnerTemp, { recursive: true });
    await mkdir(checkout, { recursive: true });
    const job = workflow.jobs.publish;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...job.env,
      DB_REPOSITORY: `${registry.host}/tollgate/tollgate-db`,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      RUNNER_TEMP: runnerTemp,
      GITHUB_PATH: path.join(runnerTemp, 'github-path'),
      TOLLGATE_OSV_BASE_URL: `${feeds.url}/osv`,
      TOLLGATE_NVD_BASE_URL: `${feeds.url}/nvd`,
      TOLLGATE_REGISTRY_INSECURE: 'true',
      TOLLGATE_DB_REPOSITORY: 'http://127.0.0.1:9/offline',
      NO_COLOR: '1',
    };
    const steps = job.steps.filter((step) => step.run && step.id !== 'install');
    expect(steps.map((step) => step.id)).toEqual(['build', 'verify', 'push', 'verify-published']);
    const outputs: string[] = [];
    let lastStdout = '';
    for (const step of steps) {
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, /secrets\.TOLLGATE_DB_SIGNING_KEY/.test(value) ? keys.privatePem : value]));
      const { stdout, stderr } = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run as string], { cwd: checkout, env: { ...env, ...stepEnv }, maxBuffer: 64 * 1024 * 1024 });
      outputs.push(`${stdout}${stderr}`);
      lastStdout = stdout;
    }
    expect(outputs[0]).toMatch(/Built tollgate-db\.tar: \d+ advisories/);
    expect(outputs[1]).toMatch(/Advisories: \d+/);
    expect(outputs[2]).toMatch(new RegExp(`Pushed tollgate-db\\.tar to .*tollgate-db:${SCHEMA_VERSION} \\(tags ${SCHEMA_VERSION}, \\d{10}`));
    const status = JSON.parse(lastStdout) as { schemaVersion: number; sources: { name: string }[] };
    expect(status.schemaVersion).toBe(SCHEMA_VERSION);
    expect(status.sources.map((source) => source.name)).toEqual(expect.arrayContaining(['nvd', 'osv:npm', 'osv:Debian']));
    expect((await readFile(path.join(checkout, 'tollgate-db.tar'))).length).toBeGreaterThan(1000);
  });
});
