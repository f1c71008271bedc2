/**
 * Hostile rpm databases in images, scanned by the built CLI under the corpus' watchdog: each is a
 * clear refusal naming the file (exit 3), within the memory and time bounds, never an internal
 * error; a database with some damaged records is read with them left out.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { writeOciLayout } from '../support/image-builder.js';
import { rpmFixture, type RpmFixture } from '../support/rpm-fixtures.js';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';

let fixture: RpmFixture;
let work: string;
let db: string;

beforeAll(async () => {
  fixture = await rpmFixture();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-rpm-hostile-'));
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/almalinux'), '--db', db, '--quiet']);
  expect(imported.code, imported.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const OS_RELEASE = 'ID=almalinux\nVERSION_ID=9.1\n';

async function imageWith(name: string, database: string, content: Buffer): Promise<string> {
  const layout = path.join(work, name);
  await writeOciLayout(layout, [{ tag: 'x', layers: [{ entries: [{ type: 'file', name: 'etc/os-release', content: OS_RELEASE }, { type: 'file', name: database, content }] }] }]);
  return `oci:${layout}:x`;
}

async function scan(reference: string): ReturnType<typeof runHostile> {
  return runHostile({ args: ['image', 'scan', reference, '--format', 'json', '--db', db, '--no-cache'], memoryMiB: 768, timeoutMs: 60_000 });
}

describe('hostile rpm databases in an image', () => {
  it('refuse with the file named: a looping Berkeley DB overflow chain, a truncated SQLite file, a lying ndb slot page, random bytes', async () => {
    const bdb = Buffer.from(await readFile(fixture.bdbLittle));
    // Every overflow page points back at itself and claims to be full: the chain never ends by itself.
    for (let page = 1; page * 4096 < bdb.length; page++) {
      if (bdb[page * 4096 + 25] !== 7) continue;
      bdb.writeUInt32LE(page, page * 4096 + 16);
      bdb.writeUInt16LE(4096 - 26, page * 4096 + 22);
    }
    const sqlite = (await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite'))).subarray(0, 8192);
    const ndb = Buffer.from(await readFile(fixture.ndb));
    ndb.writeUInt32LE(0x00ffffff, 12);
    const cases = [
      ['bdb-loop', 'var/lib/rpm/Packages', bdb, /\/var\/lib\/rpm\/Packages: the rpm analyzer could not read this file: .*(loops back|overflow)/],
      ['sqlite-truncated', 'var/lib/rpm/rpmdb.sqlite', sqlite, /\/var\/lib\/rpm\/rpmdb\.sqlite: the rpm analyzer could not read this file: .*SQLite/],
      ['ndb-slots', 'usr/lib/sysimage/rpm/Packages.db', ndb, /Packages\.db: the rpm analyzer could not read this file: .*slot pages/],
      ['random', 'var/lib/rpm/Packages', Buffer.alloc(1 << 20, 0x5a), /Packages: the rpm analyzer could not read this file: not an rpm database/],
    ] as const;
    for (const [name, database, content, message] of cases) {
      const result = await scan(await imageWith(name, database, content));
      expect(clearFailureProblems(result, message), `${name}: ${result.stderr}`).toEqual([]);
    }
  }, 300_000);

  it('read an ndb database with damaged blobs, leaving those packages out', async () => {
    const ndb = Buffer.from(await readFile(fixture.ndb));
    const firstBlob = ndb.readUInt32LE(32 + 8) * 16;
    ndb[firstBlob + 40] = (ndb[firstBlob + 40] as number) ^ 0xff;
    const result = await scan(await imageWith('ndb-damaged', 'usr/lib/sysimage/rpm/Packages.db', ndb));
    expect(result.killedFor).toBeUndefined();
    expect(result.code, result.stderr).toBe(0);
    const packages = (JSON.parse(result.stdout) as { packages: { type: string }[] }).packages.filter((pkg) => pkg.type === 'rpm');
    expect(packages).toHaveLength(fixture.rpmQa.split('\n').filter(Boolean).length - 1);
  }, 300_000);
});
