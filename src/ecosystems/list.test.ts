import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { PACKAGE_TYPES, type OsInfo, type PackageRecord, type PackageType } from '../model/package.js';
import { VERSION_SCHEMES } from '../versions/list.js';
import { DEFAULT_ECOSYSTEMS } from '../vulndb/ecosystems.js';
import { normalizePackageName } from '../vulndb/schema.js';
import { debianRelease } from './debian/index.js';
import { defaultDownloads, ECOSYSTEMS, ecosystemFor, normalizeAdvisoryName, purlFor, schemeForPackageType, UNSUPPORTED_PACKAGE_TYPES } from './list.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('the list of ecosystems', () => {
  it('has one folder per descriptor, and a descriptor per folder, each with its index.ts and readme.md', () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(ECOSYSTEMS.map((descriptor) => descriptor.id).sort());
    for (const folder of folders) {
      expect(existsSync(path.join(here, folder, 'index.ts')), `${folder}/index.ts`).toBe(true);
      expect(existsSync(path.join(here, folder, 'readme.md')), `${folder}/readme.md`).toBe(true);
    }
  });

  it('gives every package type a descriptor or a deliberate, explained absence, never both', () => {
    for (const type of PACKAGE_TYPES) {
      const described = ECOSYSTEMS.some((descriptor) => descriptor.packageType === type);
      const unsupported = UNSUPPORTED_PACKAGE_TYPES.get(type);
      expect(described !== (unsupported !== undefined), `${type}: exactly one of a descriptor or an unsupported entry`).toBe(true);
      if (unsupported) expect(unsupported.reason.length).toBeGreaterThan(10);
    }
  });

  it('names package types as the result schema does', () => {
    const schema = readFileSync(path.join(here, '../../docs/schema/scan-result.schema.json'), 'utf8');
    const enums = [...schema.matchAll(/"type": \{ "enum": (\[[^\]]*\]) \}/g)].map((match) => JSON.parse(match[1] as string) as string[]);
    expect(enums).toHaveLength(2);
    for (const listed of enums) expect(listed).toEqual([...PACKAGE_TYPES]);
  });

  it('has unique ids and (package type, OS) pairs; descriptors sharing an OSV ecosystem agree on it', () => {
    const unique = (values: string[]): void => expect(new Set(values).size).toBe(values.length);
    unique(ECOSYSTEMS.map((descriptor) => descriptor.id));
    unique(ECOSYSTEMS.map((descriptor) => `${descriptor.packageType} ${descriptor.osFamily ?? '(any OS)'}`));
    // One OSV ecosystem may serve several os-release IDs of one lineage (CBL-Mariner and Azure Linux,
    // openSUSE Leap and Tumbleweed): the import normalises its names once, and downloads it once.
    const sample = ['Some_Name.x', 'Foo-Bar', 'lib++'];
    for (const descriptor of ECOSYSTEMS) {
      for (const other of ECOSYSTEMS.filter((candidate) => candidate.osv.ecosystem === descriptor.osv.ecosystem)) {
        expect([other.packageType, other.versionScheme, other.osv.downloadByDefault, ...sample.map(other.normalizeName)], `${other.id} and ${descriptor.id}`).toEqual([descriptor.packageType, descriptor.versionScheme, descriptor.osv.downloadByDefault, ...sample.map(descriptor.normalizeName)]);
      }
      const sharing = ECOSYSTEMS.filter((candidate) => candidate.osv.ecosystem === descriptor.osv.ecosystem);
      if (descriptor.osFamily === undefined) expect(sharing, `${descriptor.id}: a language ecosystem has one descriptor`).toEqual([descriptor]);
    }
    // A language descriptor serves every OS: an OS descriptor of the same type could never be chosen.
    for (const language of ECOSYSTEMS.filter((descriptor) => descriptor.osFamily === undefined)) {
      expect(ECOSYSTEMS.filter((descriptor) => descriptor.packageType === language.packageType)).toEqual([language]);
    }
  });

  it('orders every package type by a scheme src/versions/list.ts has, the same for every descriptor of the type', () => {
    for (const descriptor of ECOSYSTEMS) expect(VERSION_SCHEMES.has(descriptor.versionScheme), descriptor.id).toBe(true);
    for (const entry of UNSUPPORTED_PACKAGE_TYPES.values()) expect(VERSION_SCHEMES.has(entry.versionScheme)).toBe(true);
    for (const type of PACKAGE_TYPES) {
      const schemes = new Set(ECOSYSTEMS.filter((descriptor) => descriptor.packageType === type).map((descriptor) => descriptor.versionScheme));
      expect(schemes.size, type).toBeLessThanOrEqual(1);
    }
    const byType = Object.fromEntries(PACKAGE_TYPES.map((type) => [type, schemeForPackageType(type).id]));
    expect(byType).toEqual({ deb: 'dpkg', apk: 'apk', rpm: 'rpm', npm: 'semver', pypi: 'pep440', maven: 'maven', golang: 'go', cargo: 'semver', gem: 'gem', composer: 'composer', nuget: 'nuget' });
  });

  it('downloads the same OSV ecosystems by default as before descriptors, in the same order, then the new ones', () => {
    expect(defaultDownloads()).toEqual(['Debian', 'Ubuntu', 'Alpine', 'npm', 'PyPI', 'AlmaLinux', 'Rocky Linux', 'Maven', 'Go', 'crates.io', 'RubyGems', 'Packagist', 'NuGet']);
    expect(DEFAULT_ECOSYSTEMS).toEqual(defaultDownloads());
  });
});

describe('OSV ecosystems and advisory names', () => {
  const debian12: OsInfo = { family: 'debian', version: '12', codename: 'bookworm' };

  it.each([
    ['deb', debian12, 'Debian:12'],
    ['deb', { family: 'debian', version: '11.8' }, 'Debian:11'],
    ['deb', { family: 'debian', version: 'trixie/sid', codename: 'trixie' }, 'Debian:13'],
    ['deb', { family: 'debian', version: '', codename: 'forky' }, 'Debian:14'],
    ['deb', { family: 'ubuntu', version: '22.04' }, 'Ubuntu:22.04:LTS'],
    ['deb', { family: 'ubuntu', version: '23.10' }, 'Ubuntu:23.10'],
    ['deb', { family: 'ubuntu', version: '21.04' }, 'Ubuntu:21.04'],
    ['apk', { family: 'alpine', version: '3.19.1' }, 'Alpine:v3.19'],
    ['apk', { family: 'alpine', version: '3.20.0_alpha20240329' }, 'Alpine:v3.20'],
    ['apk', { family: 'wolfi', version: '20230201' }, 'Wolfi'],
    ['apk', { family: 'chainguard', version: '20230214' }, 'Chainguard'],
    ['npm', undefined, 'npm'],
    ['npm', debian12, 'npm'],
    ['pypi', { family: 'alpine', version: '3.19.1' }, 'PyPI'],
    ['rpm', { family: 'almalinux', version: '9.3' }, 'AlmaLinux:9'],
    ['rpm', { family: 'almalinux', version: '', platformId: 'platform:el8' }, 'AlmaLinux:8'],
    ['rpm', { family: 'rocky', version: '8.9' }, 'Rocky Linux:8'],
    ['rpm', { family: 'rhel', version: '9.4' }, 'Red Hat:enterprise_linux:9'],
    ['rpm', { family: 'rhel', version: '10.1' }, 'Red Hat:enterprise_linux:10'],
    ['rpm', { family: 'sles', version: '15.5', prettyName: 'SUSE Linux Enterprise Server 15 SP5' }, 'SUSE:SUSE Linux Enterprise Server 15 SP5'],
    ['rpm', { family: 'opensuse-leap', version: '15.5', prettyName: 'openSUSE Leap 15.5' }, 'openSUSE:openSUSE Leap 15.5'],
    ['rpm', { family: 'azurelinux', version: '3.0' }, 'Azure Linux:3'],
    ['rpm', { family: 'mariner', version: '2.0' }, 'Azure Linux:2'],
    ['rpm', { family: 'opensuse-tumbleweed', version: '20241201', prettyName: 'openSUSE Tumbleweed' }, 'openSUSE:openSUSE Tumbleweed'],
    ['golang', debian12, 'Go'],
    ['cargo', undefined, 'crates.io'],
    ['gem', debian12, 'RubyGems'],
    ['composer', undefined, 'Packagist'],
    ['nuget', { family: 'alpine', version: '3.19.1' }, 'NuGet'],
  ] as [PackageType, OsInfo | undefined, string][])('%s on %j is matched in %s', (type, os, ecosystem) => {
    expect(ecosystemFor(type, os)?.osvEcosystemFor(os)).toBe(ecosystem);
  });

  it.each([
    ['deb', { family: 'devuan', version: '5' }],
    ['deb', undefined],
    ['apk', { family: 'debian', version: '12' }],
    ['rpm', { family: 'centos', version: '9' }],
    ['rpm', { family: 'fedora', version: '41' }],
    ['rpm', { family: 'amzn', version: '2023' }],
    ['rpm', { family: 'ol', version: '9.3' }],
    ['constructor' as PackageType, debian12],
  ] as [PackageType, OsInfo | undefined][])('no descriptor serves %s on %j', (type, os) => {
    expect(ecosystemFor(type, os)).toBeUndefined();
  });

  it('cannot place a release the OS does not name', () => {
    expect(ecosystemFor('deb', { family: 'debian', version: '' })?.osvEcosystemFor({ family: 'debian', version: '' })).toBeUndefined();
    expect(debianRelease('sid', undefined)).toBeUndefined();
    expect(debianRelease('', 'constructor')).toBeUndefined();
    expect(ecosystemFor('deb', { family: 'ubuntu', version: 'devel' })?.osvEcosystemFor({ family: 'ubuntu', version: 'devel' })).toBeUndefined();
    expect(ecosystemFor('apk', { family: 'alpine', version: 'edge' })?.osvEcosystemFor({ family: 'alpine', version: 'edge' })).toBeUndefined();
    expect(ecosystemFor('rpm', { family: 'almalinux', version: '' })?.osvEcosystemFor({ family: 'almalinux', version: '' })).toBeUndefined();
    expect(ecosystemFor('rpm', { family: 'sles', version: '15.5' })?.osvEcosystemFor({ family: 'sles', version: '15.5' })).toBeUndefined();
    expect(ecosystemFor('rpm', { family: 'rhel', version: '' })?.osvEcosystemFor({ family: 'rhel', version: '' })).toBeUndefined();
  });

  it('serves RHEL N from the mainline streams of N only: any repository, any minor release, no extended-support product', () => {
    const rhel = ecosystemFor('rpm', { family: 'rhel', version: '9.4' });
    const accepts = (ecosystem: string, version: string): boolean | undefined => rhel?.streamApplies?.(ecosystem, { family: 'rhel', version });
    for (const stream of ['Red Hat:enterprise_linux:9', 'Red Hat:enterprise_linux:9::baseos', 'Red Hat:enterprise_linux:9::appstream', 'Red Hat:enterprise_linux:9::crb', 'Red Hat:enterprise_linux:9.2::sap']) expect(accepts(stream, '9.4'), stream).toBe(true);
    for (const stream of ['Red Hat:enterprise_linux:8::baseos', 'Red Hat:enterprise_linux:90::baseos', 'Red Hat:enterprise_linux:9x', 'Red Hat:rhel_eus:9.2::baseos', 'Red Hat:rhel_aus:9.2::appstream', 'Red Hat:enterprise_linux_eus:9.0', 'AlmaLinux:9']) expect(accepts(stream, '9.4'), stream).toBe(false);
    expect(accepts('Red Hat:enterprise_linux:10.1', '10.0')).toBe(true);
    expect(accepts('Red Hat:enterprise_linux:10.0', '10.1')).toBe(true);
    expect(accepts('Red Hat:enterprise_linux:1', '10.1')).toBe(false);
    expect(accepts('Red Hat:enterprise_linux_eus:10.0', '10.0')).toBe(false);
    expect(accepts('Red Hat:enterprise_linux:9::baseos', '')).toBe(false);
  });

  it('names every OS release ecosystem after the descriptor’s OSV ecosystem, so one normalisation serves import and lookup', () => {
    const samples: OsInfo[] = [
      debian12,
      { family: 'ubuntu', version: '24.04' },
      { family: 'alpine', version: '3.21.2' },
      { family: 'almalinux', version: '9.5' },
      { family: 'rocky', version: '9.5' },
      { family: 'rhel', version: '9.5' },
      { family: 'sles', version: '15.6', prettyName: 'SUSE Linux Enterprise Server 15 SP6' },
      { family: 'opensuse-leap', version: '15.6', prettyName: 'openSUSE Leap 15.6' },
      { family: 'azurelinux', version: '3.0' },
      { family: 'mariner', version: '2.0' },
      { family: 'opensuse-tumbleweed', version: '20241201', prettyName: 'openSUSE Tumbleweed' },
    ];
    for (const descriptor of ECOSYSTEMS) {
      const os = samples.find((sample) => sample.family === descriptor.osFamily);
      const ecosystem = descriptor.osvEcosystemFor(os) as string;
      // A rolling distribution (Wolfi) has one ecosystem without a release suffix.
      if (descriptor.osFamily) expect(ecosystem === descriptor.osv.ecosystem || ecosystem.startsWith(`${descriptor.osv.ecosystem}:`), descriptor.id).toBe(true);
      else expect(ecosystem).toBe(descriptor.osv.ecosystem);
      expect(normalizeAdvisoryName(ecosystem, 'Some_Name.x')).toBe(descriptor.normalizeName('Some_Name.x'));
    }
  });

  it('normalises PyPI names per PEP 503 and keeps every other ecosystem’s names exact', () => {
    expect(normalizeAdvisoryName('PyPI', 'Ruamel.YAML')).toBe('ruamel-yaml');
    expect(normalizePackageName('PyPI', 'zope.interface')).toBe('zope-interface');
    expect(normalizeAdvisoryName('Debian:12', 'Foo_Bar.x')).toBe('Foo_Bar.x');
    expect(normalizeAdvisoryName('npm', 'JSONStream')).toBe('JSONStream');
    expect(normalizeAdvisoryName('Maven', 'org.Apache:Log_4j')).toBe('org.Apache:Log_4j');
    expect(normalizePackageName('', 'A.b')).toBe('A.b');
    expect(normalizeAdvisoryName('RubyGems', 'RedCloth')).toBe('RedCloth');
    expect(normalizeAdvisoryName('Packagist', 'Symfony/Http-Kernel')).toBe('symfony/http-kernel');
    expect(normalizeAdvisoryName('NuGet', 'Newtonsoft.Json')).toBe('newtonsoft.json');
  });

  it('looks OS packages up by source package and source version, Alpine ones by origin, language ones as installed', () => {
    const libc6: PackageRecord = { type: 'deb', name: 'libc6', version: '2.36-9+deb12u4+b1', source: { name: 'glibc', version: '2.36-9+deb12u4' }, location: '/var/lib/dpkg/status' };
    const bash: PackageRecord = { type: 'deb', name: 'bash', version: '5.2.15-2+b8', location: '/var/lib/dpkg/status' };
    const libcrypto: PackageRecord = { type: 'apk', name: 'libcrypto3', version: '3.1.4-r5', source: { name: 'openssl' }, location: '/lib/apk/db/installed' };
    const lodash: PackageRecord = { type: 'npm', name: 'lodash', version: '4.17.15', source: { name: 'other' }, location: '/x' };
    expect(ecosystemFor('deb', debian12)?.advisoryQuery(libc6)).toEqual({ name: 'glibc', version: '2.36-9+deb12u4' });
    expect(ecosystemFor('deb', { family: 'ubuntu', version: '22.04' })?.advisoryQuery(libc6)).toEqual({ name: 'glibc', version: '2.36-9+deb12u4' });
    expect(ecosystemFor('deb', debian12)?.advisoryQuery(bash)).toEqual({ name: 'bash', version: '5.2.15-2+b8' });
    expect(ecosystemFor('apk', { family: 'alpine', version: '3.19.1' })?.advisoryQuery(libcrypto)).toEqual({ name: 'openssl', version: '3.1.4-r5' });
    expect(ecosystemFor('npm', undefined)?.advisoryQuery(lodash)).toEqual({ name: 'lodash', version: '4.17.15' });
    const opensslLibs: PackageRecord = { type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', source: { name: 'openssl' }, location: '/var/lib/rpm/rpmdb.sqlite' };
    for (const family of ['almalinux', 'rocky', 'sles', 'opensuse-leap', 'opensuse-tumbleweed', 'azurelinux', 'mariner']) {
      expect(ecosystemFor('rpm', { family, version: '9' })?.advisoryQuery(opensslLibs), family).toEqual({ name: 'openssl', version: '1:3.0.7-24.el9' });
    }
    // Red Hat names every binary rpm in its advisories.
    expect(ecosystemFor('rpm', { family: 'rhel', version: '9' })?.advisoryQuery(opensslLibs)).toEqual({ name: 'openssl-libs', version: '1:3.0.7-24.el9' });
  });
});

describe('purls', () => {
  const oses: (OsInfo | undefined)[] = [undefined, { family: 'debian', version: '12' }, { family: 'ubuntu', version: '22.04' }, { family: 'alpine', version: '3.19.1' }, { family: 'devuan', version: '5' }, { family: 'rhel', version: '9.3' }];

  it.each([
    [{ type: 'deb', name: 'bash', version: '5.2.15-2+b8', location: '/x' }, { family: 'devuan', version: '5' }, 'pkg:deb/devuan/bash@5.2.15-2+b8?distro=devuan-5'],
    [{ type: 'deb', name: 'bash', version: '5.2.15-2+b8', location: '/x' }, undefined, 'pkg:deb/debian/bash@5.2.15-2+b8'],
    [{ type: 'apk', name: 'musl', version: '1.2.4-r2', location: '/x' }, undefined, 'pkg:apk/alpine/musl@1.2.4-r2'],
    [{ type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-25.el9_3', architecture: 'x86_64', source: { name: 'openssl' }, location: '/x' }, { family: 'rhel', version: '9.3' }, 'pkg:rpm/rhel/openssl-libs@1:3.0.7-25.el9_3?arch=x86_64&distro=rhel-9.3&upstream=openssl'],
    [{ type: 'rpm', name: 'bash', version: '5.1.8-6.el9', location: '/x' }, undefined, 'pkg:rpm/redhat/bash@5.1.8-6.el9'],
    [{ type: 'npm', name: '@scope/', version: '1.0.0', location: '/x' }, undefined, 'pkg:npm/%40scope%2F@1.0.0'],
    [{ type: 'pypi', name: 'Ruamel.YAML', version: '0.18.6', location: '/x' }, undefined, 'pkg:pypi/ruamel-yaml@0.18.6'],
    [{ type: 'pypi', name: 'zope__interface', version: '6.0', location: '/x' }, undefined, 'pkg:pypi/zope-interface@6.0'],
    [{ type: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.19.0', location: '/x' }, undefined, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0'],
    [{ type: 'maven', name: 'groovy-all', version: '2.4.21', location: '/x', identityFrom: 'manifest' }, undefined, 'pkg:generic/groovy-all@2.4.21'],
    [{ type: 'golang', name: 'github.com/Sirupsen/logrus', version: 'v1.0.0', location: '/x' }, undefined, 'pkg:golang/github.com/Sirupsen/logrus@v1.0.0'],
    [{ type: 'golang', name: 'stdlib', version: 'v1.19.8', location: '/x' }, undefined, 'pkg:golang/stdlib@v1.19.8'],
    [{ type: 'golang', name: 'golang.org/x/text', version: 'v0.0.0-20191109021931-daa7c04131f5', location: '/x' }, undefined, 'pkg:golang/golang.org/x/text@v0.0.0-20191109021931-daa7c04131f5'],
    [{ type: 'cargo', name: 'smallvec', version: '1.6.0', location: '/x' }, undefined, 'pkg:cargo/smallvec@1.6.0'],
    [{ type: 'gem', name: 'rack', version: '2.2.22', location: '/x' }, undefined, 'pkg:gem/rack@2.2.22'],
    [{ type: 'gem', name: 'nokogiri', version: '1.15.4', architecture: 'x86_64-linux', location: '/x' }, undefined, 'pkg:gem/nokogiri@1.15.4?platform=x86_64-linux'],
    [{ type: 'gem', name: 'json', version: '2.6.1', architecture: 'ruby', location: '/x' }, undefined, 'pkg:gem/json@2.6.1'],
    [{ type: 'composer', name: 'Symfony/Http-Kernel', version: 'v5.4.20', location: '/x' }, undefined, 'pkg:composer/symfony/http-kernel@v5.4.20'],
    [{ type: 'composer', name: 'vendor/', version: '1.0', location: '/x' }, undefined, 'pkg:composer/vendor%2F@1.0'],
    [{ type: 'nuget', name: 'Newtonsoft.Json', version: '13.0.1', location: '/x' }, undefined, 'pkg:nuget/Newtonsoft.Json@13.0.1'],
  ])('%j on %j is %s', (record, os, expected) => expect(purlFor(record as PackageRecord, os)).toBe(expected));

  it('does not depend on which descriptor of a package type builds it', () => {
    const record: PackageRecord = { type: 'deb', name: 'libc6', version: '2.36-9', architecture: 'amd64', source: { name: 'glibc' }, location: '/x' };
    const debs = ECOSYSTEMS.filter((descriptor) => descriptor.packageType === 'deb');
    expect(debs.length).toBeGreaterThan(1);
    for (const os of oses) expect(new Set(debs.map((descriptor) => descriptor.purl(record, os))).size).toBe(1);
  });

  const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.+~_@%/-]{0,20}$/);
  // packageurl-js 2.0.1 writes a `%` in a qualifier value correctly (`%25`) but cannot read it
  // back, and trims names and qualifier values; package names have neither, nor do the generated ones.
  const sourceName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.+~_@/-]{0,20}$/);
  const version = fc.stringMatching(/^[0-9][A-Za-z0-9.+~:_-]{0,15}$/);

  it('round-trip through packageurl-js for every descriptor and unsupported type: type, namespace, name, version and qualifiers survive', () => {
    const builders = [
      ...ECOSYSTEMS.map((descriptor) => [descriptor.packageType, descriptor.purl] as const),
      ...[...UNSUPPORTED_PACKAGE_TYPES].map(([type, entry]) => [type, entry.purl] as const),
    ];
    for (const [type, purl] of builders) {
      fc.assert(
        fc.property(segment, version, fc.option(sourceName, { nil: undefined }), fc.option(fc.constantFrom('amd64', 'x86_64', 'aarch64'), { nil: undefined }), fc.constantFrom(...oses), (rawName, ver, source, architecture, os) => {
          // npm names carry their scope before the one slash, Go module paths any number of them; other types have none.
          const bare = rawName.replace(/\//g, '');
          const name = type === 'npm' && rawName.includes('/') ? `@scope/${bare}` : type === 'maven' ? `org.example:${bare}` : type === 'golang' ? `example.com/${rawName.replace(/\/+/g, '/').replace(/^\/|\/$/g, '') || 'm'}` : bare;
          const record: PackageRecord = { type, name, version: ver, location: '/x', ...(architecture ? { architecture } : {}), ...(source ? { source: { name: source } } : {}) };
          const text = purl(record, os);
          const parsed = PackageURL.fromString(text);
          expect(parsed.type).toBe(type);
          expect(parsed.version).toBe(ver);
          expect(parsed.toString()).toBe(text);
          // The purl spec makes deb, apk and npm names case-insensitive (written in lower case); rpm keeps case.
          if (type === 'npm') expect(`${parsed.namespace ? `${parsed.namespace}/` : ''}${parsed.name}`).toBe(name.toLowerCase());
          else if (type === 'pypi') expect(parsed.name).toBe(name.replace(/[-_.]+/g, '-').toLowerCase());
          else if (type === 'maven') expect([parsed.namespace, parsed.name]).toEqual(['org.example', bare]);
          else if (type === 'golang') expect(`${parsed.namespace}/${parsed.name}`).toBe(name);
          else if (type === 'cargo') expect([parsed.namespace, parsed.name]).toEqual([undefined, name]);
          // Language types with no namespace from the OS: gem and nuget keep the name as written, composer writes it in lower case.
          else if (type === 'gem' || type === 'nuget') expect([parsed.namespace, parsed.name]).toEqual([undefined, name]);
          else if (type === 'composer') expect(parsed.name).toBe(name.toLowerCase());
          else {
            expect(parsed.name).toBe(type === 'rpm' ? name : name.toLowerCase());
            expect(parsed.namespace).toBe(os?.family ?? ({ deb: 'debian', apk: 'alpine', rpm: 'redhat' } as Record<string, string>)[type]);
            expect(parsed.qualifiers?.arch).toBe(architecture);
            expect(parsed.qualifiers?.distro).toBe(os ? `${os.family}-${os.version}` : undefined);
            expect(parsed.qualifiers?.upstream).toBe(source !== undefined && source !== name ? source : undefined);
          }
        }),
        { numRuns: 150 },
      );
    }
  });
});
