/**
 * Hostile corpus, archive class (the cases the engine already refuses, kept so they stay refused):
 * path traversal, links escaping the root, hard links to outside paths, truncated archives,
 * mislabelled compression, digest mismatches, gzip bombs, zip slip in `db import`, SQL-ish package
 * names. Each is built here, small on disk, and run through the built CLI under the watchdog:
 * a clear refusal (exit 3) or a correct result, never an internal error, never a write outside
 * the scan's space, within bounded memory and time.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout, type TestLayer } from '../support/image-builder.js';
import { clearFailureProblems, runHostile, type HostileResult } from './support/run-hostile.js';
import { hostileWorkspace, npmAdvisory, type HostileWorkspace } from './support/workspace.js';

let work: HostileWorkspace;
let db: string;
const at = (name: string): string => path.join(work.dir, name);
const OS_RELEASE = { type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' } as const;

async function layout(name: string, layers: readonly TestLayer[]): Promise<string> {
  await writeOciLayout(at(name), [{ layers, tag: 'hostile' }]);
  return `oci:${at(name)}:hostile`;
}

function zip(entries: Record<string, string>): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  // yazl refuses names with "..", as it should: such names are written as "AA" and patched in the
  // bytes afterwards (the same length, in the local header and the central directory alike).
  for (const [name, content] of Object.entries(entries)) archive.addBuffer(Buffer.from(content), name.replaceAll('..', 'AA'));
  archive.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on('end', () => resolve(Buffer.from(Buffer.concat(chunks).toString('latin1').replaceAll('AA/', '../'), 'latin1')));
    archive.outputStream.on('error', reject);
  });
}

const scan = (reference: string, ...args: string[]): Promise<HostileResult> => runHostile({ args: ['image', 'scan', reference, '--db', db, '--no-db-auto-update', '--cache-dir', at('cache'), '--format', 'json', ...args], memoryMiB: 512, timeoutMs: 30_000 });

beforeAll(async () => {
  work = await hostileWorkspace('archives');
  db = await work.database([npmAdvisory('GHSA-sqli-0001', "x'); DROP TABLE advisories;--"), npmAdvisory('GHSA-lodash-0001', 'lodash', { fixed: '4.17.21' })]);
});
afterAll(() => work.remove());

describe('hostile archives', () => {
  it('an entry climbing out of the root is refused, and nothing is written outside', async () => {
    const reference = await layout('traversal', [{ entries: [OS_RELEASE, { type: 'file', name: '../../../../tmp/tollgate-escaped.txt', content: 'x' }] }]);
    const run = await scan(reference);
    expect(clearFailureProblems(run, /entry "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/tollgate-escaped\.txt" climbs out of the image root/, [3])).toEqual([]);
    expect(existsSync('/tmp/tollgate-escaped.txt')).toBe(false);
  });

  it.each([
    ['a relative link climbing out of the root', () => layout('rel-link', [{ entries: [OS_RELEASE, { type: 'directory', name: 'app/node_modules/x' }, { type: 'symlink', name: 'app/node_modules/x/package.json', target: '../../../../../../../../etc/passwd' }] }]), /symlink while resolving "\/app\/node_modules\/x\/package\.json" points above the image root/],
    ['a hard link to a path outside the root', () => layout('hard-link', [{ entries: [OS_RELEASE, { type: 'link', name: 'app/package.json', target: '../../etc/shadow' }] }]), /hard link \/app\/package\.json: entry "\.\.\/\.\.\/etc\/shadow" climbs out of the image root/],
    [
      'a truncated gzip layer',
      async () => {
        const [built] = await writeOciLayout(at('truncated'), [{ layers: [{ entries: [OS_RELEASE, { type: 'file', name: 'big.bin', content: Buffer.alloc(200_000, 7) }] }], tag: 'hostile' }]);
        const blobFile = at(`truncated/blobs/sha256/${built![0]!.digest.slice(7)}`);
        await writeFile(blobFile, (await readFile(blobFile)).subarray(0, 100));
        return `oci:${at('truncated')}:hostile`;
      },
      /gzip decompression failed: unexpected end of file \(truncated or corrupt layer\?\)/,
    ],
    [
      'a layer whose bytes do not match its digest',
      async () => {
        const [built] = await writeOciLayout(at('digest'), [{ layers: [{ entries: [OS_RELEASE, { type: 'file', name: 'a.txt', content: 'original' }] }], tag: 'hostile' }]);
        const blobFile = at(`digest/blobs/sha256/${built![0]!.digest.slice(7)}`);
        // Other bytes, still a valid gzip of a valid tar, under the original digest's name.
        const tar = gunzipSync(await readFile(blobFile));
        await writeFile(blobFile, gzipSync(Buffer.from(tar.toString('latin1').replace('original', 'tampered'), 'latin1')));
        return `oci:${at('digest')}:hostile`;
      },
      /blob digest mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}/,
    ],
  ])('%s is refused with a clear message', async (_name, build, message) => {
    const run = await scan(await build());
    expect(clearFailureProblems(run, message, [3])).toEqual([]);
  });

  it('a gzip bomb (64 MiB of zeros in 64 KiB) is refused at the layer bound, in bounded memory', async () => {
    const reference = await layout('bomb', [{ entries: [OS_RELEASE, { type: 'file', name: 'zeros.bin', content: Buffer.alloc(64 * 1024 * 1024) }] }]);
    const run = await scan(reference, '--max-layer-size', '16MiB');
    expect(clearFailureProblems(run, /more than 16\.0 MiB uncompressed; refusing a possible decompression bomb[\s\S]*--max-layer-size/, [3])).toEqual([]);
  });

  it('an absolute link is resolved inside the image root, never on the host', async () => {
    const run = await scan(await layout('abs-link', [{ entries: [OS_RELEASE, { type: 'directory', name: 'app/node_modules/x' }, { type: 'symlink', name: 'app/node_modules/x/package.json', target: '/etc/passwd' }] }]));
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('root:x:0:0');
    expect((JSON.parse(run.stdout) as { packages: unknown[] }).packages).toEqual([]);
  });

  it('mislabelled compression is read by its bytes: zstd and plain tar labelled gzip', async () => {
    const lodash = { type: 'file', name: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.15"}' } as const;
    for (const compression of ['zstd', 'none'] as const) {
      const run = await scan(await layout(`mislabelled-${compression}`, [{ entries: [OS_RELEASE, lodash], compression, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }]));
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as { findings: { id: string }[] }).findings.map((finding) => finding.id)).toEqual(['GHSA-lodash-0001']);
    }
  });

  it('a SQL-ish package name is matched as data, and the database is intact afterwards', async () => {
    const run = await scan(await layout('sql', [{ entries: [OS_RELEASE, { type: 'file', name: 'app/node_modules/x/package.json', content: JSON.stringify({ name: "x'); DROP TABLE advisories;--", version: '1.0.0' }) }] }]));
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { findings: { id: string; package: { name: string } }[] }).findings.map((finding) => [finding.id, finding.package.name])).toEqual([['GHSA-sqli-0001', "x'); DROP TABLE advisories;--"]]);
    const status = await runHostile({ args: ['db', 'status', '--db', db, '--format', 'json'] });
    expect((JSON.parse(status.stdout) as { advisories: number }).advisories).toBe(2);
  });

  it('zip slip in db import is refused and writes nothing outside', async () => {
    await writeFile(at('slip.zip'), await zip({ '../../../../tmp/tollgate-slip.json': JSON.stringify(npmAdvisory('GHSA-slip-0001', 'lodash')), 'ok.json': JSON.stringify(npmAdvisory('GHSA-ok-0001', 'lodash')) }));
    const run = await runHostile({ args: ['db', 'import', at('slip.zip'), '--db', at('slip.db')] });
    expect(clearFailureProblems(run, /slip\.zip: corrupt zip \(invalid relative path: \.\.\/\.\.\/\.\.\/\.\.\/tmp\/tollgate-slip\.json\)/, [3])).toEqual([]);
    expect(existsSync('/tmp/tollgate-slip.json')).toBe(false);
  });

  it('the scans wrote nothing in the workspace but their layouts, databases and cache', async () => {
    const top = new Set((await work.listing()).map((entry) => entry.split(path.sep)[0]));
    for (const entry of top) expect(entry).toMatch(/^(vuln\.db.*|cache|slip\.(zip|db.*)|traversal|abs-link|rel-link|hard-link|truncated|digest|bomb|mislabelled-(zstd|none)|sql)$/);
  });
});
