/**
 * `tollgate harbor-adapter` (the built CLI) against Debian's docker-registry on loopback with token
 * authentication, as Harbor's own registry works: a client that behaves as Harbor's (5 s timeout,
 * no redirects followed, polling on Refresh-After) registers nothing, asks for the metadata, sends
 * scan requests carrying robot credentials, and reads the reports. The findings must be the same
 * as `tollgate image scan` gives for the same image; wrong credentials fail the scan (500 with the
 * cause), the adapter host's own Docker credentials are never used, and no credential reaches the
 * adapter's output. A second registry serves TLS with Basic authentication, as a registry behind a
 * certificate the adapter host trusts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { CLI, runTollgate } from '../support/cli.js';
import { HarborClient } from '../support/harbor-client.js';
import type { BookwormImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { openScanWorkspace } from '../support/scan-workspace.js';

const ROBOT = { user: 'robot$tollgate', password: 'R0bot-Secret-For-Harbor' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let image: BookwormImage;
let work: string;
let db: string;
let registry: TestRegistry;
let secured: TestRegistry;
let digest: string;
let adapter: ChildProcess;
let output = '';
let client: HarborClient;
let hook: string;

beforeAll(async () => {
  ({ image, work, db } = await openScanWorkspace('harbor-adapter'));
  [registry, secured] = await Promise.all([startRegistry({ tokenAuth: ROBOT }), startRegistry({ tls: true, basicAuth: ROBOT })]);
  const digestFile = path.join(work, 'digest');
  await Promise.all([registry.push(image.ociReference, 'library/bookworm:1', ['--digestfile', digestFile]), secured.push(image.ociReference, 'library/bookworm:1')]);
  digest = (await readFile(digestFile, 'utf8')).trim();
  // The adapter host's Docker config holds working credentials for this registry: the adapter must never use them.
  const hostConfig = path.join(work, 'host-docker');
  await mkdir(hostConfig, { recursive: true });
  await writeFile(path.join(hostConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${ROBOT.user}:${ROBOT.password}`).toString('base64') } } }));
  // Reports every load of fastify, to prove it stays out of the other commands' start-up.
  hook = path.join(work, 'report-fastify-load.cjs');
  await writeFile(hook, "const Module = require('node:module'); const load = Module._load; Module._load = function (request, ...rest) { if (request === 'fastify') process.stderr.write('fastify loaded\\n'); return load.call(this, request, ...rest); };\n");
  adapter = spawn(process.execPath, ['-r', hook, CLI, 'harbor-adapter', '--listen', '127.0.0.1:0', '--db', db, '--skip-db-update', '--no-cache', '--refresh-after', '1', '--access-log'], { env: { ...process.env, DOCKER_CONFIG: hostConfig, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: path.join(secured.root, 'tls-cert.pem') }, stdio: ['ignore', 'pipe', 'pipe'] });
  adapter.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  adapter.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the adapter did not start: ${output}`)), 30_000);
    const check = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    adapter.stdout?.on('data', check);
    adapter.once('exit', (code) => reject(new Error(`the adapter exited with ${String(code)}: ${output}`)));
  });
  client = new HarborClient(address);
}, 300_000);

afterAll(async () => {
  if (adapter && adapter.exitCode === null) {
    adapter.kill('SIGTERM');
    await new Promise((resolve) => adapter.once('exit', resolve));
  }
  await Promise.all([registry?.stop(), secured?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

const request = (authorization?: string) => ({
  registry: { url: `http://${registry.host}`, ...(authorization ? { authorization } : {}) },
  artifact: { repository: 'library/bookworm', digest, tag: '1', mime_type: 'application/vnd.oci.image.manifest.v1+json' },
});

describe('the Harbor scanner adapter', () => {
  it('pulls the image with the robot credentials of the request and reports what `image scan` finds', async () => {
    const metadata = await client.metadata();
    expect(metadata.status).toBe(200);
    const accepted = await client.scan(request(basic(ROBOT.user, ROBOT.password)));
    expect(accepted.status).toBe(202);
    const seen: number[] = [];
    const answer = await client.poll((accepted.json() as { id: string }).id, { seen });
    expect(answer.status, answer.body).toBe(200);
    expect(seen[0]).toBe(302);
    expect(answer.headers['content-type']).toBe('application/vnd.security.vulnerability.report; version=1.1');
    const report = answer.json() as { artifact: { digest: string }; severity: string; vulnerabilities: { id: string; package: string; version: string; severity: string }[] };
    expect(report.artifact.digest).toBe(digest);
    const direct = await runTollgate(['image', 'scan', `docker-archive:${image.dockerArchive}`, '--db', db, '--format', 'json', '--no-cache', '--skip-db-update']);
    const scan = JSON.parse(direct.stdout) as ScanResult;
    expect(scan.findings.length).toBeGreaterThan(0);
    const key = (id: string, name: string, version: string) => `${id} ${name} ${version}`;
    expect(report.vulnerabilities.map((v) => key(v.id, v.package, v.version)).sort()).toEqual(scan.findings.map((f) => key(f.id, f.package.name, f.package.version)).sort());
    expect(registry.tokensIssued).toBeGreaterThan(0);
  });

  it('pulls over TLS with Basic authentication, the registry’s certificate trusted through NODE_EXTRA_CA_CERTS', async () => {
    const accepted = await client.scan({ registry: { url: `https://${secured.host}`, authorization: basic(ROBOT.user, ROBOT.password) }, artifact: { repository: 'library/bookworm', digest } });
    expect(accepted.status).toBe(202);
    const answer = await client.poll((accepted.json() as { id: string }).id);
    expect(answer.status, answer.body).toBe(200);
    expect((answer.json() as { vulnerabilities: unknown[] }).vulnerabilities.length).toBeGreaterThan(0);
  });

  it('fails the scan (500 with the cause) for wrong credentials, and never falls back to the host’s Docker credentials', async () => {
    for (const authorization of [basic(ROBOT.user, 'wrong-password'), undefined]) {
      const accepted = await client.scan(request(authorization));
      expect(accepted.status).toBe(202);
      const answer = await client.poll((accepted.json() as { id: string }).id);
      expect(answer.status).toBe(500);
      expect((answer.json() as { error: { message: string } }).error.message).toMatch(/refused/);
    }
  });

  it('never writes a credential to its output, and logs method, path and status', () => {
    expect(output).toContain('POST /api/v1/scan 202');
    expect(output).not.toContain(ROBOT.password);
    expect(output).not.toContain(basic(ROBOT.user, ROBOT.password).slice(6));
    expect(output).not.toContain('wrong-password');
  });

  it('loads fastify only for this command: the other commands start without it', async () => {
    expect(output).toContain('fastify loaded');
    for (const args of [['--help'], ['image', 'scan', '--help'], ['--version']]) {
      const { stderr } = await new Promise<{ stderr: string }>((resolve) => {
        execFile(process.execPath, ['-r', hook, CLI, ...args], (_error, _stdout, stderr) => resolve({ stderr }));
      });
      expect(stderr, args.join(' ')).not.toContain('fastify loaded');
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    adapter.kill('SIGTERM');
    const code = await new Promise((resolve) => adapter.once('exit', resolve));
    expect(code).toBe(0);
  });
});
