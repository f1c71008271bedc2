/**
 * End to end, Java: an image holding Debian's own jars — one installed by dpkg in /usr/share/java,
 * copies of them in an application folder, a Spring Boot fat jar and a war assembled from them —
 * scanned by the built CLI. The Maven inventory is what the jars' pom.properties say, located
 * through the nesting; the findings are the ones the GitHub advisories (OSV records, test/data/osv/maven)
 * give for those versions under Maven's ordering; and a jar a Debian package installed is that
 * package's, not a Maven package, even when the archive nests others.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pomPropertiesTruth, springBootJar, webArchive, zipOf } from '../../src/inventory/java/test-support/archives.js';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { writeOciLayout, type TestEntry } from '../support/image-builder.js';

const JAVA = '/usr/share/java';
const jar = (name: string): Promise<Buffer> => readFile(path.join(JAVA, name));

let work: string;
let layout: string;
let db: string;

/** A stanza and a file list of a Debian package as dpkg keeps them, read from this machine's dpkg. */
function installedDebianPackage(name: string): { stanza: string; list: string } {
  return {
    stanza: execFileSync('dpkg-query', ['-s', name], { encoding: 'utf8' }),
    list: execFileSync('dpkg-query', ['-L', name], { encoding: 'utf8' }),
  };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-java-'));
  layout = path.join(work, 'oci');
  db = path.join(work, 'vuln.db');
  const [lang3, log4jCore, log4jApi] = await Promise.all([jar('commons-lang3.jar'), jar('log4j-core.jar'), jar('log4j-api.jar')]);
  const lang3Package = installedDebianPackage('libcommons-lang3-java');
  // A Debian package of the image's own vendor that ships a fat jar: what it nests is its, too.
  const acmeStanza = 'Package: acme-service\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0-1\nMaintainer: Acme <ops@acme.example>\nDescription: Acme service\n';
  const acmeJar = await springBootJar([{ name: 'log4j-core-2.19.0.jar', content: log4jCore }]);
  const fat = await springBootJar([
    { name: 'commons-lang3-3.12.0.jar', content: lang3 },
    { name: 'log4j-core-2.19.0.jar', content: log4jCore },
    { name: 'log4j-api-2.19.0.jar', content: log4jApi },
  ]);
  const war = await webArchive([{ name: 'log4j-core-2.19.0.jar', content: log4jCore }]);
  const noMetadata = await zipOf([{ name: 'com/example/Tool.class', content: Buffer.from([0xca, 0xfe, 0xba, 0xbe]) }]);
  const base: TestEntry[] = [
    { type: 'file', name: 'etc/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
    { type: 'file', name: 'var/lib/dpkg/status', content: `${lang3Package.stanza.trimEnd()}\n\n${acmeStanza}` },
    { type: 'file', name: 'var/lib/dpkg/info/libcommons-lang3-java.list', content: lang3Package.list },
    { type: 'file', name: 'var/lib/dpkg/info/acme-service.list', content: '/.\n/usr\n/usr/share\n/usr/share/acme\n/usr/share/acme/acme.jar\n' },
    { type: 'file', name: 'usr/share/java/commons-lang3.jar', content: lang3 },
    { type: 'symlink', name: 'usr/share/java/commons-lang3-3.12.0.jar', target: 'commons-lang3.jar' },
    { type: 'file', name: 'usr/share/acme/acme.jar', content: acmeJar },
  ];
  const app: TestEntry[] = [
    { type: 'file', name: 'app/app.jar', content: fat },
    { type: 'file', name: 'app/lib/log4j-core-2.19.0.jar', content: log4jCore },
    { type: 'file', name: 'app/lib/tool-4.1.jar', content: noMetadata },
    { type: 'file', name: 'srv/webapps/shop.war', content: war },
  ];
  await writeOciLayout(layout, [{ tag: 'java', layers: [{ entries: base, createdBy: 'debootstrap' }, { entries: app, createdBy: 'COPY app /' }] }]);
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/maven'), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scan(...flags: string[]): Promise<ScanResult> {
  const result = await runTollgate(['image', 'scan', `oci:${layout}:java`, '--db', db, '--format', 'json', ...flags]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ScanResult;
}

describe('a Java service image scanned by the built CLI', () => {
  it('lists every jar by its pom.properties, located through the nesting, and leaves out what dpkg installed', async () => {
    const result = await scan();
    const maven = result.packages.filter((p) => p.type === 'maven').map((p) => `${p.location} ${p.name}@${p.version} ${p.identityFrom} ${p.layer?.index}`);
    expect(maven.sort()).toEqual([
      '/app/app.jar com.example:demo-app@1.0.0 pom.properties 1',
      '/app/app.jar!BOOT-INF/lib/commons-lang3-3.12.0.jar org.apache.commons:commons-lang3@3.12.0 pom.properties 1',
      '/app/app.jar!BOOT-INF/lib/log4j-api-2.19.0.jar org.apache.logging.log4j:log4j-api@2.19.0 pom.properties 1',
      '/app/app.jar!BOOT-INF/lib/log4j-core-2.19.0.jar org.apache.logging.log4j:log4j-core@2.19.0 pom.properties 1',
      '/app/lib/log4j-core-2.19.0.jar org.apache.logging.log4j:log4j-core@2.19.0 pom.properties 1',
      '/app/lib/tool-4.1.jar tool@4.1 file-name 1',
      '/srv/webapps/shop.war!WEB-INF/lib/log4j-core-2.19.0.jar org.apache.logging.log4j:log4j-core@2.19.0 pom.properties 1',
    ]);
    expect(result.packages.filter((p) => p.type === 'deb').map((p) => `${p.name}@${p.version}`).sort()).toEqual(['acme-service@1.0-1', 'libcommons-lang3-java@3.12.0-2+deb12u1']);
    expect(result.packages.find((p) => p.name === 'org.apache.logging.log4j:log4j-core')?.purl).toBe('pkg:maven/org.apache.logging.log4j/log4j-core@2.19.0');
    expect(result.packages.find((p) => p.name === 'tool')?.purl).toBe('pkg:generic/tool@4.1');
  });

  it('the coordinates are the ones Python’s zipfile reads from the same jars’ pom.properties', () => {
    const truth = pomPropertiesTruth([path.join(JAVA, 'commons-lang3.jar'), path.join(JAVA, 'log4j-core.jar'), path.join(JAVA, 'log4j-api.jar')]);
    expect(Object.values(truth).flat().sort()).toEqual(['org.apache.commons:commons-lang3@3.12.0', 'org.apache.logging.log4j:log4j-api@2.19.0', 'org.apache.logging.log4j:log4j-core@2.19.0']);
  });

  it('finds the Log4j Socket Appender advisory for every log4j-core copy, the Commons Lang one for the application’s copy, and not Log4Shell', async () => {
    const result = await scan();
    const findings = result.findings.map((f) => `${f.id} ${f.package.location} ${f.package.ecosystem} ${f.fixedVersions.join(',')}`).sort();
    expect(findings).toEqual([
      'CVE-2025-48924 /app/app.jar!BOOT-INF/lib/commons-lang3-3.12.0.jar Maven 3.18.0',
      'CVE-2025-68161 /app/app.jar!BOOT-INF/lib/log4j-core-2.19.0.jar Maven 2.25.3',
      'CVE-2025-68161 /app/lib/log4j-core-2.19.0.jar Maven 2.25.3',
      'CVE-2025-68161 /srv/webapps/shop.war!WEB-INF/lib/log4j-core-2.19.0.jar Maven 2.25.3',
    ]);
    expect(result.findings.every((f) => f.advisoryIds.length === 1)).toBe(true);
    expect(JSON.stringify(result.findings)).not.toContain('CVE-2021-44228');
  });

  it('with --scan-os-owned-files, the jars Debian packages installed are read as Maven packages too', async () => {
    const result = await scan('--scan-os-owned-files');
    const owned = result.packages.filter((p) => p.type === 'maven' && p.location.startsWith('/usr/share/')).map((p) => `${p.location} ${p.name}@${p.version}`);
    expect(owned.sort()).toEqual([
      '/usr/share/acme/acme.jar com.example:demo-app@1.0.0',
      '/usr/share/acme/acme.jar!BOOT-INF/lib/log4j-core-2.19.0.jar org.apache.logging.log4j:log4j-core@2.19.0',
      '/usr/share/java/commons-lang3.jar org.apache.commons:commons-lang3@3.12.0',
    ]);
  });

  it('says which archive it could not identify, without failing the scan', async () => {
    const result = await scan();
    expect(result.warnings.filter((warning) => warning.includes('Maven metadata'))).toEqual([
      '/srv/webapps/shop.war: no Maven metadata, manifest version or versioned file name: not listed',
    ]);
  });
});
