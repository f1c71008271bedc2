/**
 * Scanning images in a real Docker Engine (Debian's dockerd on a unix socket and on TLS loopback),
 * and the image operations the platform uses.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { connectDocker } from '../../src/image/docker/connection.js';
import { inspectImage, listImages, tagImage, untagImage, watchImageEvents, type ImageEvent } from '../../src/image/docker/operations.js';
import { runTollgate } from '../support/cli.js';
import { startDockerd, type TestDockerd } from '../support/dockerd.js';
import type { BookwormImage } from '../support/images.js';
import { startRegistry } from '../support/registry.js';
import { openScanWorkspace, scanEssence } from '../support/scan-workspace.js';

let dockerd: TestDockerd;
let image: BookwormImage;
let work: string;
let db: string;
let imageId: string;

beforeAll(async () => {
  ({ image, work, db } = await openScanWorkspace('docker-e2e'));
  dockerd = await startDockerd();
  await dockerd.docker(['load', '-i', image.dockerArchive]);
  imageId = (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim();
});

afterAll(async () => {
  await dockerd?.stop();
  await rm(work, { recursive: true, force: true });
});

async function scan(reference: string, ...extra: string[]): Promise<ScanResult> {
  const result = await runTollgate(['image', 'scan', reference, '--db', db, '--format', 'json', '--no-cache', ...extra], { env: { DOCKER_HOST: `unix://${dockerd.socket}` } });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ScanResult;
}

describe('scanning images in a Docker daemon', () => {
  it('by name, short id and full id over the unix socket, the same as the docker-archive', async () => {
    const archive = await runTollgate(['image', 'scan', `docker-archive:${image.dockerArchive}`, '--db', db, '--format', 'json', '--no-cache']);
    const expected = scanEssence(JSON.parse(archive.stdout) as ScanResult);
    const byName = await scan('docker:tollgate-test/bookworm:1');
    expect(scanEssence(byName)).toEqual(expected);
    expect(byName.image).toMatchObject({ source: 'docker', id: imageId, repoTags: ['tollgate-test/bookworm:1'] });
    expect(scanEssence(await scan(`docker:${imageId.slice(7, 19)}`))).toEqual(expected);
    expect(scanEssence(await scan(`docker:${imageId}`))).toEqual(expected);
  });

  it('over TCP with TLS, and refuses a client certificate from another CA', async () => {
    const tls = await scan('docker:tollgate-test/bookworm:1', '--docker-host', dockerd.tcp, '--docker-cert-path', dockerd.certs);
    expect(tls.image.id).toBe(imageId);
    const foreign = await runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--db', db, '--docker-host', dockerd.tcp, '--docker-cert-path', dockerd.foreignCerts]);
    expect(foreign.code).toBe(3);
    expect(foreign.stderr).toMatch(/TLS with the Docker daemon at tcp:\/\/127\.0\.0\.1:\d+ failed/);
  });

  it('explains bad addresses, missing certificate files and unknown images', async () => {
    const scheme = await runTollgate(['image', 'scan', 'docker:x', '--db', db, '--docker-host', 'http://127.0.0.1:2375']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/use unix:\/\/\/path\/to\/docker\.sock or tcp:\/\/host:port/);
    const certs = await runTollgate(['image', 'scan', 'docker:x', '--db', db, '--docker-host', dockerd.tcp, '--docker-cert-path', path.join(work, 'nowhere')]);
    expect(certs.code).toBe(2);
    expect(certs.stderr).toMatch(/cannot read the Docker TLS file .*nowhere\/ca\.pem/);
    const missing = await runTollgate(['image', 'scan', 'docker:no/such:image', '--db', db], { env: { DOCKER_HOST: `unix://${dockerd.socket}` } });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/has no image "no\/such:image"/);
    const down = await runTollgate(['image', 'scan', 'docker:x', '--db', db, '--docker-host', `unix://${path.join(work, 'absent.sock')}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach the Docker daemon/);
  });

  it('by repo digest, after a pull from a registry', async () => {
    const registry = await startRegistry();
    try {
      await registry.push(image.ociReference, 'test/bookworm:1');
      await dockerd.docker(['pull', '--quiet', `${registry.host}/test/bookworm:1`]);
      const repoDigest = (await dockerd.docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', `${registry.host}/test/bookworm:1`])).trim();
      const digest = repoDigest.slice(repoDigest.indexOf('@') + 1);
      const byNameAndDigest = await scan(`docker:${repoDigest}`);
      expect(byNameAndDigest.image.id).toBe(imageId);
      expect(byNameAndDigest.image.repoDigests).toContain(repoDigest);
      expect((await scan(`docker:${digest}`)).image.id).toBe(imageId);
    } finally {
      await dockerd.docker(['rmi', `${registry.host}/test/bookworm:1`]).catch(() => undefined);
      await registry.stop();
    }
  });

  it('negotiates the API version down to what the daemon speaks', async () => {
    const connection = await connectDocker({ dockerHost: `unix://${dockerd.socket}` });
    expect(connection.apiVersion).toBe('1.41');
  });

  it('with a warm layer cache, exports nothing from the daemon', async () => {
    const cacheDir = path.join(work, 'cache');
    const connection = await connectDocker({ dockerHost: `unix://${dockerd.socket}` });
    const events: ImageEvent[] = [];
    const controller = new AbortController();
    const watching = watchImageEvents(connection, (event) => events.push(event), controller.signal);
    watching.catch(() => undefined);
    const run = (extra: string[] = []) => runTollgate(['image', 'scan', 'docker:tollgate-test/bookworm:1', '--db', db, '--format', 'json', '--cache-dir', cacheDir, ...extra], { env: { DOCKER_HOST: `unix://${dockerd.socket}` } });
    const cold = await run();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const savesAfterCold = events.filter((event) => event.action === 'save').length;
    const warm = await run();
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    await watching;
    expect(savesAfterCold).toBe(1);
    expect(events.filter((event) => event.action === 'save')).toHaveLength(1);
    expect(scanEssence(JSON.parse(warm.stdout) as ScanResult)).toEqual(scanEssence(JSON.parse(cold.stdout) as ScanResult));
  });
});

describe('image operations for the platform', () => {
  it('tags for scanning, lists, watches events, and removes the tag but never the only one', async () => {
    const connection = await connectDocker({ dockerHost: `unix://${dockerd.socket}` });
    const events: ImageEvent[] = [];
    const controller = new AbortController();
    const watching = watchImageEvents(connection, (event) => events.push(event), controller.signal);
    try {
      await tagImage(connection, imageId, 'tollgate_scan_target', imageId.slice(7));
      const tagged = await inspectImage(connection, imageId);
      expect(tagged.repoTags).toContain(`tollgate_scan_target:${imageId.slice(7)}`);
      expect((await listImages(connection)).some((entry) => entry.Id === imageId)).toBe(true);
      expect(await untagImage(connection, `tollgate_scan_target:${imageId.slice(7)}`)).toBe('removed');
      expect((await inspectImage(connection, imageId)).repoTags).toEqual(['tollgate-test/bookworm:1']);
      expect(await untagImage(connection, 'tollgate-test/bookworm:1')).toBe('kept-only-tag');
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      controller.abort();
      await watching;
    }
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['tag', 'untag']));
    expect(events.find((event) => event.action === 'tag')?.attributes.name).toBe(`tollgate_scan_target:${imageId.slice(7)}`);
  });
});
