import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../jobs/scan-image.js';
import type { OsInfo } from '../model/package.js';
import { assessOsSupport } from './end-of-life.js';
import { ECOSYSTEMS } from './list.js';

const on = (day: string): Date => new Date(`${day}T12:00:00Z`);

describe('end of life of the scanned OS', () => {
  const stretch: OsInfo = { family: 'debian', version: '9', codename: 'stretch', prettyName: 'Debian GNU/Linux 9 (stretch)' };

  it('flags a release past its end, in the OS and in one warning naming the release and the date', () => {
    const { os, warnings } = assessOsSupport(stretch, on('2026-12-01'));
    expect(os).toEqual({ ...stretch, endOfLife: { date: '2022-06-30' } });
    expect(warnings).toEqual([expect.stringMatching(/^debian 9 \(stretch\) reached end of life on 2022-06-30; its advisories are no longer updated/)]);
  });

  it('does not flag Debian 12 before its LTS ends on 2028-06-30, and leaves the OS as it was', () => {
    const bookworm: OsInfo = { family: 'debian', version: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' };
    const judged = assessOsSupport(bookworm, on('2026-12-31'));
    expect(judged).toEqual({ os: bookworm, warnings: [] });
    expect(JSON.stringify(judged.os)).toBe(JSON.stringify(bookworm));
    expect(assessOsSupport(bookworm, on('2028-06-30')).warnings).toEqual([]);
    expect(assessOsSupport(bookworm, on('2028-07-01')).os.endOfLife).toEqual({ date: '2028-06-30' });
  });

  it('counts the last day of support as supported, in UTC', () => {
    const bullseye: OsInfo = { family: 'debian', version: '11.11' };
    expect(assessOsSupport(bullseye, new Date('2026-08-31T23:59:59Z')).warnings).toEqual([]);
    expect(assessOsSupport(bullseye, new Date('2026-09-01T00:00:00Z')).warnings).toEqual([expect.stringMatching(/^debian 11 \(bullseye\) reached end of life on 2026-08-31/)]);
  });

  it.each([
    [{ family: 'ubuntu', version: '18.04', codename: 'bionic' }, 'ubuntu 18.04 (bionic) reached end of life on 2023-05-31'],
    [{ family: 'ubuntu', version: '23.10' }, 'ubuntu 23.10 (mantic) reached end of life on 2024-07-11'],
    [{ family: 'alpine', version: '3.15.4' }, 'alpine 3.15 reached end of life on 2023-11-01'],
    [{ family: 'debian', version: 'stretch/sid', codename: 'stretch' }, 'debian 9 (stretch) reached end of life on 2022-06-30'],
  ] as [OsInfo, string][])('flags %j', (os, warning) => {
    expect(assessOsSupport(os, on('2026-12-01')).warnings[0]).toMatch(new RegExp(`^${warning.replace(/[().]/g, '\\$&')}`));
  });

  it.each([
    ['a release the table has no date for', { family: 'ubuntu', version: '22.04' }],
    ['a release the table does not know', { family: 'debian', version: '7' }],
    ['a branch newer than the table', { family: 'alpine', version: '3.99.0' }],
    ['a version that names no release', { family: 'alpine', version: 'edge' }],
    ['an OS no descriptor serves', { family: 'devuan', version: '2' }],
    ['an os-release ID that is an Object property', { family: 'constructor', version: '1' }],
  ] as [string, OsInfo][])('never flags %s', (_what, os) => {
    expect(assessOsSupport(os, on('2099-01-01'))).toEqual({ os, warnings: [] });
  });

  it('keeps release tables well-formed: unique releases, real dates, each release placeable by its own descriptor', () => {
    for (const descriptor of ECOSYSTEMS.filter((entry) => entry.releases)) {
      const releases = descriptor.releases ?? [];
      expect(new Set(releases.map((entry) => entry.release)).size, descriptor.id).toBe(releases.length);
      for (const entry of releases) {
        expect(descriptor.releaseOf?.({ family: descriptor.osFamily as string, version: entry.release }), `${descriptor.id} ${entry.release}`).toBe(entry.release);
        if (entry.codename) expect(descriptor.releaseOf?.({ family: descriptor.osFamily as string, version: '', codename: entry.codename }) ?? entry.release).toBe(entry.release);
        if (entry.endOfSupport) expect(new Date(`${entry.endOfSupport}T00:00:00Z`).toISOString().slice(0, 10), `${descriptor.id} ${entry.release}`).toBe(entry.endOfSupport);
      }
    }
  });
});

describe('end of life in a scan result', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-eol-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function rootfs(name: string, osRelease: string): Promise<string> {
    const root = path.join(work, name);
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await mkdir(path.join(root, 'var/lib/dpkg'), { recursive: true });
    await writeFile(path.join(root, 'etc/os-release'), osRelease);
    await writeFile(path.join(root, 'var/lib/dpkg/status'), 'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 4.4-5\n\n');
    return root;
  }

  it('shows an end-of-life release in the result’s OS and warnings, valid against the published schema', async () => {
    const root = await rootfs('stretch', 'PRETTY_NAME="Debian GNU/Linux 9 (stretch)"\nID=debian\nVERSION_ID="9"\nVERSION="9 (stretch)"\nVERSION_CODENAME=stretch\n');
    const result = await scanImage(`dir:${root}`);
    expect(result.os).toMatchObject({ family: 'debian', version: '9', endOfLife: { date: '2022-06-30' } });
    expect(result.warnings.filter((warning) => warning.includes('end of life'))).toEqual([expect.stringMatching(/^debian 9 \(stretch\) reached end of life on 2022-06-30/)]);
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/schema/scan-result.schema.json', import.meta.url), 'utf8')) as object);
    expect(validate(JSON.parse(JSON.stringify(result))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('adds nothing for a supported release', async () => {
    const root = await rootfs('bookworm', 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
    const result = await scanImage(`dir:${root}`);
    expect(result.os).toEqual({ family: 'debian', version: '12', codename: 'bookworm' });
    expect(result.warnings).toEqual([]);
  });
});
