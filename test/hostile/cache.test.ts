/**
 * The layer cache never vouches for what this scan has not proven: a config that claims the diff
 * id of a cached layer, for bytes that are something else, is refused warm exactly as it is cold.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTar, sha256 } from '../support/image-builder.js';
import { rawDockerArchive, writeRawOciLayout } from '../support/forged-images.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';
import { scanDatabase } from './support/scan-database.js';

let work: string;
let db: string;
let benign: Buffer;
let vulnerable: Buffer;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-hostile-cache-'));
  db = await scanDatabase(work);
  benign = await makeTar([{ type: 'file', name: 'app/node_modules/minimist/package.json', content: '{"name":"minimist","version":"1.2.8"}' }]);
  vulnerable = await makeTar([{ type: 'file', name: 'app/node_modules/minimist/package.json', content: '{"name":"minimist","version":"1.2.5"}' }]);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const scan = (reference: string, cache: string | undefined) =>
  runHostile({ args: ['image', 'scan', reference, '--db', db, '--format', 'json', ...(cache ? ['--cache-dir', cache] : ['--no-cache'])], timeoutMs: 20_000 });

describe('a warm layer cache', () => {
  it('refuses a docker-archive whose config claims a cached diff id for other bytes, as the cold scan does', async () => {
    const cache = path.join(work, 'cache-archive');
    const honest = path.join(work, 'honest.tar');
    await writeFile(honest, await rawDockerArchive({ blobs: [benign], diffIds: [sha256(benign)] }));
    expect((await scan(`docker-archive:${honest}`, cache)).code).toBe(0);
    const forged = path.join(work, 'forged.tar');
    await writeFile(forged, await rawDockerArchive({ blobs: [vulnerable], diffIds: [sha256(benign)] }));
    const cold = await scan(`docker-archive:${forged}`, undefined);
    expect(clearFailureProblems(cold, /diff id mismatch/, [3])).toEqual([]);
    const warm = await scan(`docker-archive:${forged}`, cache);
    expect(clearFailureProblems(warm, /diff id mismatch/, [3])).toEqual([]);
  });

  it('refuses an OCI layout whose config claims a cached diff id for another blob', async () => {
    const cache = path.join(work, 'cache-oci');
    await writeRawOciLayout(path.join(work, 'honest-oci'), { tag: 't', blobs: [benign], diffIds: [sha256(benign)] });
    expect((await scan(`oci:${path.join(work, 'honest-oci')}:t`, cache)).code).toBe(0);
    await writeRawOciLayout(path.join(work, 'forged-oci'), { tag: 't', blobs: [vulnerable], diffIds: [sha256(benign)] });
    const warm = await scan(`oci:${path.join(work, 'forged-oci')}:t`, cache);
    expect(clearFailureProblems(warm, /diff id mismatch/, [3])).toEqual([]);
  });

  it('refuses an OCI layout whose cached blob was replaced in place under its digest', async () => {
    const cache = path.join(work, 'cache-tampered');
    const layout = path.join(work, 'tampered-oci');
    await writeRawOciLayout(layout, { tag: 't', blobs: [benign], diffIds: [sha256(benign)] });
    expect((await scan(`oci:${layout}:t`, cache)).code).toBe(0);
    await writeFile(path.join(layout, 'blobs', 'sha256', sha256(benign).slice(7)), vulnerable);
    const warm = await scan(`oci:${layout}:t`, cache);
    expect(clearFailureProblems(warm, /digest mismatch/, [3])).toEqual([]);
  });

  it('still serves an honest image from the cache with the same result', async () => {
    const cache = path.join(work, 'cache-honest');
    const archive = path.join(work, 'honest-vulnerable.tar');
    await writeFile(archive, await rawDockerArchive({ blobs: [benign, vulnerable], diffIds: [sha256(benign), sha256(vulnerable)] }));
    const cold = await scan(`docker-archive:${archive}`, cache);
    const warm = await scan(`docker-archive:${archive}`, cache);
    expect(warm.code).toBe(cold.code);
    const packages = (out: string) => (JSON.parse(out) as { packages: { name: string; version: string }[] }).packages.map((p) => `${p.name}@${p.version}`);
    expect(packages(cold.stdout)).toEqual(['minimist@1.2.5']);
    expect(packages(warm.stdout)).toEqual(packages(cold.stdout));
  });
});
