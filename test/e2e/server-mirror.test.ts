/**
 * The database mirror end to end with the built CLI: `tollgate server --mirror-artifact` serves a
 * signed artifact on loopback, a CI runner's `tollgate db pull` installs it (named by the artifact
 * file's URL or by the server's mirror index), and a scan with the pulled database finds what the
 * advisories say. An artifact signed by a key the runner does not trust is refused and the
 * database in place keeps scanning.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { packArtifact } from '../../src/vulndb/artifact/pack.js';
import { testDatabase, testKeys, writeKeyFiles } from '../../src/vulndb/test-support/artifacts.js';
import { CLI, runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let work: string;
let server: ChildProcess;
let base: string;
let trustedKey: string;
let otherKey: string;
const spdx = path.join(REPO_ROOT, 'src/image/sbom/testdata/syft.spdx.json');
// No pull may fall back to the project's registry: there is no internet here.
const env = { TOLLGATE_DB_REPOSITORY: 'http://127.0.0.1:9/offline' };

function findingsOf(stdout: string): string[] {
  return (JSON.parse(stdout) as ScanResult).findings.map((finding) => `${finding.id} ${finding.package.name}`);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-mirror-e2e-'));
  const keys = testKeys();
  await Promise.all([mkdir(path.join(work, 'keys')), mkdir(path.join(work, 'other-keys'))]);
  trustedKey = (await writeKeyFiles(path.join(work, 'keys'), keys)).publicKey;
  otherKey = (await writeKeyFiles(path.join(work, 'other-keys'), testKeys())).publicKey;
  const source = path.join(work, 'source.db');
  await testDatabase(source);
  const artifact = path.join(work, 'tollgate-db.tar');
  await packArtifact(source, artifact, { privateKey: keys.privateKey });
  server = spawn(process.execPath, [CLI, 'server', '--port', '0', '--data-dir', path.join(work, 'data'), '--mirror-artifact', artifact], {
    env: { ...process.env, NO_COLOR: '1', TOLLGATE_ADMIN_TOKEN: 'tg_admin_mirror-e2e-admin-token-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    server.stdout?.on('data', read);
    server.stderr?.on('data', read);
    server.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a CI runner using the server as its database mirror', () => {
  it('db pull from the artifact URL installs the signed database, and a scan with it finds the advisories', async () => {
    const db = path.join(work, 'runner', 'tollgate.db');
    const pulled = await runTollgate(['db', 'pull', '--db', db, '--db-repository', `${base}/api/v1/vulndb/tollgate-db.tar`, '--db-trusted-key', trustedKey], { env });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toMatch(/Installed .*signed by/);
    const scanned = await runTollgate(['image', 'scan', `sbom:${spdx}`, '--db', db, '--skip-db-update', '--format', 'json', '--quiet'], { env });
    expect(scanned.code, scanned.stderr).toBe(0);
    // minimist 1.2.5 is in the SBOM and has an advisory in the test data.
    expect(findingsOf(scanned.stdout)).toContain('CVE-2021-44906 minimist');
  });

  it('db pull from the server\'s mirror index (/api/v1/vulndb) follows it to the artifact', async () => {
    const db = path.join(work, 'runner-index', 'tollgate.db');
    const pulled = await runTollgate(['db', 'pull', '--db', db, '--db-repository', `${base}/api/v1/vulndb`, '--db-trusted-key', trustedKey], { env });
    expect(pulled.code, pulled.stderr).toBe(0);
    const scanned = await runTollgate(['image', 'scan', `sbom:${spdx}`, '--db', db, '--skip-db-update', '--format', 'json', '--quiet'], { env });
    expect(scanned.code, scanned.stderr).toBe(0);
    expect(findingsOf(scanned.stdout)).toContain('CVE-2021-44906 minimist');
  });

  it('an artifact whose signature does not verify is refused, and the installed database keeps scanning', async () => {
    const db = path.join(work, 'runner', 'tollgate.db');
    const refused = await runTollgate(['db', 'pull', '--db', db, '--db-repository', `${base}/api/v1/vulndb`, '--db-trusted-key', otherKey], { env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/signature|key/i);
    const scanned = await runTollgate(['image', 'scan', `sbom:${spdx}`, '--db', db, '--skip-db-update', '--format', 'json', '--quiet'], { env });
    expect(scanned.code, scanned.stderr).toBe(0);
    expect(findingsOf(scanned.stdout)).toContain('CVE-2021-44906 minimist');
  });
});
