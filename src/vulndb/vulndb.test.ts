import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError, HostileInputError, UsageError } from '../errors.js';
import { startProxy, startServer } from '../../test/support/http-server.js';
import { openVulnDatabase } from './database.js';
import { importOsv } from './import.js';
import { osvRecord, writeZip } from './test-support/osv-records.js';
import { updateDatabase } from './update.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-vulndb-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const lodash = osvRecord({ id: 'GHSA-aaaa-bbbb-cccc', ecosystem: 'npm', name: 'lodash', fixed: '4.17.21', aliases: ['CVE-2021-23337'], cvss: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' });
const pyyaml = osvRecord({ id: 'PYSEC-2021-1', ecosystem: 'PyPI', name: 'PyYAML', fixed: '5.4' });
const glibc = osvRecord({ id: 'DSA-5514-1', ecosystem: 'Debian:12', name: 'glibc', fixed: '2.36-9+deb12u3', upstream: ['CVE-2023-4911'] });

function lookupIds(db: string, ecosystem: string, name: string): string[] {
  const database = openVulnDatabase(db);
  try {
    return database.lookup(ecosystem, name).map((candidate) => candidate.advisory.id).sort();
  } finally {
    database.close();
  }
}

describe('importing OSV data', () => {
  it('loads a zip as OSV publishes it, indexed by ecosystem and normalised name', async () => {
    const zip = path.join(work, 'all.zip');
    await writeZip(zip, { 'GHSA-aaaa-bbbb-cccc.json': lodash, 'PYSEC-2021-1.json': pyyaml, 'DSA-5514-1.json': glibc });
    const db = path.join(work, 'zip.db');
    const stats = await importOsv(db, [zip]);
    expect(stats).toMatchObject({ records: 3, added: 3, invalid: 0 });
    expect(lookupIds(db, 'npm', 'lodash')).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(lookupIds(db, 'PyPI', 'pyyaml')).toEqual(['PYSEC-2021-1']);
    expect(lookupIds(db, 'PyPI', 'PyYAML')).toEqual(['PYSEC-2021-1']);
    expect(lookupIds(db, 'Debian:12', 'glibc')).toEqual(['DSA-5514-1']);
    expect(lookupIds(db, 'Debian:11', 'glibc')).toEqual([]);
    const database = openVulnDatabase(db);
    const [candidate] = database.lookup('Debian:12', 'glibc');
    expect(candidate?.advisory.aliases).toEqual(['CVE-2023-4911']);
    expect(database.status()).toMatchObject({ advisories: 3, sources: [{ name: zip, records: 3 }] });
    database.close();
  });

  it('loads a folder of .json files, recursively, and adds to an existing database', async () => {
    const folder = path.join(work, 'records');
    await mkdir(path.join(folder, 'nested'), { recursive: true });
    await writeFile(path.join(folder, 'nested', 'a.json'), JSON.stringify(osvRecord({ id: 'GHSA-x', ecosystem: 'npm', name: 'minimist', fixed: '1.2.6' })));
    await writeFile(path.join(folder, 'ignored.txt'), 'not json');
    const db = path.join(work, 'folder.db');
    await importOsv(db, [path.join(work, 'all.zip')]);
    await importOsv(db, [folder]);
    expect(lookupIds(db, 'npm', 'minimist')).toEqual(['GHSA-x']);
    expect(lookupIds(db, 'npm', 'lodash')).toEqual(['GHSA-aaaa-bbbb-cccc']);
  });

  it('loads from an http URL served on loopback', async () => {
    const server = await startServer({ '/osv/all.zip': await import('node:fs/promises').then((fs) => fs.readFile(path.join(work, 'all.zip'))) });
    try {
      const db = path.join(work, 'url.db');
      await importOsv(db, [`${server.url}/osv/all.zip`]);
      expect(lookupIds(db, 'npm', 'lodash')).toEqual(['GHSA-aaaa-bbbb-cccc']);
      await expect(importOsv(db, [`${server.url}/missing.zip`], { download: { retries: 0 } })).rejects.toThrow(/HTTP 404/);
    } finally {
      await server.close();
    }
  });

  it('ignores withdrawn records and removes what they withdraw; keeps the newer of two copies', async () => {
    const db = path.join(work, 'withdrawn.db');
    await importOsv(db, [path.join(work, 'all.zip')]);
    const folder = path.join(work, 'updates');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'w.json'), JSON.stringify({ ...lodash, modified: '2025-01-01T00:00:00Z', withdrawn: '2025-01-01T00:00:00Z' }));
    await writeFile(path.join(folder, 'old.json'), JSON.stringify({ ...pyyaml, modified: '2000-01-01T00:00:00Z', affected: [] }));
    const stats = await importOsv(db, [folder]);
    expect(stats).toMatchObject({ withdrawn: 1, older: 1 });
    expect(lookupIds(db, 'npm', 'lodash')).toEqual([]);
    expect(lookupIds(db, 'PyPI', 'pyyaml')).toEqual(['PYSEC-2021-1']);
  });

  it('counts invalid records and refuses an input with no OSV at all', async () => {
    const zip = path.join(work, 'mixed.zip');
    await writeZip(zip, { 'good.json': lodash, 'bad.json': '{not json', 'noid.json': { affected: [] }, 'README.md': 'hello' });
    const stats = await importOsv(path.join(work, 'mixed.db'), [zip]);
    expect(stats).toMatchObject({ records: 1, invalid: 2 });
    expect(stats.problems).toEqual(expect.arrayContaining([expect.stringMatching(/mixed\.zip:bad\.json: not JSON/), expect.stringMatching(/noid\.json: no valid "id"/)]));
    const junk = path.join(work, 'junk.zip');
    await writeZip(junk, { 'a.json': { hello: 'world' } });
    await expect(importOsv(path.join(work, 'junk.db'), [junk])).rejects.toThrow(UsageError);
    await expect(importOsv(path.join(work, 'junk.db'), [path.join(work, 'nope.zip')])).rejects.toThrow(/no such file or folder/);
  });

  it('refuses a zip bomb, an oversized entry and a flood of entries', async () => {
    const bomb = path.join(work, 'bomb.zip');
    await writeZip(bomb, { 'a.json': Buffer.alloc(20 * 1024 * 1024, 0x20) });
    await expect(importOsv(path.join(work, 'bomb.db'), [bomb])).rejects.toThrow(HostileInputError);
    await expect(importOsv(path.join(work, 'bomb.db'), [bomb], { limits: { maxEntries: 10, maxEntryBytes: 1024, maxTotalBytes: 1e9 } })).rejects.toThrow(/over the 1024-byte limit/);
    const flood = path.join(work, 'flood.zip');
    await writeZip(flood, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`r${i}.json`, osvRecord({ id: `X-${i}`, ecosystem: 'npm', name: 'a' })])));
    await expect(importOsv(path.join(work, 'flood.db'), [flood], { limits: { maxEntries: 10, maxEntryBytes: 1e6, maxTotalBytes: 1e9 } })).rejects.toThrow(/more than 10 entries/);
    expect(existsSync(path.join(work, 'flood.db'))).toBe(false);
  });
});

describe('the database file is replaced atomically', () => {
  it('a failed import leaves the previous database working', async () => {
    const db = path.join(work, 'atomic.db');
    await importOsv(db, [path.join(work, 'all.zip')]);
    await expect(importOsv(db, [path.join(work, 'all.zip'), path.join(work, 'missing.zip')])).rejects.toThrow();
    expect(lookupIds(db, 'npm', 'lodash')).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect((await readdir(work)).filter((name) => name.startsWith('atomic.db.building'))).toEqual([]);
  });

  it('an import killed mid-way leaves the previous database working, and the next build clears its leftovers', async () => {
    const db = path.join(work, 'killed.db');
    await importOsv(db, [path.join(work, 'all.zip')]);
    // A folder of records (written in a second, unlike a zip of as many entries) that takes the
    // child seconds to import, so it is killed while the new database is being built.
    const big = path.join(work, 'big');
    await mkdir(big);
    for (let start = 0; start < 15_000; start += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, j) => writeFile(path.join(big, `r${start + j}.json`), JSON.stringify(osvRecord({ id: `BIG-${start + j}`, ecosystem: 'npm', name: `p${(start + j) % 500}` })))));
    }
    const script = `import { importOsv } from ${JSON.stringify(new URL('./import.ts', import.meta.url).pathname)}; await importOsv(${JSON.stringify(db)}, [${JSON.stringify(big)}]);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(async () => {
        if ((await readdir(work)).some((name) => name.startsWith('killed.db.building'))) {
          clearInterval(poll);
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 300);
        }
      }, 20);
      // Never leave the poll running past the child: a child that ends first fails the test.
      void exited.then(() => {
        clearInterval(poll);
        reject(new Error('the import finished before it could be killed'));
      });
    });
    await exited;
    expect(lookupIds(db, 'npm', 'lodash')).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(lookupIds(db, 'npm', 'p1')).toEqual([]);
    expect((await readdir(work)).some((name) => name.startsWith('killed.db.building'))).toBe(true);
    await importOsv(db, [path.join(work, 'all.zip')]);
    expect((await readdir(work)).some((name) => name.startsWith('killed.db.building'))).toBe(false);
  }, 120_000);
});

describe('opening a database', () => {
  it('explains a missing database with the command that builds one', () => {
    expect(() => openVulnDatabase(path.join(work, 'none.db'))).toThrow(DatabaseError);
    try {
      openVulnDatabase(path.join(work, 'none.db'));
    } catch (error) {
      expect((error as DatabaseError).hint).toMatch(/tollgate db update.*tollgate db import/);
    }
  });

  it('refuses a corrupt file, and never builds on top of one', async () => {
    const corrupt = path.join(work, 'corrupt.db');
    await writeFile(corrupt, Buffer.alloc(8192, 0x41));
    expect(() => openVulnDatabase(corrupt)).toThrow(/not a readable vulnerability database/);
    await expect(importOsv(corrupt, [path.join(work, 'all.zip')])).rejects.toThrow(DatabaseError);
  });

  it('reads an advisory only when a candidate needs it, and names one that an entry points at but is gone', async () => {
    const file = path.join(work, 'dangling.db');
    await importOsv(file, [path.join(work, 'all.zip')]);
    const edit = new Database(file);
    edit.pragma('foreign_keys = OFF');
    edit.prepare('DELETE FROM advisory WHERE id = ?').run('DSA-5514-1');
    edit.close();
    const database = openVulnDatabase(file);
    try {
      const [candidate] = database.lookup('Debian:12', 'glibc');
      expect(candidate?.ranges.length).toBeGreaterThan(0);
      expect(() => candidate?.advisory).toThrow(/advisory DSA-5514-1 is named by an affected entry but missing; the database may be corrupt/);
      expect(database.lookup('npm', 'lodash')[0]?.advisory).toMatchObject({ id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2021-23337'] });
    } finally {
      database.close();
    }
  });

  it('names an affected entry whose ranges are not JSON instead of crashing', async () => {
    const file = path.join(work, 'bad-ranges.db');
    await importOsv(file, [path.join(work, 'all.zip')]);
    const edit = new Database(file);
    edit.prepare("UPDATE affected SET ranges = '[{\"type\": ' WHERE name = 'lodash'").run();
    edit.close();
    const database = openVulnDatabase(file);
    try {
      expect(() => database.lookupMany('npm', ['lodash'])).toThrow(DatabaseError);
      expect(() => database.lookup('npm', 'lodash')).toThrow(/the entry of GHSA-aaaa-bbbb-cccc for npm lodash is not valid JSON; the database may be corrupt/);
    } finally {
      database.close();
    }
  });
});

describe('updating from the OSV bucket and the NVD feeds', () => {
  const nvdFeed = {
    format: 'NVD_CVE',
    version: '2.0',
    vulnerabilities: [
      {
        cve: {
          id: 'CVE-2023-4911',
          metrics: {
            cvssMetricV31: [
              { source: 'secalert@redhat.com', type: 'Secondary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', baseScore: 7.8 } },
              { source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '3.1', vectorString: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', baseScore: 7.8 } },
            ],
            cvssMetricV2: [{ source: 'nvd@nist.gov', type: 'Primary', cvssData: { version: '2.0', vectorString: 'AV:L/AC:L/Au:N/C:C/I:C/A:C', baseScore: 7.2 } }],
          },
        },
      },
      { cve: { id: 'CVE-2024-0001', metrics: {} } },
    ],
  };

  async function bucket() {
    const npmZip = path.join(work, 'npm-all.zip');
    const debianZip = path.join(work, 'debian-all.zip');
    await writeZip(npmZip, { 'a.json': lodash });
    await writeZip(debianZip, { 'b.json': glibc });
    const fs = await import('node:fs/promises');
    return {
      '/osv/npm/all.zip': await fs.readFile(npmZip),
      '/osv/Debian/all.zip': await fs.readFile(debianZip),
      '/nvd/nvdcve-2.0-2023.json.gz': gzipSync(JSON.stringify(nvdFeed)),
    };
  }

  it('downloads every configured ecosystem and the CVSS data, through HTTP_PROXY', async () => {
    const server = await startServer(await bucket());
    const proxy = await startProxy();
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    try {
      const db = path.join(work, 'update.db');
      const messages: string[] = [];
      const stats = await updateDatabase(db, { ecosystems: ['npm', 'Debian'], osvBaseUrl: `${server.url}/osv`, nvdBaseUrl: `${server.url}/nvd`, nvdYears: [2023], onProgress: (event) => messages.push(event.message) });
      expect(stats).toMatchObject({ records: 2, cveSeverities: 2, ecosystems: ['npm', 'Debian'] });
      // Every download went through the proxy (a tunnel per download), none straight to the server.
      expect(proxy.requests).toEqual(Array(3).fill(`CONNECT ${server.url.replace('http://', '')}`));
      expect(messages.length).toBeGreaterThan(0);
      const database = openVulnDatabase(db);
      expect(database.cveSeverity('CVE-2023-4911')).toEqual(expect.arrayContaining([{ version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', source: 'nvd@nist.gov' }, { version: '2.0', vector: 'AV:L/AC:L/Au:N/C:C/I:C/A:C', source: 'nvd@nist.gov' }]));
      expect(database.status().sources.map((s) => s.name)).toEqual(['nvd', 'osv:Debian', 'osv:npm']);
      database.close();
    } finally {
      if (saved.HTTP_PROXY === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved.HTTP_PROXY;
      if (saved.NO_PROXY !== undefined) process.env.NO_PROXY = saved.NO_PROXY;
      await proxy.close();
      await server.close();
    }
  });

  it('a download that fails half-way keeps the previous database', async () => {
    const routes = await bucket();
    const server = await startServer({
      ...routes,
      '/osv/Debian/all.zip': (_request, response) => {
        response.writeHead(200, { 'content-length': 100_000 });
        response.write(Buffer.alloc(1000));
        response.destroy();
      },
    });
    try {
      const db = path.join(work, 'update-fail.db');
      await importOsv(db, [path.join(work, 'all.zip')]);
      await expect(updateDatabase(db, { ecosystems: ['npm', 'Debian'], osvBaseUrl: `${server.url}/osv`, enrich: false, download: { retries: 1 } })).rejects.toThrow(/download failed/);
      expect(lookupIds(db, 'PyPI', 'pyyaml')).toEqual(['PYSEC-2021-1']);
    } finally {
      await server.close();
    }
  });
});
