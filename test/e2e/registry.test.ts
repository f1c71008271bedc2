/**
 * Scanning images in real registries (Debian's docker-registry on loopback) pushed with skopeo:
 * anonymous HTTP, TLS with basic auth, token auth; credentials from a Docker config and from a real
 * credential helper; platforms, manifest typing, compression detection, digest checks, the cache.
 */
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { writeMultiPlatformLayout } from '../support/image-builder.js';
import type { BookwormImage } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { pushRawImage } from '../support/registry-push.js';
import { openScanWorkspace, scanEssence } from '../support/scan-workspace.js';

let image: BookwormImage;
let work: string;
let db: string;
let plain: TestRegistry;
let secured: TestRegistry;
let tokened: TestRegistry;
let archiveEssence: ReturnType<typeof scanEssence>;

beforeAll(async () => {
  ({ image, work, db } = await openScanWorkspace('registry-e2e'));
  [plain, secured, tokened] = await Promise.all([startRegistry(), startRegistry({ tls: true, basicAuth: { user: 'alice', password: 's3cret' } }), startRegistry({ tokenAuth: { user: 'bob', password: 'hunter2' } })]);
  await Promise.all([plain.push(image.ociReference, 'test/bookworm:1'), secured.push(image.ociReference, 'test/bookworm:1'), tokened.push(image.ociReference, 'test/bookworm:1')]);
  const archive = await runTollgate(['image', 'scan', `docker-archive:${image.dockerArchive}`, '--db', db, '--format', 'json', '--no-cache']);
  archiveEssence = scanEssence(JSON.parse(archive.stdout) as ScanResult);
});

afterAll(async () => {
  await Promise.all([plain?.stop(), secured?.stop(), tokened?.stop()]);
  await rm(work, { recursive: true, force: true });
});

async function dockerConfig(name: string, config: object): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

async function scan(reference: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const result = await runTollgate(['image', 'scan', reference, '--db', db, '--format', 'json', '--no-cache', ...extra], { env: { DOCKER_CONFIG: path.join(work, 'no-config'), ...env } });
  return { ...result, scan: result.code === 0 ? (JSON.parse(result.stdout) as ScanResult) : undefined };
}

describe('anonymous registries', () => {
  it('gives the same result as the docker-archive, by tag and by digest', async () => {
    const byTag = await scan(`registry:${plain.host}/test/bookworm:1`, ['--registry-insecure']);
    expect(byTag.code, byTag.stderr).toBe(0);
    expect(scanEssence(byTag.scan as ScanResult)).toEqual(archiveEssence);
    expect(byTag.scan?.image).toMatchObject({ source: 'registry', repoTags: [`${plain.host}/test/bookworm:1`] });
    const digest = byTag.scan?.image.manifestDigest as string;
    const byDigest = await scan(`registry:${plain.host}/test/bookworm@${digest}`, ['--registry-insecure']);
    expect(scanEssence(byDigest.scan as ScanResult)).toEqual(archiveEssence);
  });

  it('a bare name with a registry host is found in the registry when no daemon has it', async () => {
    const bare = await scan(`${plain.host}/test/bookworm:1`, ['--registry-insecure'], { DOCKER_HOST: `unix://${path.join(work, 'no-daemon.sock')}` });
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.scan?.image.source).toBe('registry');
  });

  it('refuses plain HTTP unless told it is fine', async () => {
    const refused = await scan(`registry:${plain.host}/test/bookworm:1`);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/--registry-insecure/);
  });
});

describe('authentication', () => {
  it('basic auth over TLS with credentials from the Docker config; wrong or missing credentials are refused clearly', async () => {
    const good = await dockerConfig('good', { auths: { [secured.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } });
    const ok = await scan(`registry:${secured.host}/test/bookworm:1`, ['--registry-insecure'], { DOCKER_CONFIG: good });
    expect(ok.code, ok.stderr).toBe(0);
    expect(scanEssence(ok.scan as ScanResult)).toEqual(archiveEssence);
    const bad = await dockerConfig('bad', { auths: { [`https://${secured.host}`]: { username: 'alice', password: 'wrong' } } });
    const refused = await scan(`registry:${secured.host}/test/bookworm:1`, ['--registry-insecure'], { DOCKER_CONFIG: bad });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused access to test\/bookworm \(HTTP 401\)/);
    expect(refused.stderr).not.toContain('wrong');
    const anonymous = await scan(`registry:${secured.host}/test/bookworm:1`, ['--registry-insecure']);
    expect(anonymous.code).toBe(3);
    expect(anonymous.stderr).toMatch(/docker login/);
  });

  it('refuses a self-signed certificate unless told it is fine', async () => {
    const good = await dockerConfig('good-tls', { auths: { [secured.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } });
    const refused = await scan(`registry:${secured.host}/test/bookworm:1`, [], { DOCKER_CONFIG: good });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/over TLS[\s\S]*--registry-insecure/);
  });

  it('bearer tokens from the challenge realm, with credentials from a real credential helper', async () => {
    const bin = path.join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const helper = path.join(bin, 'docker-credential-tollgatetest');
    await writeFile(helper, `#!/bin/sh\nread registry\nif [ "$registry" = "${tokened.host}" ]; then echo '{"ServerURL":"'$registry'","Username":"bob","Secret":"hunter2"}'; else echo "credentials not found in native keychain"; exit 1; fi\n`);
    await chmod(helper, 0o755);
    const config = await dockerConfig('helper', { credHelpers: { [tokened.host]: 'tollgatetest' } });
    const before = tokened.tokensIssued;
    const ok = await scan(`registry:${tokened.host}/test/bookworm:1`, ['--registry-insecure'], { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(ok.code, ok.stderr).toBe(0);
    expect(scanEssence(ok.scan as ScanResult)).toEqual(archiveEssence);
    expect(tokened.tokensIssued).toBeGreaterThan(before);
    const store = await dockerConfig('store', { credsStore: 'tollgatetest' });
    expect((await scan(`registry:${tokened.host}/test/bookworm:1`, ['--registry-insecure'], { DOCKER_CONFIG: store, PATH: `${bin}:${process.env.PATH ?? ''}` })).code).toBe(0);
    const missingHelper = await dockerConfig('missing-helper', { credHelpers: { [tokened.host]: 'nosuchhelper' } });
    const failed = await scan(`registry:${tokened.host}/test/bookworm:1`, ['--registry-insecure'], { DOCKER_CONFIG: missingHelper });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/docker-credential-nosuchhelper .* is not installed/);
  });
});

describe('manifests, platforms and layers', () => {
  it('picks the platform from a multi-platform index', async () => {
    const layout = path.join(work, 'multi');
    const osRelease = (id: string) => ({ entries: [{ type: 'file' as const, name: 'etc/os-release', content: `ID=${id}\nVERSION_ID=1\n` }] });
    await writeMultiPlatformLayout(layout, 'multi', [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [osRelease('amdos')] },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [osRelease('armos')] },
    ]);
    await plain.push(`oci:${layout}:multi`, 'test/multi:1', ['--all']);
    const amd = await scan(`registry:${plain.host}/test/multi:1`, ['--registry-insecure']);
    const arm = await scan(`registry:${plain.host}/test/multi:1`, ['--registry-insecure', '--platform', 'linux/arm64']);
    expect([amd.scan?.os?.family, arm.scan?.os?.family]).toEqual(['amdos', 'armos']);
    const none = await scan(`registry:${plain.host}/test/multi:1`, ['--registry-insecure', '--platform', 'linux/s390x']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\/v8\)/);
  });

  it('types a manifest without mediaType from Content-Type, and reads an uncompressed layer labelled gzip', async () => {
    const layers = [{ entries: [{ type: 'file' as const, name: 'app/node_modules/minimist/package.json', content: '{"name":"minimist","version":"1.2.5"}' }], compression: 'none' as const, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }];
    await pushRawImage(`http://${plain.host}`, 'test/raw', '1', { layers, omitMediaType: true });
    const result = await scan(`registry:${plain.host}/test/raw:1`, ['--registry-insecure']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.scan?.findings.map((f) => f.id)).toEqual(['CVE-2021-44906']);
  });

  it('refuses a layer whose bytes do not match its digest', async () => {
    const layers = [{ entries: [{ type: 'file' as const, name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' }], compression: 'none' as const }];
    await pushRawImage(`http://${plain.host}`, 'test/tampered', '1', { layers });
    // Change the stored blob behind the registry's back: it serves what its storage holds.
    const blobs = path.join(plain.root, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256');
    for (const prefix of await readdir(blobs)) {
      for (const hex of await readdir(path.join(blobs, prefix))) {
        const data = path.join(blobs, prefix, hex, 'data');
        const bytes = await import('node:fs/promises').then((fs) => fs.readFile(data));
        if (bytes.subarray(0, 512).includes(Buffer.from('etc/os-release'))) await writeFile(data, Buffer.from(bytes.toString('latin1').replace('ID=debian', 'ID=hacked'), 'latin1'));
      }
    }
    const result = await scan(`registry:${plain.host}/test/tampered:1`, ['--registry-insecure']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/digest mismatch/);
  });
});

describe('the layer cache with a registry', () => {
  it('downloads only the layers the cache lacks', async () => {
    const cacheDir = path.join(work, 'registry-cache');
    const blobGets = () => (plain.log().match(/GET \/v2\/test\/bookworm\/blobs\/sha256:[a-f0-9]{64}/g) ?? []).length;
    const run = () => runTollgate(['image', 'scan', `registry:${plain.host}/test/bookworm:1`, '--registry-insecure', '--db', db, '--format', 'json', '--cache-dir', cacheDir]);
    const before = blobGets();
    const cold = await run();
    expect(cold.code, cold.stderr).toBe(0);
    const afterCold = blobGets();
    const warm = await run();
    const afterWarm = blobGets();
    expect(afterCold - before).toBe(4);
    expect(afterWarm - afterCold).toBe(1);
    expect(scanEssence(JSON.parse(warm.stdout) as ScanResult)).toEqual(archiveEssence);
  });
});
