/**
 * Scanning images in a real Podman service through its Docker-compatible socket: the same
 * `docker:` references and `--docker-host` as for Docker Engine. Podman's image export puts each
 * layer at the top of the tar as `<digest>.tar` (with `<id>/layer.tar` a link to it), unlike
 * Docker's.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import type { BookwormImage } from '../support/images.js';
import { startPodman, type TestPodman } from '../support/podman.js';
import { openScanWorkspace, scanEssence } from '../support/scan-workspace.js';

let podman: TestPodman;
let image: BookwormImage;
let work: string;
let db: string;
let imageId: string;

beforeAll(async () => {
  ({ image, work, db } = await openScanWorkspace('podman-e2e'));
  podman = await startPodman();
  await podman.podman(['load', '--quiet', '--input', image.dockerArchive]);
  imageId = `sha256:${(await podman.podman(['image', 'inspect', '--format', '{{.Id}}', 'tollgate-test/bookworm:1'])).trim()}`;
});

afterAll(async () => {
  await podman?.stop();
  await rm(work, { recursive: true, force: true });
});

function scan(reference: string, ...extra: string[]) {
  return runTollgate(['image', 'scan', reference, '--db', db, '--format', 'json', '--docker-host', `unix://${podman.socket}`, ...extra]);
}

describe('scanning images in Podman through its Docker-compatible socket', () => {
  it('by name, short id and full id, the same as the docker-archive', async () => {
    const archive = await runTollgate(['image', 'scan', `docker-archive:${image.dockerArchive}`, '--db', db, '--format', 'json', '--no-cache']);
    const expected = scanEssence(JSON.parse(archive.stdout) as ScanResult);
    expect(expected.packages.length).toBeGreaterThan(100);
    for (const reference of ['docker:tollgate-test/bookworm:1', `docker:${imageId.slice(7, 19)}`, `docker:${imageId}`]) {
      const result = await scan(reference, '--no-cache');
      expect(result.code, result.stderr).toBe(0);
      const parsed = JSON.parse(result.stdout) as ScanResult;
      expect(scanEssence(parsed)).toEqual(expected);
      expect(parsed.image).toMatchObject({ source: 'docker', id: imageId });
    }
  });

  it('fills the layer cache, then scans warm with the same result', async () => {
    const cacheDir = path.join(work, 'cache');
    const cold = await scan('docker:tollgate-test/bookworm:1', '--cache-dir', cacheDir);
    expect(cold.code, cold.stderr).toBe(0);
    const warm = await scan('docker:tollgate-test/bookworm:1', '--cache-dir', cacheDir);
    expect(warm.code, warm.stderr).toBe(0);
    expect(scanEssence(JSON.parse(warm.stdout) as ScanResult)).toEqual(scanEssence(JSON.parse(cold.stdout) as ScanResult));
    const status = await runTollgate(['cache', 'status', '--cache-dir', cacheDir]);
    expect(status.stdout).toMatch(/Layers: 3 /);
  });

  it('names an image Podman does not have', async () => {
    const missing = await scan('docker:no/such:image');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/has no image "no\/such:image"/);
  });
});
