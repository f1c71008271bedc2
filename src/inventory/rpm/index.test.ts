import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PackageRecord } from '../../model/package.js';
import { rpmFixture, type RpmFixture } from '../../../test/support/rpm-fixtures.js';
import { readRpmDatabase, rpmAnalyzer, rpmDatabaseFormat } from './index.js';

let fixture: RpmFixture;
beforeAll(async () => {
  fixture = await rpmFixture();
}, 300_000);

/** A record in the oracle's line format: what `rpm -qa --qf RPM_QA_FORMAT` prints for it. */
function asRpmQaLine(record: PackageRecord): string {
  const source = record.source ? `${record.source.name}-${record.source.version ?? record.version.replace(/^\d+:/, '')}` : `${record.name}-${record.version.replace(/^\d+:/, '')}`;
  return [record.name, record.version, record.architecture ?? '', `${source}.src.rpm`, record.vendor ?? '', record.modularityLabel ?? ''].join('\t');
}

function asRpmQa(records: readonly PackageRecord[]): string {
  return records.map(asRpmQaLine).sort().join('\n') + '\n';
}

describe('the rpm analyzer on databases made by rpm', () => {
  it('reads rpm 4.18\'s rpmdb.sqlite to exactly what rpm -qa says', async () => {
    const file = path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite');
    const content = await readFile(file);
    expect(rpmDatabaseFormat(content)).toBe('sqlite');
    const result = rpmAnalyzer.analyze({ path: '/var/lib/rpm/rpmdb.sqlite', content });
    expect(result.warnings).toBeUndefined();
    expect(result.packages).toHaveLength(8);
    expect(asRpmQa(result.packages ?? [])).toBe(fixture.rpmQa);
  });

  it('reads the same headers from Berkeley DB hash files in both byte orders, as rpm\'s bdb_ro backend does', async () => {
    for (const [file, oracle] of [
      [fixture.bdbLittle, fixture.rpmQaBdbLittle],
      [fixture.bdbBig, fixture.rpmQaBdbBig],
    ] as const) {
      const content = await readFile(file);
      expect(rpmDatabaseFormat(content)).toBe('bdb');
      const result = readRpmDatabase(content, '/var/lib/rpm/Packages');
      expect(result.warnings).toBeUndefined();
      expect(asRpmQa(result.packages ?? [])).toBe(oracle);
      expect(oracle).toBe(fixture.rpmQa);
    }
  });

  it('reads the same headers from an ndb Packages.db', async () => {
    const content = await readFile(fixture.ndb);
    expect(rpmDatabaseFormat(content)).toBe('ndb');
    const result = readRpmDatabase(content, '/usr/lib/sysimage/rpm/Packages.db');
    expect(result.warnings).toBeUndefined();
    expect(asRpmQa(result.packages ?? [])).toBe(fixture.rpmQa);
  });

  it('gives epochs, source packages, vendors and modularity labels as the headers hold them', async () => {
    const content = await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite'));
    const packages = readRpmDatabase(content, '/var/lib/rpm/rpmdb.sqlite').packages ?? [];
    const byName = new Map(packages.map((record) => [record.name, record]));
    expect(byName.get('openssl-libs')).toMatchObject({ type: 'rpm', version: '1:3.0.7-24.el9', architecture: 'x86_64', source: { name: 'openssl' }, vendor: 'AlmaLinux', location: '/var/lib/rpm/rpmdb.sqlite' });
    expect(byName.get('openssl-libs')?.source?.version).toBeUndefined();
    expect(byName.get('nodejs')).toMatchObject({ version: '1:18.14.2-2.module_el9.1.0+15+abcdef12', modularityLabel: 'nodejs:18:9010020230306170042:rhel9' });
    expect(byName.get('bash')?.source).toBeUndefined();
    expect(byName.get('tollgate-base')).toMatchObject({ version: '1.0-1.el9', architecture: 'noarch', licenses: ['MIT'] });
    expect(byName.get('thirdparty-agent')?.vendor).toBe('Example Corp');
  });

  it('lists the files each distribution package installed, as rpm -ql does, and none of a third party\'s', async () => {
    const content = await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite'));
    const owned = readRpmDatabase(content, '/var/lib/rpm/rpmdb.sqlite').ownedFiles ?? [];
    expect(owned.map((entry) => entry.package).sort()).toEqual(Object.keys(fixture.fileLists).filter((name) => name !== 'thirdparty-agent').sort());
    expect(fixture.fileLists['thirdparty-agent']).toContain('/opt/agent/bin/agent');
    for (const entry of owned) expect(entry.paths.split('\n').sort()).toEqual([...(fixture.fileLists[entry.package] ?? [])].sort());
    expect(owned.find((entry) => entry.package === 'python3-requests')?.paths).toContain('/usr/lib/python3.9/site-packages/requests-2.25.1-py3.9.egg-info/PKG-INFO');
  });

  it('reads an empty database (rpm --initdb, nothing installed) as no packages', () => {
    expect(readRpmDatabase(Buffer.alloc(0), '/var/lib/rpm/rpmdb.sqlite')).toEqual({});
  });

  it('refuses a file that is none of the three formats, saying so', () => {
    expect(() => rpmAnalyzer.analyze({ path: '/var/lib/rpm/Packages', content: Buffer.from('not a database at all') })).toThrow(/not an rpm database/);
  });
});
