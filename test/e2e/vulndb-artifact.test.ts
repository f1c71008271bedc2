/**
 * The prebuilt database end to end, with the built CLI: built from OSV + NVD feeds served on
 * loopback, pushed to Debian's docker-registry (plain, and TLS with htpasswd), pulled and scanned
 * with: the same findings as the database built locally from the same feeds. Tampered,
 * rate-limited, hanging and truncated mirrors give a clear error or fall through to the next
 * mirror, and the previous database still scans afterwards. Eight concurrent first scans on one
 * database download once; concurrent imports lose nothing; stale, future and missing databases
 * behave as the flags say.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { ANNOTATION_SCHEMA_VERSION, ARTIFACT_LAYER_MEDIA_TYPE, ARTIFACT_TYPE } from '../../src/vulndb/artifact/format.js';
import { handMadeArtifact, testKeys, writeKeyFiles, type TestKeys } from '../../src/vulndb/test-support/artifacts.js';
import { osvRecord } from '../../src/vulndb/test-support/osv-records.js';
import { runTollgate, type CliResult } from '../support/cli.js';
import { startProxy, startServer, type TestServer } from '../support/http-server.js';
import { startFeeds } from '../support/vulndb-feeds.js';
import { SCHEMA_VERSION } from '../../src/vulndb/schema.js';
import { ensureBookwormImage, type BookwormImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

// Each case runs the built CLI several times (a scan of a real image each): generous on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

let work: string;
let keys: TestKeys;
let keyFiles: { publicKey: string; privateKey: string };
let feeds: TestServer;
let image: BookwormImage;
let artifact: string;
let localDb: string;
let localFindings: string[];
let plain: TestRegistry;
let env: NodeJS.ProcessEnv;

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function findingsOf(result: CliResult): string[] {
  expect(result.code, result.stderr).toBe(0);
  const scan = JSON.parse(result.stdout) as ScanResult;
  return scan.findings.map((finding) => `${finding.id} ${finding.package.name} ${finding.package.version} ${finding.severity}`).sort();
}

function scan(db: string, ...flags: string[]): Promise<CliResult> {
  return runTollgate(['image', 'scan', image.ociReference, '--db', db, '--format', 'json', '--quiet', ...flags], { env });
}

/** Flags every pull of a test artifact needs: its key, and plain HTTP to the loopback registry. */
const trust = (): string[] => ['--db-trusted-key', keyFiles.publicKey, '--registry-insecure'];

async function expectStillScans(db: string, digest: string): Promise<void> {
  expect(sha(await readFile(db))).toBe(digest);
  expect(findingsOf(await scan(db, '--skip-db-update'))).toEqual(localFindings);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-vulndb-e2e-'));
  keys = testKeys();
  keyFiles = await writeKeyFiles(work, keys);
  feeds = await startFeeds(work);
  env = { TOLLGATE_OSV_BASE_URL: `${feeds.url}/osv`, TOLLGATE_NVD_BASE_URL: `${feeds.url}/nvd`, DOCKER_CONFIG: path.join(work, 'docker'), TOLLGATE_DB_REPOSITORY: 'http://127.0.0.1:9/offline' };
  [image, plain] = await Promise.all([ensureBookwormImage(), startRegistry()]);
  artifact = path.join(work, 'tollgate-db.tar');
  const built = await runTollgate(['db', 'build', '--output', artifact, '--signing-key', keyFiles.privateKey], { env });
  expect(built.code, built.stderr).toBe(0);
  expect(built.stderr).toMatch(new RegExp(`Built .*tollgate-db\\.tar: \\d+ advisories, schema ${SCHEMA_VERSION}[\\s\\S]*compressed`));
  localDb = path.join(work, 'local.db');
  const updated = await runTollgate(['db', 'update', '--db', localDb], { env });
  expect(updated.code, updated.stderr).toBe(0);
  localFindings = findingsOf(await scan(localDb));
  expect(localFindings.length).toBeGreaterThan(0);
  const pushed = await runTollgate(['db', 'push', artifact, `${plain.host}/tollgate/db`, '--registry-insecure', '--db-trusted-key', keyFiles.publicKey, '--tag', 'build-1'], { env });
  expect(pushed.code, pushed.stderr).toBe(0);
});

afterAll(async () => {
  await plain?.stop();
  await feeds?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the prebuilt database through a registry', () => {
  it('is published as an OCI artifact with its media types and annotations, tagged with the schema version', async () => {
    const manifest = (await (await fetch(`http://${plain.host}/v2/tollgate/db/manifests/${SCHEMA_VERSION}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as Record<string, unknown>;
    expect(manifest).toMatchObject({ artifactType: ARTIFACT_TYPE, config: { mediaType: 'application/vnd.oci.empty.v1+json' }, layers: [{ mediaType: ARTIFACT_LAYER_MEDIA_TYPE, size: (await readFile(artifact)).length }], annotations: { [ANNOTATION_SCHEMA_VERSION]: String(SCHEMA_VERSION) } });
    expect((await fetch(`http://${plain.host}/v2/tollgate/db/manifests/build-1`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).status).toBe(200);
  });

  it('pulls from a plain registry, announces the trusted key, and scans with the same findings as the locally built database', async () => {
    const db = path.join(work, 'pulled-plain.db');
    const pulled = await runTollgate(['db', 'pull', `${plain.host}/tollgate/db`, '--db', db, ...trust()], { env });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toMatch(/WARNING: trusting database signing key [0-9a-f]{16} from .*--db-trusted-key/);
    expect(pulled.stderr).toMatch(/Installed .*pulled-plain\.db: built at .*signed by [0-9a-f]{16}/);
    const result = await scan(db);
    expect(findingsOf(result)).toEqual(localFindings);
    expect((JSON.parse(result.stdout) as ScanResult).database).toMatchObject({ builtAt: expect.any(String), ageHours: expect.any(Number) });
  });

  it('pushes to and pulls from a TLS registry with htpasswd, with the credentials of the Docker config, through HTTP_PROXY', async () => {
    const secure = await startRegistry({ tls: true, basicAuth: { user: 'dbuser', password: 'db-secret-1' } });
    const proxy = await startProxy();
    try {
      await mkdir(path.join(work, 'docker'), { recursive: true });
      await writeFile(path.join(work, 'docker', 'config.json'), JSON.stringify({ auths: { [secure.host]: { auth: Buffer.from('dbuser:db-secret-1').toString('base64') } } }));
      const pushed = await runTollgate(['db', 'push', artifact, `${secure.host}/tollgate/db`, '--registry-insecure', '--db-trusted-key', keyFiles.publicKey], { env });
      expect(pushed.code, pushed.stderr).toBe(0);
      const db = path.join(work, 'pulled-tls.db');
      const pulled = await runTollgate(['db', 'pull', `${secure.host}/tollgate/db`, '--db', db, ...trust()], { env: { ...env, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '', no_proxy: '' } });
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(pulled.stderr).not.toContain('db-secret-1');
      expect(proxy.requests).toContain(`CONNECT ${secure.host}`);
      expect(findingsOf(await scan(db))).toEqual(localFindings);
      const refused = await runTollgate(['db', 'pull', `${secure.host}/tollgate/db`, '--db', path.join(work, 'no-creds.db'), ...trust()], { env: { ...env, DOCKER_CONFIG: path.join(work, 'nowhere') } });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/refused access/);
    } finally {
      await proxy.close();
      await secure.stop();
      await rm(path.join(work, 'docker'), { recursive: true, force: true });
    }
  });

  it('installs from an https URL and a local file as from a registry', async () => {
    const server = await startServer({ '/db/tollgate-db.tar': await readFile(artifact) });
    try {
      const fromUrl = path.join(work, 'from-url.db');
      expect((await runTollgate(['db', 'pull', `${server.url}/db/tollgate-db.tar`, '--db', fromUrl, ...trust()], { env })).code).toBe(0);
      const fromFile = path.join(work, 'from-file.db');
      expect((await runTollgate(['db', 'pull', artifact, '--db', fromFile, ...trust()], { env })).code).toBe(0);
      expect(sha(await readFile(fromUrl))).toBe(sha(await readFile(fromFile)));
    } finally {
      await server.close();
    }
  });

  it('refuses the artifact with the pinned keys alone: only an explicit flag trusts another key', async () => {
    const db = path.join(work, 'pinned-only.db');
    const result = await runTollgate(['db', 'pull', `${plain.host}/tollgate/db`, '--db', db, '--registry-insecure'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/signature is by key [0-9a-f]{16}, which is not trusted/);
    const skipped = await runTollgate(['db', 'pull', `${plain.host}/tollgate/db`, '--db', db, '--registry-insecure', '--db-insecure-skip-verify'], { env });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/WARNING: database signatures are NOT verified/);
    expect(skipped.stderr).toMatch(/signature NOT verified/);
  });
});

/** A registry that misbehaves on purpose: rate limits, hangs mid-blob, serves other bytes, or serves crafted manifests. */
async function startMisbehavingRegistry(mode: 'rate-limit' | 'hang' | 'wrong-bytes' | 'truncate' | 'crafted', blob: Buffer, manifestOverrides: Record<string, unknown> = {}): Promise<{ host: string; close(): Promise<void> }> {
  const digest = `sha256:${sha(blob)}`;
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: ARTIFACT_TYPE, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${sha(Buffer.from('{}'))}`, size: 2 }, layers: [{ mediaType: ARTIFACT_LAYER_MEDIA_TYPE, digest, size: blob.length }], annotations: { [ANNOTATION_SCHEMA_VERSION]: String(SCHEMA_VERSION) }, ...manifestOverrides }));
  const server: Server = createServer((request, response) => {
    const url = request.url ?? '';
    if (mode === 'rate-limit') {
      response.writeHead(429, { 'content-type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit"}]}');
      return;
    }
    if (url === '/v2/') response.writeHead(200).end('{}');
    else if (url.includes('/manifests/')) response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifest.length }).end(manifest);
    else if (url.includes('/blobs/')) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length });
      if (mode === 'hang') response.write(blob.subarray(0, Math.floor(blob.length / 2)));
      else if (mode === 'truncate') {
        response.write(blob.subarray(0, Math.floor(blob.length / 2)));
        response.destroy();
      } else if (mode === 'wrong-bytes') {
        const copy = Buffer.from(blob);
        copy[copy.length - 4096] = (copy[copy.length - 4096] as number) ^ 0xff;
        response.end(copy);
      } else response.end(blob);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a bad mirror never costs the database in place', () => {
  let previous: string;
  let previousDigest: string;
  let bytes: Buffer;

  beforeAll(async () => {
    previous = path.join(work, 'previous.db');
    expect((await runTollgate(['db', 'pull', `${plain.host}/tollgate/db`, '--db', previous, ...trust()], { env })).code).toBe(0);
    previousDigest = sha(await readFile(previous));
    bytes = await readFile(artifact);
  });

  const cases: [string, () => Promise<Buffer>, 'rate-limit' | 'hang' | 'wrong-bytes' | 'truncate' | 'crafted', () => Record<string, unknown>, RegExp][] = [
    ['a changed byte in the blob', async () => bytes, 'wrong-bytes', () => ({}), /digest|does not match|could not be read/],
    ['a truncated download', async () => bytes, 'truncate', () => ({}), /truncated|could not be read|ends before|terminated|other side closed/i],
    ['a registry that hangs mid-blob', async () => bytes, 'hang', () => ({}), /stalled \(nothing for 1 s\)/],
    ['a manifest pointing at another digest', async () => bytes, 'crafted', () => ({ layers: [{ mediaType: ARTIFACT_LAYER_MEDIA_TYPE, digest: `sha256:${'ab'.repeat(32)}`, size: bytes.length }] }), /digest is sha256:[0-9a-f]{64}, the manifest says sha256:abab/],
    ['a manifest that is not a database artifact', async () => bytes, 'crafted', () => ({ artifactType: 'application/vnd.example.other' }), /not a Tollgate database artifact/],
    ['a manifest announcing a newer schema', async () => bytes, 'crafted', () => ({ annotations: { [ANNOTATION_SCHEMA_VERSION]: String(SCHEMA_VERSION + 1) } }), new RegExp(`schema version ${SCHEMA_VERSION + 1}; this tollgate reads version ${SCHEMA_VERSION}[\\s\\S]*upgrade tollgate`)],
    ['metadata with a bad signature', async () => handMadeArtifact(await readFile(previous), testKeys().privateKey), 'crafted', () => ({}), /not trusted/],
    ['an artifact with a newer schema version', async () => handMadeArtifact(await readFile(previous), keys.privateKey, { schemaVersion: SCHEMA_VERSION + 1 }), 'crafted', () => ({}), new RegExp(`schema version ${SCHEMA_VERSION + 1}; this tollgate reads version ${SCHEMA_VERSION}`)],
    ['a rate-limited registry (429)', async () => bytes, 'rate-limit', () => ({}), /rate limiting \(HTTP 429 TOOMANYREQUESTS\)/],
  ];

  for (const [name, blob, mode, overrides, expected] of cases) {
    it(`${name}: a clear error, and the previous database still scans`, async () => {
      const mirror = await startMisbehavingRegistry(mode, await blob(), overrides());
      try {
        const result = await runTollgate(['db', 'pull', `${mirror.host}/tollgate/db`, '--db', previous, ...trust()], { env: { ...env, TOLLGATE_DB_STALL_TIMEOUT: '1' } });
        expect(result.code, result.stderr).toBe(3);
        expect(result.stderr).toMatch(expected);
        expect(result.stderr).toMatch(/--db-repository/);
        expect(result.stderr).not.toMatch(/internal error/i);
      } finally {
        await mirror.close();
      }
      await expectStillScans(previous, previousDigest);
    });
  }

  it('a 429 (or a hang) from the first mirror falls through to the next, with a clear message', async () => {
    const limited = await startMisbehavingRegistry('rate-limit', bytes);
    const hanging = await startMisbehavingRegistry('hang', bytes);
    try {
      const db = path.join(work, 'fallthrough.db');
      const result = await runTollgate(['db', 'pull', '--db-repository', `${limited.host}/tollgate/db,${hanging.host}/tollgate/db`, '--db-repository', `${plain.host}/tollgate/db`, '--db', db, ...trust()], { env: { ...env, TOLLGATE_DB_STALL_TIMEOUT: '1' } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(new RegExp(`${limited.host}/tollgate/db:${SCHEMA_VERSION} failed \\(registry .* is rate limiting \\(HTTP 429 TOOMANYREQUESTS\\)[^\\n]*; trying the next repository`));
      expect(result.stderr).toMatch(/stalled[^\n]*; trying the next repository/);
      expect(findingsOf(await scan(db))).toEqual(localFindings);
    } finally {
      await limited.close();
      await hanging.close();
    }
  });
});

describe('a scan and its database', () => {
  const age = async (file: string, builtAt: string): Promise<void> => {
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'built_at'").run(builtAt);
    db.close();
  };

  it('eight concurrent first scans on one database file download once and all find the same', async () => {
    const shared = path.join(work, 'shared', 'tollgate.db');
    const blobGets = (): number => plain.log().split('\n').filter((line) => /GET \/v2\/tollgate\/db\/blobs\/sha256:/.test(line) && !line.includes('44136fa355')).length;
    const before = blobGets();
    const results = await Promise.all(Array.from({ length: 8 }, () => scan(shared, '--db-repository', `${plain.host}/tollgate/db`, ...trust())));
    for (const result of results) expect(findingsOf(result)).toEqual(localFindings);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(blobGets() - before).toBe(1);
  });

  it('offline, a first scan fails with exit 3 and names the three ways out', async () => {
    const result = await scan(path.join(work, 'never.db'));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no usable vulnerability database at .*never\.db, and downloading one failed/);
    expect(result.stderr).toMatch(/tollgate db import/);
    expect(result.stderr).toMatch(/--db-repository/);
    expect(result.stderr).toMatch(/--skip-db-update/);
  });

  it('a stale database is refreshed before the scan, or the scan fails with the fix; --skip-db-update scans with it and says how old it is', async () => {
    const stale = path.join(work, 'stale.db');
    await copyFile(localDb, stale);
    const threeDaysAgo = new Date(Date.now() - 72 * 3_600_000).toISOString();
    await age(stale, threeDaysAgo);
    const failed = await scan(stale);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/is 72\.0 h old, over the maximum age of 48\.0 h, and refreshing it failed/);
    expect(failed.stderr).toMatch(/--skip-db-update/);
    const airGapped = await runTollgate(['image', 'scan', image.ociReference, '--db', stale, '--format', 'json', '--skip-db-update'], { env });
    expect(findingsOf(airGapped)).toEqual(localFindings);
    expect(airGapped.stderr).toMatch(/warning: the vulnerability database is 72\.0 hours old/);
    expect((JSON.parse(airGapped.stdout) as ScanResult).database?.ageHours).toBe(72);
    expect(findingsOf(await scan(stale, '--db-max-age', '4d'))).toEqual(localFindings);
    const refreshed = await scan(stale, '--db-repository', `${plain.host}/tollgate/db`, ...trust());
    expect(findingsOf(refreshed)).toEqual(localFindings);
    expect((JSON.parse(refreshed.stdout) as ScanResult).database?.ageHours).toBeLessThan(1);
    expect((await scan(stale, '--db-max-age', 'soon')).code).toBe(2);
  });

  it('a database from the future is refused', async () => {
    const future = path.join(work, 'future.db');
    await copyFile(localDb, future);
    await age(future, new Date(Date.now() + 30 * 86_400_000).toISOString());
    for (const flags of [[], ['--skip-db-update']]) {
      const result = await scan(future, ...flags);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/claims to be built at .*, in the future; refusing it/);
    }
  });

  for (const writers of [2, 8]) {
    it(`${writers} concurrent db import processes on one database lose nothing`, async () => {
      const db = path.join(work, `imports-${writers}.db`);
      const files: string[] = [];
      for (let i = 0; i < writers; i++) {
        const file = path.join(work, `import-${writers}-${i}.json`);
        await writeFile(file, JSON.stringify(osvRecord({ id: `GHSA-e2e-${writers}-${i}`, ecosystem: 'npm', name: `pkg-${i}`, fixed: '1.0.0' })));
        files.push(file);
      }
      const results = await Promise.all(files.map((file) => runTollgate(['db', 'import', file, '--db', db], { env })));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const status = await runTollgate(['db', 'status', '--db', db, '--format', 'json'], { env });
      expect((JSON.parse(status.stdout) as { advisories: number; sources: unknown[] }).advisories).toBe(writers);
    });
  }
});
