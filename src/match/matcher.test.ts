import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OsInfo, Package } from '../model/package.js';
import { openVulnDatabase, type VulnDatabase } from '../vulndb/database.js';
import { importOsv } from '../vulndb/import.js';
import { osvRecord, type RecordSpec } from '../vulndb/test-support/osv-records.js';
import { VulnDbWriter } from '../vulndb/writer.js';
import { matchPackages } from './matcher.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-match-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function databaseOf(records: (RecordSpec | Record<string, unknown>)[], cve: [string, string, string][] = []): Promise<VulnDatabase> {
  const file = path.join(work, `${Math.random().toString(36).slice(2)}.db`);
  const input = path.join(work, `${path.basename(file)}.json`);
  await writeFile(input, JSON.stringify(records.map((spec) => ('ecosystem' in spec ? osvRecord(spec as RecordSpec) : spec))));
  await importOsv(file, [input]);
  if (cve.length) {
    const writer = new VulnDbWriter(file);
    for (const [id, version, vector] of cve) writer.putCveSeverity({ cve: id, version, vector, source: 'nvd@nist.gov' });
    writer.finish();
  }
  return openVulnDatabase(file);
}

const debian12: OsInfo = { family: 'debian', version: '12', codename: 'bookworm' };

function npm(name: string, version: string): Package {
  return { id: `npm-${name}-${version}`, type: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, location: `/app/node_modules/${name}/package.json` };
}
function deb(name: string, version: string, source?: { name: string; version?: string }): Package {
  return { id: `deb-${name}`, type: 'deb', name, version, purl: `pkg:deb/debian/${name}@${version}`, location: '/var/lib/dpkg/status', ...(source ? { source } : {}) };
}

describe('range semantics', () => {
  it.each([
    // [description, record spec, installed version, affected, fixed versions]
    ['introduced 0, fixed: below the fix', { introduced: '0', fixed: '4.17.21' }, '4.17.15', true, ['4.17.21']],
    ['introduced 0, fixed: at the fix', { introduced: '0', fixed: '4.17.21' }, '4.17.21', false, []],
    ['introduced later than installed', { introduced: '5.0.0', fixed: '5.1.0' }, '4.17.15', false, []],
    ['last_affected includes itself', { introduced: '1.0.0', lastAffected: '1.2.0' }, '1.2.0', true, []],
    ['last_affected excludes above', { introduced: '1.0.0', lastAffected: '1.2.0' }, '1.2.1', false, []],
    ['no upper bound: affected, no fix', { introduced: '1.0.0' }, '9.9.9', true, []],
    ['explicit versions list', { introduced: '9.0.0', versions: ['1.2.3'] }, '1.2.3', true, []],
    ['SEMVER range type', { introduced: '1.0.0', fixed: '1.2.6', type: 'SEMVER' as const }, '1.2.5', true, ['1.2.6']],
    ['a partial version in an advisory orders as semver', { introduced: '1.0', fixed: '3.1.1' }, '2.6.0', true, ['3.1.1']],
  ])('%s', async (_name, spec, version, affected, fixed) => {
    const db = await databaseOf([{ id: 'GHSA-test', ecosystem: 'npm', name: 'pkg', ...spec }]);
    const { findings } = matchPackages([npm('pkg', version)], undefined, db);
    db.close();
    expect(findings.length > 0).toBe(affected);
    if (affected) expect(findings[0]?.fixedVersions).toEqual(fixed);
  });

  it('evaluates unsorted events and several ranges', async () => {
    const record = {
      id: 'GHSA-multi',
      affected: [{ package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '2.0.5' }, { introduced: '2.0.0' }, { fixed: '1.5.0' }, { introduced: '0' }] }] }],
    };
    const db = await databaseOf([record]);
    const affected = (version: string) => matchPackages([npm('pkg', version)], undefined, db).findings.length > 0;
    expect([affected('1.4.9'), affected('1.5.0'), affected('1.9.9'), affected('2.0.0'), affected('2.0.4'), affected('2.0.5')]).toEqual([true, false, false, true, true, false]);
    expect(matchPackages([npm('pkg', '2.0.1')], undefined, db).findings[0]?.fixedVersions).toEqual(['2.0.5']);
    db.close();
  });

  it('warns about, and skips, a range it cannot read, without failing the scan', async () => {
    const db = await databaseOf([{ id: 'GHSA-bad', ecosystem: 'npm', name: 'pkg', introduced: 'not-a-version', fixed: '2.0.0' }]);
    const result = matchPackages([npm('pkg', '1.0.0')], undefined, db);
    db.close();
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/GHSA-bad \(npm pkg\): invalid semver version: "not-a-version"; that range was skipped/)]);
  });
});

describe('OS packages', () => {
  it('match only their own release, by source package name and source version', async () => {
    const db = await databaseOf([
      { id: 'DEBIAN-CVE-2023-1', ecosystem: 'Debian:12', name: 'glibc', fixed: '2.36-9+deb12u5', urgency: 'high', upstream: ['CVE-2023-1'] },
      { id: 'DEBIAN-CVE-2023-2', ecosystem: 'Debian:11', name: 'glibc', fixed: '2.31-13+deb11u9', upstream: ['CVE-2023-2'] },
      { id: 'DEBIAN-CVE-2023-3', ecosystem: 'Debian:12', name: 'libc6', fixed: '9.9' },
    ]);
    const libc6 = deb('libc6', '2.36-9+deb12u4+b1', { name: 'glibc', version: '2.36-9+deb12u4' });
    const { findings } = matchPackages([libc6], debian12, db);
    expect(findings.map((f) => [f.id, f.package.matchedName, f.package.matchedVersion, f.package.ecosystem, f.fixedVersions])).toEqual([['CVE-2023-1', 'glibc', '2.36-9+deb12u4', 'Debian:12', ['2.36-9+deb12u5']]]);
    expect(matchPackages([deb('libc6', '2.31-13+deb11u5', { name: 'glibc' })], { family: 'debian', version: '11.8' }, db).findings.map((f) => f.id)).toEqual(['CVE-2023-2']);
    expect(matchPackages([libc6], { family: 'ubuntu', version: '22.04' }, db).findings).toEqual([]);
    expect(matchPackages([libc6], undefined, db).findings).toEqual([]);
    db.close();
  });

  it('uses the release number of testing systems from their code name', async () => {
    const db = await databaseOf([{ id: 'DEBIAN-CVE-2024-1', ecosystem: 'Debian:13', name: 'bash' }]);
    expect(matchPackages([deb('bash', '5.2.37-1')], { family: 'debian', version: 'trixie/sid', codename: 'trixie' }, db).findings).toHaveLength(1);
    db.close();
  });

  it('Alpine packages match their minor release by origin', async () => {
    const db = await databaseOf([{ id: 'ALPINE-CVE-2024-1', ecosystem: 'Alpine:v3.19', name: 'openssl', fixed: '3.1.4-r6', upstream: ['CVE-2024-1'] }]);
    const pkg: Package = { id: 'a', type: 'apk', name: 'libcrypto3', version: '3.1.4-r5', source: { name: 'openssl' }, purl: 'pkg:apk/alpine/libcrypto3', location: '/lib/apk/db/installed' };
    expect(matchPackages([pkg], { family: 'alpine', version: '3.19.1' }, db).findings.map((f) => f.id)).toEqual(['CVE-2024-1']);
    expect(matchPackages([pkg], { family: 'alpine', version: '3.20.0' }, db).findings).toEqual([]);
    db.close();
  });
});

describe('packages no advisory database covers', () => {
  const db = (): Promise<VulnDatabase> => databaseOf([{ id: 'DEBIAN-CVE-2024-9', ecosystem: 'Debian:12', name: 'bash', upstream: ['CVE-2024-9'] }]);
  const rpm = (name: string): Package => ({ id: `rpm-${name}`, type: 'rpm', name, version: '1.0-1.el9', purl: `pkg:rpm/rhel/${name}@1.0-1.el9`, location: '/var/lib/rpm/rpmdb.sqlite' });

  it('are reported in one warning per package type, naming the type, the OS and the count', async () => {
    const vulndb = await db();
    const result = matchPackages([rpm('bash'), rpm('openssl-libs'), rpm('glibc'), npm('left-pad', '1.0.0')], { family: 'fedora', version: '41' }, vulndb);
    vulndb.close();
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual(['unsupported OS: fedora 41 — 3 rpm packages not matched against any advisory database (rpm packages are matched on almalinux, rocky, rhel, sles, opensuse-leap, opensuse-tumbleweed, azurelinux, mariner only): OSV publishes no Fedora advisories']);
  });

  it('say why for each rpm distribution OSV publishes nothing for, even when Red Hat advisories for the same names are stored', async () => {
    const vulndb = await databaseOf([{ id: 'RHSA-2099:0001', ecosystem: 'Red Hat:enterprise_linux:9::baseos', name: 'bash', fixed: '0:9.9-1.el9' }]);
    const reasons = Object.fromEntries(
      [
        { family: 'centos', version: '9' },
        { family: 'ol', version: '9.4' },
        { family: 'amzn', version: '2023' },
      ].map((os) => [os.family, matchPackages([rpm('bash')], os, vulndb)]),
    );
    vulndb.close();
    for (const result of Object.values(reasons)) expect(result.findings).toEqual([]);
    expect(reasons.centos?.warnings).toEqual([expect.stringMatching(/^unsupported OS: centos 9 — 1 rpm package not matched .*: OSV publishes no CentOS advisories, and Red Hat's describe RHEL builds, not CentOS Stream's$/)]);
    expect(reasons.ol?.warnings).toEqual([expect.stringMatching(/^unsupported OS: ol 9.4 — 1 rpm package not matched .*Oracle Linux's advisories \(ELSA\) are not published in OSV/)]);
    expect(reasons.amzn?.warnings).toEqual([expect.stringMatching(/^unsupported OS: amzn 2023 — 1 rpm package not matched .*Amazon Linux's advisories \(ALAS\) are not published in OSV$/)]);
  });

  it('include Debian packages on an OS Debian’s advisories do not cover, even when their names are in them', async () => {
    const vulndb = await db();
    const devuan = matchPackages([deb('bash', '5.2.15-2'), deb('coreutils', '9.1-1')], { family: 'devuan', version: '5', idLike: ['debian'] }, vulndb);
    const single = matchPackages([deb('bash', '5.2.15-2')], { family: 'devuan', version: '5' }, vulndb);
    const unknownOs = matchPackages([deb('bash', '5.2.15-2')], undefined, vulndb);
    const unknownRelease = matchPackages([deb('bash', '5.2.15-2'), deb('dash', '0.5.12-2')], { family: 'debian', version: '' }, vulndb);
    vulndb.close();
    expect(devuan.findings).toEqual([]);
    expect(devuan.warnings).toEqual(['unsupported OS: devuan 5 — 2 deb packages not matched against any advisory database (deb packages are matched on debian, ubuntu only)']);
    expect(single.warnings).toEqual(['unsupported OS: devuan 5 — 1 deb package not matched against any advisory database (deb packages are matched on debian, ubuntu only)']);
    expect(unknownOs.warnings).toEqual([expect.stringMatching(/^unsupported OS: an unidentified OS .* — 1 deb package not matched/)]);
    expect(unknownRelease.warnings).toEqual([expect.stringMatching(/^unsupported OS release: debian — 2 deb packages not matched: .*no Debian advisories apply/)]);
  });

  it('keep one line per package type however many there are, ahead of other warnings, and leave served packages alone', async () => {
    const vulndb = await databaseOf([{ id: 'GHSA-bad', ecosystem: 'npm', name: 'pkg', introduced: 'not-a-version', fixed: '2.0.0' }]);
    const many = Array.from({ length: 500 }, (_, i) => ({ ...deb(`lib${i}`, '1.0-1'), id: `deb-${i}` }));
    const apk: Package = { id: 'apk-musl', type: 'apk', name: 'musl', version: '1.2.4-r2', purl: 'pkg:apk/alpine/musl@1.2.4-r2', location: '/lib/apk/db/installed' };
    const result = matchPackages([...many, apk, npm('pkg', '1.0.0'), rpm('bash')], { family: 'devuan', version: '5' }, vulndb);
    vulndb.close();
    expect(result.warnings).toEqual([
      expect.stringMatching(/^unsupported OS: devuan 5 — 500 deb packages not matched /),
      expect.stringMatching(/^unsupported OS: devuan 5 — 1 apk package not matched .*\(apk packages are matched on alpine, wolfi, chainguard only\)$/),
      expect.stringMatching(/^unsupported OS: devuan 5 — 1 rpm package not matched against any advisory database \(rpm packages are matched on almalinux, /),
      expect.stringMatching(/^GHSA-bad \(npm pkg\): /),
    ]);
  });

  it('warn about nothing when every package is served', async () => {
    const vulndb = await db();
    const result = matchPackages([deb('bash', '5.2.15-2'), npm('left-pad', '1.0.0')], debian12, vulndb);
    vulndb.close();
    expect(result.findings.map((f) => f.id)).toEqual(['CVE-2024-9']);
    expect(result.warnings).toEqual([]);
  });
});

describe('one finding per flaw', () => {
  it('a CVE, its GHSA and the DSA naming it upstream are one finding', async () => {
    const db = await databaseOf([
      { id: 'DEBIAN-CVE-2023-4911', ecosystem: 'Debian:12', name: 'glibc', fixed: '2.36-9+deb12u3', upstream: ['CVE-2023-4911'], urgency: 'high' },
      { id: 'DSA-5514-1', ecosystem: 'Debian:12', name: 'glibc', fixed: '2.36-9+deb12u3', upstream: ['CVE-2023-4911', 'CVE-2023-4806'] },
      { id: 'DEBIAN-CVE-2023-4806', ecosystem: 'Debian:12', name: 'glibc', fixed: '2.36-9+deb12u3', upstream: ['CVE-2023-4806'], urgency: 'low' },
    ]);
    const { findings } = matchPackages([deb('libc6', '2.36-9+deb12u2', { name: 'glibc' })], debian12, db);
    db.close();
    expect(findings.map((f) => [f.id, f.advisoryIds, f.aliases])).toEqual([
      ['CVE-2023-4911', ['DEBIAN-CVE-2023-4911', 'DSA-5514-1'], ['DEBIAN-CVE-2023-4911', 'DSA-5514-1']],
      ['CVE-2023-4806', ['DEBIAN-CVE-2023-4806', 'DSA-5514-1'], ['DEBIAN-CVE-2023-4806', 'DSA-5514-1']],
    ]);
  });

  it('advisories without a CVE group through their aliases', async () => {
    const db = await databaseOf([
      { id: 'GHSA-aaaa', ecosystem: 'PyPI', name: 'pyyaml', fixed: '5.4', aliases: ['PYSEC-2021-1'] },
      { id: 'PYSEC-2021-1', ecosystem: 'PyPI', name: 'pyyaml', fixed: '5.4', aliases: ['GHSA-aaaa'] },
      { id: 'PYSEC-2022-9', ecosystem: 'PyPI', name: 'pyyaml', fixed: '6.0' },
    ]);
    const pkg: Package = { id: 'p', type: 'pypi', name: 'pyyaml', version: '5.3', purl: 'pkg:pypi/pyyaml@5.3', location: '/x/METADATA' };
    const { findings } = matchPackages([pkg], undefined, db);
    db.close();
    expect(findings.map((f) => [f.id, f.advisoryIds])).toEqual([
      ['GHSA-aaaa', ['GHSA-aaaa', 'PYSEC-2021-1']],
      ['PYSEC-2022-9', ['PYSEC-2022-9']],
    ]);
  });
});

describe('severity', () => {
  const vector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

  it('a CVSS vector in the advisory decides, computed from the vector', async () => {
    const db = await databaseOf([{ id: 'GHSA-1', ecosystem: 'npm', name: 'pkg', aliases: ['CVE-2024-1'], cvss: vector, ghsaSeverity: 'LOW' }]);
    const [finding] = matchPackages([npm('pkg', '1.0.0')], undefined, db).findings;
    db.close();
    expect(finding).toMatchObject({ id: 'CVE-2024-1', severity: 'CRITICAL', severitySource: 'cvss', cvss: { version: '3.1', baseScore: 9.8, source: 'GHSA-1' } });
  });

  it('without a vector, the source’s own rating (GHSA, Debian urgency) comes before enrichment data', async () => {
    const db = await databaseOf(
      [
        { id: 'GHSA-2', ecosystem: 'npm', name: 'pkg', aliases: ['CVE-2024-2'], ghsaSeverity: 'MODERATE' },
        { id: 'DEBIAN-CVE-2024-3', ecosystem: 'Debian:12', name: 'bash', upstream: ['CVE-2024-3'], urgency: 'unimportant' },
      ],
      [['CVE-2024-2', '3.1', vector], ['CVE-2024-3', '3.1', vector]],
    );
    const npmFinding = matchPackages([npm('pkg', '1.0.0')], undefined, db).findings[0];
    const debFinding = matchPackages([deb('bash', '5.2.15-2')], debian12, db).findings[0];
    db.close();
    expect(npmFinding).toMatchObject({ severity: 'MEDIUM', severitySource: 'advisory' });
    expect(npmFinding?.cvssScores.map((s) => s.baseScore)).toEqual([9.8]);
    expect(debFinding).toMatchObject({ severity: 'NEGLIGIBLE', severitySource: 'advisory' });
  });

  it('enrichment data rates what nothing else rates; otherwise UNKNOWN', async () => {
    const db = await databaseOf(
      [
        { id: 'DEBIAN-CVE-2024-4', ecosystem: 'Debian:12', name: 'bash', upstream: ['CVE-2024-4'], urgency: 'not yet assigned' },
        { id: 'DEBIAN-CVE-2024-5', ecosystem: 'Debian:12', name: 'bash', upstream: ['CVE-2024-5'] },
      ],
      [['CVE-2024-4', '2.0', 'AV:N/AC:L/Au:N/C:P/I:P/A:P']],
    );
    const findings = matchPackages([deb('bash', '5.2.15-2')], debian12, db).findings;
    db.close();
    expect(findings.map((f) => [f.id, f.severity, f.severitySource, f.cvss?.baseScore])).toEqual([
      ['CVE-2024-4', 'HIGH', 'cvss', 7.5],
      ['CVE-2024-5', 'UNKNOWN', 'none', undefined],
    ]);
  });
});

describe('rolling apk distributions', () => {
  const apkPackage = (name: string, version: string, origin: string, family: string): Package => ({ id: `apk-${name}`, type: 'apk', name, version, purl: `pkg:apk/${family}/${name}@${version}`, location: '/lib/apk/db/installed', source: { name: origin } });
  const records = [
    { id: 'CGA-aaaa-bbbb-cccc', ecosystem: 'Wolfi', name: 'openssl', fixed: '3.3.2-r1', upstream: ['CVE-2099-4001'] },
    { id: 'CGA-dddd-eeee-ffff', ecosystem: 'Chainguard', name: 'openssl', fixed: '3.3.2-r2', upstream: ['CVE-2099-4002'] },
    { id: 'ALPINE-CVE-2099-4003', ecosystem: 'Alpine:v3.20', name: 'openssl', fixed: '9.9.9-r0', upstream: ['CVE-2099-4003'] },
  ];

  it('match Wolfi and Chainguard packages by origin in their own ecosystem only', async () => {
    const vulndb = await databaseOf(records);
    const wolfi = matchPackages([apkPackage('libcrypto3', '3.3.2-r0', 'openssl', 'wolfi')], { family: 'wolfi', version: '20230201' }, vulndb);
    const chainguard = matchPackages([apkPackage('libcrypto3', '3.3.2-r1', 'openssl', 'chainguard')], { family: 'chainguard', version: '20230214' }, vulndb);
    vulndb.close();
    expect(wolfi.warnings).toEqual([]);
    expect(wolfi.findings.map((finding) => [finding.id, finding.package.ecosystem, finding.package.matchedName, finding.fixedVersions])).toEqual([['CVE-2099-4001', 'Wolfi', 'openssl', ['3.3.2-r1']]]);
    expect(chainguard.findings.map((finding) => [finding.id, finding.package.ecosystem])).toEqual([['CVE-2099-4002', 'Chainguard']]);
  });

  it('warn, naming the download, when the database holds none of the OS\'s advisories', async () => {
    const vulndb = await databaseOf(records.filter((record) => record.ecosystem !== 'Chainguard'));
    const result = matchPackages([apkPackage('libcrypto3', '3.3.2-r1', 'openssl', 'chainguard'), apkPackage('busybox', '1.36.1-r5', 'busybox', 'chainguard')], { family: 'chainguard', version: '20230214' }, vulndb);
    vulndb.close();
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual(['no advisories for chainguard 20230214 in the database — 2 apk packages not matched: it holds no Chainguard advisories; download them with: tollgate db update --ecosystem "Chainguard"']);
  });
});

describe('rpm distributions', () => {
  const alma9: OsInfo = { family: 'almalinux', version: '9.3', idLike: ['rhel', 'centos', 'fedora'], platformId: 'platform:el9' };
  const rocky8: OsInfo = { family: 'rocky', version: '8.9' };
  function rpmPackage(name: string, version: string, extra: Partial<Package> = {}): Package {
    return { id: `rpm-${name}-${version}`, type: 'rpm', name, version, purl: `pkg:rpm/almalinux/${name}@${version}`, location: '/var/lib/rpm/rpmdb.sqlite', ...extra };
  }
  const opensslLibs = rpmPackage('openssl-libs', '1:3.0.7-24.el9', { source: { name: 'openssl' } });

  it('looks a sub-package up by its source package and compares the epoch first', async () => {
    const vulndb = await databaseOf([
      { id: 'ALSA-2023:7877', ecosystem: 'AlmaLinux:9', name: 'openssl', fixed: '1:3.0.7-25.el9_3' },
      // A fix without an epoch is epoch 0: every epoch-1 build is newer, whatever its version.
      { id: 'ALSA-2099:0001', ecosystem: 'AlmaLinux:9', name: 'openssl', fixed: '3.9.9-1.el9' },
      // Another release's advisories never apply.
      { id: 'ALSA-2099:0002', ecosystem: 'AlmaLinux:8', name: 'openssl', fixed: '1:9.9.9-1.el8' },
      // Advisories name the source package, not the binary one.
      { id: 'ALSA-2099:0003', ecosystem: 'AlmaLinux:9', name: 'openssl-libs', fixed: '1:9.9.9-1.el9' },
    ]);
    const result = matchPackages([opensslLibs], alma9, vulndb);
    const older = matchPackages([rpmPackage('openssl-libs', '1:3.0.7-25.el9_3', { source: { name: 'openssl' } })], alma9, vulndb);
    vulndb.close();
    expect(result.warnings).toEqual([]);
    expect(result.findings.map((finding) => [finding.id, finding.package.ecosystem, finding.package.matchedName, finding.package.matchedVersion, finding.fixedVersions])).toEqual([
      ['ALSA-2023:7877', 'AlmaLinux:9', 'openssl', '1:3.0.7-24.el9', ['1:3.0.7-25.el9_3']],
    ]);
    expect(older.findings).toEqual([]);
  });

  it('groups an AlmaLinux erratum under the CVEs it lists as related', async () => {
    const vulndb = await databaseOf([
      { ...osvRecord({ id: 'ALSA-2023:7877', ecosystem: 'AlmaLinux:9', name: 'openssl', fixed: '1:3.0.7-25.el9_3' }), related: ['CVE-2023-3446', 'CVE-2023-3817', 'RHSA-2023:7877'] },
      // A related id of a record that is no distribution erratum stays a different flaw.
      { ...osvRecord({ id: 'GHSA-aaaa-bbbb-cccc', ecosystem: 'npm', name: 'pkg', fixed: '2.0.0' }), related: ['CVE-2000-0001'] },
    ]);
    const result = matchPackages([opensslLibs, npm('pkg', '1.0.0')], alma9, vulndb);
    vulndb.close();
    expect(result.findings.map((finding) => [finding.id, finding.advisoryIds])).toEqual([
      ['CVE-2023-3446', ['ALSA-2023:7877']],
      ['CVE-2023-3817', ['ALSA-2023:7877']],
      ['GHSA-aaaa-bbbb-cccc', ['GHSA-aaaa-bbbb-cccc']],
    ]);
  });

  it('matches a modular package only against advisories for its own module stream', async () => {
    const vulndb = await databaseOf([
      { id: 'ALSA-2099:1818', ecosystem: 'AlmaLinux:9', name: 'nodejs', fixed: '1:18.19.0-1.module_el9.3.0+40+aaaaaaaa', summary: 'Important: nodejs:18 security update' },
      { id: 'ALSA-2099:2020', ecosystem: 'AlmaLinux:9', name: 'nodejs', fixed: '1:20.11.0-1.module_el9.3.0+41+bbbbbbbb', summary: 'Important: nodejs:20 security update' },
      { id: 'ALSA-2099:0016', ecosystem: 'AlmaLinux:9', name: 'nodejs', fixed: '1:16.20.2-1.el9', summary: 'Moderate: nodejs security update' },
    ]);
    const modular18 = rpmPackage('nodejs', '1:18.14.2-2.module_el9.1.0+15+abcdef12', { modularityLabel: 'nodejs:18:9010020230306170042:rhel9' });
    const plain16 = rpmPackage('nodejs', '1:16.14.0-1.el9');
    const result = matchPackages([modular18], alma9, vulndb);
    const nonModular = matchPackages([plain16], alma9, vulndb);
    vulndb.close();
    // Not the nodejs:20 fix (another stream, 20 > 18 would have flagged it) nor the non-modular one.
    expect(result.findings.map((finding) => finding.id)).toEqual(['ALSA-2099:1818']);
    expect(nonModular.findings.map((finding) => finding.id)).toEqual(['ALSA-2099:0016']);
  });

  it('matches Azure Linux packages by source package in their major release, one record per CVE', async () => {
    const vulndb = await databaseOf([
      { id: 'AZL-12345', ecosystem: 'Azure Linux:3', name: 'openssl', fixed: '3.3.2-1.azl3', aliases: ['CVE-2099-3333'] },
      { id: 'AZL-12346', ecosystem: 'Azure Linux:2', name: 'openssl', fixed: '9.9.9-1.cm2', aliases: ['CVE-2099-2222'] },
    ]);
    const result = matchPackages([rpmPackage('openssl-libs', '3.3.0-2.azl3', { source: { name: 'openssl' } })], { family: 'azurelinux', version: '3.0' }, vulndb);
    vulndb.close();
    expect(result.findings.map((finding) => [finding.id, finding.advisoryIds, finding.package.ecosystem])).toEqual([['CVE-2099-3333', ['AZL-12345'], 'Azure Linux:3']]);
  });

  describe('on Red Hat Enterprise Linux', () => {
    const rhel9: OsInfo = { family: 'rhel', version: '9.4', idLike: ['fedora'], platformId: 'platform:el9' };
    const rhelPackage = (name: string, version: string, extra: Partial<Package> = {}): Package => ({ ...rpmPackage(name, version, extra), purl: `pkg:rpm/rhel/${name}@${version}` });

    it('looks binary rpms up by their own name in every mainline stream of the major release, and in no other product', async () => {
      const vulndb = await databaseOf([
        // One erratum, listed per binary rpm in each stream that ships it, as Red Hat publishes it.
        {
          ...osvRecord({ id: 'RHSA-2023:7877', ecosystem: 'Red Hat:enterprise_linux:9::baseos', name: 'openssl', upstream: ['CVE-2023-3446', 'CVE-2023-3817'] }),
          affected: ['Red Hat:enterprise_linux:9::baseos', 'Red Hat:enterprise_linux:9::appstream'].flatMap((ecosystem) =>
            ['openssl', 'openssl-libs'].map((name) => ({ package: { ecosystem, name, purl: `pkg:rpm/redhat/${name}` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-25.el9_3' }] }] })),
          ),
        },
        { id: 'RHSA-2099:0002', ecosystem: 'Red Hat:enterprise_linux:9::crb', name: 'bash', fixed: '0:5.1.8-9.el9' },
        // Not mainline RHEL 9: extended support, another major release, RHEL 10's minor streams, a rebuild.
        { id: 'RHSA-2099:0003', ecosystem: 'Red Hat:rhel_eus:9.2::baseos', name: 'bash', fixed: '0:5.1.8-10.el9_2' },
        { id: 'RHSA-2099:0004', ecosystem: 'Red Hat:enterprise_linux:8::baseos', name: 'bash', fixed: '0:9.9-1.el8' },
        { id: 'RHSA-2099:0005', ecosystem: 'Red Hat:enterprise_linux:10.1', name: 'bash', fixed: '0:9.9-1.el10' },
        { id: 'RHSA-2099:0006', ecosystem: 'Red Hat:enterprise_linux:90::baseos', name: 'bash', fixed: '0:9.9-1.el90' },
        { id: 'ALSA-2099:0007', ecosystem: 'AlmaLinux:9', name: 'bash', fixed: '0:9.9-1.el9' },
      ]);
      const packages = [rhelPackage('openssl-libs', '1:3.0.7-24.el9', { source: { name: 'openssl' } }), rhelPackage('bash', '5.1.8-6.el9_1')];
      const result = matchPackages(packages, rhel9, vulndb);
      vulndb.close();
      expect(result.warnings).toEqual([]);
      expect(result.findings.map((finding) => [finding.id, finding.advisoryIds, finding.package.name, finding.package.ecosystem, finding.package.matchedName, finding.fixedVersions])).toEqual([
        ['CVE-2023-3446', ['RHSA-2023:7877'], 'openssl-libs', 'Red Hat:enterprise_linux:9::appstream', 'openssl-libs', ['1:3.0.7-25.el9_3']],
        ['CVE-2023-3817', ['RHSA-2023:7877'], 'openssl-libs', 'Red Hat:enterprise_linux:9::appstream', 'openssl-libs', ['1:3.0.7-25.el9_3']],
        ['RHSA-2099:0002', ['RHSA-2099:0002'], 'bash', 'Red Hat:enterprise_linux:9::crb', 'bash', ['0:5.1.8-9.el9']],
      ]);
    });

    it('follows every minor-release stream of RHEL 10, and tells module streams apart', async () => {
      const vulndb = await databaseOf([
        { id: 'RHSA-2099:1001', ecosystem: 'Red Hat:enterprise_linux:10.0', name: 'bash', fixed: '0:5.2.26-4.el10_0' },
        { id: 'RHSA-2099:1002', ecosystem: 'Red Hat:enterprise_linux:10.1', name: 'bash', fixed: '0:5.2.26-5.el10_1' },
        { id: 'RHSA-2099:1003', ecosystem: 'Red Hat:enterprise_linux_eus:10.0', name: 'bash', fixed: '0:5.2.26-9.el10_0' },
        { id: 'RHSA-2099:1818', ecosystem: 'Red Hat:enterprise_linux:9::appstream', name: 'nodejs', fixed: '1:18.19.0-1.module+el9.3.0+20000+aaaaaaaa', summary: 'Important: nodejs:18 security update' },
        { id: 'RHSA-2099:2020', ecosystem: 'Red Hat:enterprise_linux:9::appstream', name: 'nodejs', fixed: '1:20.11.0-1.module+el9.3.0+20001+bbbbbbbb', summary: 'Important: nodejs:20 security update' },
      ]);
      const rhel10 = matchPackages([rhelPackage('bash', '5.2.26-3.el10')], { family: 'rhel', version: '10.1' }, vulndb);
      const modular = matchPackages([rhelPackage('nodejs', '1:18.14.2-2.module+el9.1.0+15+abcdef12', { modularityLabel: 'nodejs:18:9010020230306170042:rhel9' })], rhel9, vulndb);
      vulndb.close();
      expect(rhel10.findings.map((finding) => [finding.id, finding.package.ecosystem])).toEqual([
        ['RHSA-2099:1001', 'Red Hat:enterprise_linux:10.0'],
        ['RHSA-2099:1002', 'Red Hat:enterprise_linux:10.1'],
      ]);
      expect(modular.findings.map((finding) => finding.id)).toEqual(['RHSA-2099:1818']);
    });

    it('warns, naming the command, when the database holds no stream of the release', async () => {
      const vulndb = await databaseOf([{ id: 'ALSA-2099:0007', ecosystem: 'AlmaLinux:9', name: 'bash', fixed: '0:9.9-1.el9' }, { id: 'RHSA-2099:0004', ecosystem: 'Red Hat:enterprise_linux:8::baseos', name: 'bash', fixed: '0:9.9-1.el8' }]);
      const result = matchPackages([rhelPackage('bash', '5.1.8-6.el9_1'), rhelPackage('glibc', '2.34-60.el9')], rhel9, vulndb);
      vulndb.close();
      expect(result.findings).toEqual([]);
      expect(result.warnings).toEqual(['no advisories for rhel 9.4 in the database — 2 rpm packages not matched: it holds no Red Hat:enterprise_linux:9 stream; download them with: tollgate db update --ecosystem "Red Hat"']);
    });
  });

  it('matches CBL-Mariner 2.0 in Azure Linux:2 and openSUSE Tumbleweed under its own name, each in its own ecosystem', async () => {
    const vulndb = await databaseOf([
      { id: 'AZL-20001', ecosystem: 'Azure Linux:2', name: 'openssl', fixed: '1.1.1k-31.cm2', aliases: ['CVE-2099-5001'] },
      { id: 'AZL-30001', ecosystem: 'Azure Linux:3', name: 'openssl', fixed: '9.9.9-1.azl3', aliases: ['CVE-2099-5002'] },
      { id: 'openSUSE-SU-2099:0001-1', ecosystem: 'openSUSE:openSUSE Tumbleweed', name: 'openssl-3', fixed: '3.2.3-2.1', upstream: ['CVE-2099-5003'] },
      { id: 'openSUSE-SU-2099:0002-1', ecosystem: 'openSUSE:openSUSE Leap 15.6', name: 'openssl-3', fixed: '9.9.9-1.1', upstream: ['CVE-2099-5004'] },
    ]);
    const mariner = matchPackages([rpmPackage('openssl-libs', '1.1.1k-30.cm2', { source: { name: 'openssl' } })], { family: 'mariner', version: '2.0' }, vulndb);
    const tumbleweed = matchPackages([rpmPackage('libopenssl3', '3.2.3-1.1', { source: { name: 'openssl-3' } })], { family: 'opensuse-tumbleweed', version: '20241201', prettyName: 'openSUSE Tumbleweed' }, vulndb);
    vulndb.close();
    expect(mariner.findings.map((finding) => [finding.id, finding.package.ecosystem])).toEqual([['CVE-2099-5001', 'Azure Linux:2']]);
    expect(tumbleweed.findings.map((finding) => [finding.id, finding.package.ecosystem])).toEqual([['CVE-2099-5003', 'openSUSE:openSUSE Tumbleweed']]);
  });

  it('matches Rocky Linux packages in their own release, with Rocky\'s module spelling', async () => {
    const vulndb = await databaseOf([
      { id: 'RLSA-2099:0001', ecosystem: 'Rocky Linux:8', name: 'bash', fixed: '4.4.20-5.el8' },
      { id: 'RLSA-2099:0002', ecosystem: 'Rocky Linux:8', name: 'nodejs', fixed: '1:18.19.0-1.module+el8.9.0+1700+aaaaaaaa', summary: 'Important: nodejs:18 security update' },
      { id: 'RLSA-2099:0003', ecosystem: 'Rocky Linux:9', name: 'bash', fixed: '9.9-1.el9' },
    ]);
    const result = matchPackages([rpmPackage('bash', '4.4.20-4.el8_6'), rpmPackage('nodejs', '1:18.14.2-1.module+el8.7.0+1100+cccccccc', { modularityLabel: 'nodejs:18:8070020230101:abc' })], rocky8, vulndb);
    vulndb.close();
    expect(result.findings.map((finding) => [finding.id, finding.package.ecosystem])).toEqual([
      ['RLSA-2099:0001', 'Rocky Linux:8'],
      ['RLSA-2099:0002', 'Rocky Linux:8'],
    ]);
  });
});
