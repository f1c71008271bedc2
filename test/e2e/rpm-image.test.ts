/**
 * End to end on an rpm-based image: a root installed by rpm 4.18 from packages built with rpmbuild
 * (test/support/rpm-fixtures.ts), packed into an OCI image, scanned by the built CLI. Its rpm
 * inventory equals `rpm -qa` on the same root, whichever of the three database formats the image
 * holds; AlmaLinux advisories match by source package, epoch and module stream; the Python
 * distribution rpm installed is not reported again as a PyPI package; and the same packages on a
 * distribution without an advisory source are a warning, never a silent pass.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { writeOciLayout, type TestEntry } from '../support/image-builder.js';
import { RHEL_9, rpmFixture, type RpmFixture } from '../support/rpm-fixtures.js';

let fixture: RpmFixture;
let rhel: RpmFixture;
let work: string;
let db: string;

/** Every regular file under `root`, as image entries, with the rpm database left out. */
async function rootEntries(root: string, dir = ''): Promise<TestEntry[]> {
  const entries: TestEntry[] = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const name = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) entries.push(...(await rootEntries(root, name)));
    else if (entry.isFile() && !name.startsWith('var/lib/rpm/')) entries.push({ type: 'file', name, content: await readFile(path.join(root, name)) });
  }
  return entries;
}

async function imageWith(name: string, database: { path: string; content: Buffer }, osRelease?: string, root = fixture.root): Promise<string> {
  const layout = path.join(work, name);
  const files = (await rootEntries(root)).map((entry) => (osRelease && entry.type === 'file' && entry.name === 'etc/os-release' ? { ...entry, content: osRelease } : entry));
  await writeOciLayout(layout, [{ tag: 'latest', layers: [{ entries: [...files, { type: 'file', name: database.path, content: database.content }] }] }]);
  return `oci:${layout}:latest`;
}

async function scan(reference: string, ...flags: string[]): Promise<ScanResult> {
  const result = await runTollgate(['image', 'scan', reference, ...flags, '--db', db, '--format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ScanResult;
}

/** The scan's rpm packages in the oracle's `name\tepoch:version-release\tarch` form. */
function inventory(result: ScanResult): string[] {
  return result.packages
    .filter((pkg) => pkg.type === 'rpm')
    .map((pkg) => `${pkg.name}\t${pkg.version}\t${pkg.architecture ?? ''}`)
    .sort();
}

function oracle(): string[] {
  return fixture.rpmQa
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t').slice(0, 3).join('\t'))
    .sort();
}

beforeAll(async () => {
  fixture = await rpmFixture();
  rhel = await rpmFixture(RHEL_9);
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-rpm-e2e-'));
  db = path.join(work, 'vuln.db');
  // AlmaLinux's and Red Hat's errata for the same packages in one database: each image must take only its own.
  const imported = await runTollgate(['db', 'import', ...['almalinux', 'redhat', 'azurelinux', 'opensuse'].map((folder) => path.join(REPO_ROOT, 'test/data/osv', folder)), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('an AlmaLinux image', () => {
  it('lists exactly what rpm -qa lists, from rpmdb.sqlite, a Berkeley DB Packages or an ndb Packages.db', async () => {
    const databases = [
      { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite')) },
      { path: 'var/lib/rpm/Packages', content: await readFile(fixture.bdbLittle) },
      { path: 'usr/lib/sysimage/rpm/Packages.db', content: await readFile(fixture.ndb) },
    ];
    for (const [index, database] of databases.entries()) {
      const result = await scan(await imageWith(`alma-${index}`, database));
      expect(inventory(result), database.path).toEqual(oracle());
      expect(result.packages.find((pkg) => pkg.name === 'openssl-libs')).toMatchObject({ location: `/${database.path}`, source: { name: 'openssl' }, purl: 'pkg:rpm/almalinux/openssl-libs@1:3.0.7-24.el9?arch=x86_64&distro=almalinux-9.1&upstream=openssl' });
    }
  }, 300_000);

  it('counts each package once when the database is in both rpm folders, or an old-format copy lies beside it', async () => {
    const sqlite = await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite'));
    const layout = path.join(work, 'alma-twice');
    const files = await rootEntries(fixture.root);
    const databases = [
      { type: 'file' as const, name: 'var/lib/rpm/rpmdb.sqlite', content: sqlite },
      { type: 'file' as const, name: 'usr/lib/sysimage/rpm/rpmdb.sqlite', content: sqlite },
      { type: 'file' as const, name: 'var/lib/rpm/Packages', content: await readFile(fixture.bdbBig) },
    ];
    await writeOciLayout(layout, [{ tag: 'latest', layers: [{ entries: [...files, ...databases] }] }]);
    expect(inventory(await scan(`oci:${layout}:latest`))).toEqual(oracle());
  }, 300_000);

  it('matches AlmaLinux errata by source package, epoch and module stream, grouped under their CVEs', async () => {
    const result = await scan(await imageWith('alma-findings', { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite')) }));
    expect(result.os).toMatchObject({ family: 'almalinux', version: '9.1', platformId: 'platform:el9' });
    expect(result.warnings ?? []).toEqual([]);
    const findings = result.findings.map((finding) => `${finding.id} ${finding.package.name} ${finding.package.ecosystem} ${finding.package.matchedName} ${finding.fixedVersions.join(',')}`).sort();
    expect(findings).toEqual([
      'CVE-2023-3446 openssl AlmaLinux:9 openssl 1:3.0.7-25.el9_3',
      'CVE-2023-3446 openssl-libs AlmaLinux:9 openssl 1:3.0.7-25.el9_3',
      'CVE-2023-3817 openssl AlmaLinux:9 openssl 1:3.0.7-25.el9_3',
      'CVE-2023-3817 openssl-libs AlmaLinux:9 openssl 1:3.0.7-25.el9_3',
      'CVE-2023-5678 openssl AlmaLinux:9 openssl 1:3.0.7-25.el9_3',
      'CVE-2023-5678 openssl-libs AlmaLinux:9 openssl 1:3.0.7-25.el9_3',
      'CVE-2099-1818 nodejs AlmaLinux:9 nodejs 1:18.19.0-1.module_el9.3.0+40+aaaaaaaa',
    ]);
  }, 300_000);

  it('does not report the Python distribution AlmaLinux\'s rpm installed as a PyPI package, unless asked to; a third party\'s rpm owns nothing', async () => {
    const image = await imageWith('alma-owned', { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite')) });
    expect(fixture.fileLists['python3-requests']).toContain('/usr/lib/python3.9/site-packages/requests-2.25.1-py3.9.egg-info/PKG-INFO');
    expect(fixture.fileLists['thirdparty-agent']).toContain('/opt/agent/lib/python3.9/site-packages/agentlib-1.0.dist-info/METADATA');
    const pypi = async (...flags: string[]): Promise<string[]> => (await scan(image, ...flags)).packages.filter((pkg) => pkg.type === 'pypi').map((pkg) => `${pkg.name} ${pkg.version} ${pkg.location}`).sort();
    expect(await pypi()).toEqual(['agentlib 1.0 /opt/agent/lib/python3.9/site-packages/agentlib-1.0.dist-info/METADATA']);
    expect(await pypi('--scan-os-owned-files')).toEqual([
      'agentlib 1.0 /opt/agent/lib/python3.9/site-packages/agentlib-1.0.dist-info/METADATA',
      'requests 2.25.1 /usr/lib/python3.9/site-packages/requests-2.25.1-py3.9.egg-info/PKG-INFO',
    ]);
  }, 300_000);
});

describe('a Red Hat Enterprise Linux image', () => {
  const rhelImage = async (name: string, osRelease?: string): Promise<string> =>
    imageWith(name, { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(rhel.root, 'var/lib/rpm/rpmdb.sqlite')) }, osRelease, rhel.root);

  it('lists what rpm -qa lists, with Red Hat as the vendor and Red Hat\'s module spelling', async () => {
    const result = await scan(await rhelImage('rhel-inventory'));
    const rhelOracle = rhel.rpmQa.split('\n').filter(Boolean).map((line) => line.split('\t').slice(0, 3).join('\t')).sort();
    expect(inventory(result)).toEqual(rhelOracle);
    expect(rhel.rpmQa).toMatch(/^nodejs\t1:18\.14\.2-2\.module\+el9\.1\.0\+15\+abcdef12\t.*\tRed Hat, Inc\.\tnodejs:18:/m);
    expect(result.packages.find((pkg) => pkg.name === 'openssl-libs')).toMatchObject({ purl: 'pkg:rpm/rhel/openssl-libs@1:3.0.7-24.el9?arch=x86_64&distro=rhel-9.4&upstream=openssl' });
  }, 300_000);

  it('matches Red Hat errata by binary rpm in the mainline RHEL 9 streams, never AlmaLinux errata, extended-support or RHEL 8 ones', async () => {
    const result = await scan(await rhelImage('rhel-findings'));
    expect(result.os).toMatchObject({ family: 'rhel', version: '9.4', platformId: 'platform:el9' });
    expect(result.warnings ?? []).toEqual([]);
    const findings = result.findings.map((finding) => `${finding.id} ${finding.package.name} ${finding.package.ecosystem} ${finding.package.matchedName} ${finding.advisoryIds.join(',')} ${finding.fixedVersions.join(',')}`).sort();
    expect(findings).toEqual([
      'CVE-2023-3446 openssl Red Hat:enterprise_linux:9::baseos openssl RHSA-2023:7877 1:3.0.7-25.el9_3',
      'CVE-2023-3446 openssl-libs Red Hat:enterprise_linux:9::baseos openssl-libs RHSA-2023:7877 1:3.0.7-25.el9_3',
      'CVE-2023-3817 openssl Red Hat:enterprise_linux:9::baseos openssl RHSA-2023:7877 1:3.0.7-25.el9_3',
      'CVE-2023-3817 openssl-libs Red Hat:enterprise_linux:9::baseos openssl-libs RHSA-2023:7877 1:3.0.7-25.el9_3',
      'CVE-2023-5678 openssl Red Hat:enterprise_linux:9::baseos openssl RHSA-2023:7877 1:3.0.7-25.el9_3',
      'CVE-2023-5678 openssl-libs Red Hat:enterprise_linux:9::baseos openssl-libs RHSA-2023:7877 1:3.0.7-25.el9_3',
      'CVE-2099-2818 nodejs Red Hat:enterprise_linux:9::appstream nodejs RHSA-TEST:0018 1:18.19.0-1.module+el9.3.0+20000+aaaaaaaa',
      'CVE-2099-2950 tollgate-docs Red Hat:enterprise_linux:9::crb tollgate-docs RHSA-TEST:0200 0:2.4-4.el9',
    ]);
  }, 300_000);

  it('does not report the Python distribution Red Hat\'s rpm installed as a PyPI package', async () => {
    const result = await scan(await rhelImage('rhel-owned'));
    expect(result.packages.filter((pkg) => pkg.type === 'pypi').map((pkg) => pkg.name)).toEqual(['agentlib']);
  }, 300_000);

  it('warns, naming the download, when the database has no Red Hat advisories', async () => {
    const almaOnly = path.join(work, 'alma-only.db');
    const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/almalinux'), '--db', almaOnly]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = await runTollgate(['image', 'scan', await rhelImage('rhel-no-data'), '--db', almaOnly, '--format', 'json']);
    const parsed = JSON.parse(result.stdout) as ScanResult;
    expect(parsed.findings).toEqual([]);
    expect(parsed.warnings).toEqual(['no advisories for rhel 9.4 in the database — 8 rpm packages not matched: it holds no Red Hat:enterprise_linux:9 stream; download them with: tollgate db update --ecosystem "Red Hat"']);
  }, 300_000);
});

describe('CBL-Mariner 2.0 and openSUSE Tumbleweed images', () => {
  it.each([
    ['mariner', 'NAME="Common Base Linux Mariner"\nVERSION="2.0.20240123"\nID=mariner\nVERSION_ID="2.0"\nPRETTY_NAME="CBL-Mariner/Linux"\n', 'CVE-2099-6001', 'Azure Linux:2', '1:3.0.7-30.cm2'],
    ['opensuse-tumbleweed', 'NAME="openSUSE Tumbleweed"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20241201"\nPRETTY_NAME="openSUSE Tumbleweed"\n', 'CVE-2099-6003', 'openSUSE:openSUSE Tumbleweed', '1:3.0.7-31.1'],
  ])('%s: matched by source rpm in its own ecosystem, not its sibling release\'s', async (name, osRelease, cve, ecosystem, fixed) => {
    const result = await scan(await imageWith(`served-${name}`, { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(rhel.root, 'var/lib/rpm/rpmdb.sqlite')) }, osRelease, rhel.root));
    expect(result.warnings ?? []).toEqual([]);
    expect(result.findings.map((finding) => `${finding.id} ${finding.package.name} ${finding.package.ecosystem} ${finding.package.matchedName} ${finding.fixedVersions.join(',')}`).sort()).toEqual([
      `${cve} openssl ${ecosystem} openssl ${fixed}`,
      `${cve} openssl-libs ${ecosystem} openssl ${fixed}`,
    ]);
  }, 300_000);
});

describe('rpm packages on a distribution without an advisory source', () => {
  it.each([
    ['centos', 'NAME="CentOS Stream"\nVERSION="9"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="CentOS Stream 9"\n', /^unsupported OS: centos 9 — 8 rpm packages not matched .*: OSV publishes no CentOS advisories, and Red Hat's describe RHEL builds, not CentOS Stream's$/],
    ['ol', 'NAME="Oracle Linux Server"\nVERSION="9.4"\nID="ol"\nID_LIKE="fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Oracle Linux Server 9.4"\n', /^unsupported OS: ol 9.4 — 8 rpm packages not matched .*: Oracle Linux's advisories \(ELSA\) are not published in OSV/],
    ['amzn', 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPLATFORM_ID="platform:al2023"\nPRETTY_NAME="Amazon Linux 2023.5.20240805"\n', /^unsupported OS: amzn 2023 — 8 rpm packages not matched .*: Amazon Linux's advisories \(ALAS\) are not published in OSV$/],
  ])('%s: a warning with the reason, never RHEL\'s advisories for the same el9 rpms', async (name, osRelease, warning) => {
    const result = await scan(await imageWith(`unserved-${name}`, { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(rhel.root, 'var/lib/rpm/rpmdb.sqlite')) }, osRelease, rhel.root));
    expect(inventory(result)).toHaveLength(8);
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(warning)]);
  }, 300_000);

  it('are a warning naming the OS and the count, never a silent pass', async () => {
    const fedora = 'NAME="Fedora Linux"\nVERSION="41 (Container Image)"\nID=fedora\nVERSION_ID=41\nPLATFORM_ID="platform:f41"\nPRETTY_NAME="Fedora Linux 41 (Container Image)"\n';
    const result = await scan(await imageWith('fedora', { path: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite')) }, fedora));
    expect(inventory(result)).toEqual(oracle());
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^unsupported OS: fedora 41 — 8 rpm packages not matched/)]);
  }, 300_000);
});
