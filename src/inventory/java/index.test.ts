import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageRecord } from '../../model/package.js';
import type { ScratchFiles } from '../analyzer.js';
import { DEFAULT_JAVA_LIMITS, isJavaArchivePath, javaAnalyzer, readJavaArchive, type JavaArchiveLimits } from './index.js';
import { debianJars, pomPropertiesTruth, readJar, seekable, springBootJar, webArchive, zipOf } from './test-support/archives.js';

const haveDebianJars = existsSync('/usr/share/java/commons-lang3.jar') && existsSync('/usr/share/java/log4j-core.jar');
const LANG3 = '/usr/share/java/commons-lang3.jar';
const LOG4J_CORE = '/usr/share/java/log4j-core.jar';
const LOG4J_API = '/usr/share/java/log4j-api.jar';

const coordinates = (packages: readonly PackageRecord[] = []): string[] => packages.map((record) => `${record.name}@${record.version}`).sort();
const located = (packages: readonly PackageRecord[] = []): string[] => packages.map((record) => `${record.location} ${record.name}@${record.version} ${record.identityFrom}`).sort();

describe('choosing Java archives', () => {
  it.each([
    ['/app/app.jar', true],
    ['/srv/ROOT.war', true],
    ['/opt/app.EAR', true],
    ['/x/plugin.hpi', true],
    ['/usr/lib/jvm/lib/src.zip', false],
    ['/app/.jar', false],
    ['/app/jar', false],
    ['/app/notes.jarx', false],
  ])('%s: %s', (path, chosen) => expect(isJavaArchivePath(path)).toBe(chosen));

  it('reads only files that start with the zip magic', () => {
    expect(javaAnalyzer.select?.magic?.map((magic) => magic.name)).toEqual(['zip', 'empty zip']);
  });
});

describe.runIf(haveDebianJars)("Debian's jars", () => {
  it('give every groupId:artifactId@version their pom.properties say, as Python’s zipfile reads them', async () => {
    const jars = debianJars();
    expect(jars.length).toBeGreaterThan(20);
    const truth = pomPropertiesTruth(jars);
    let withMetadata = 0;
    for (const jar of jars) {
      const result = await readJavaArchive(seekable(readJar(jar).content), jar);
      const expected = truth[jar] ?? [];
      if (expected.length === 0) continue;
      withMetadata++;
      expect([jar, coordinates(result.packages)]).toEqual([jar, expected]);
      for (const record of result.packages ?? []) expect(record).toMatchObject({ type: 'maven', location: jar, identityFrom: 'pom.properties' });
    }
    expect(withMetadata).toBeGreaterThan(20);
  });

  it('one jar described by its manifest and its pom.properties is one package', async () => {
    const result = await readJavaArchive(seekable(readJar(LOG4J_CORE).content), '/app/lib/log4j-core-2.19.0.jar');
    expect(located(result.packages)).toEqual(['/app/lib/log4j-core-2.19.0.jar org.apache.logging.log4j:log4j-core@2.19.0 pom.properties']);
    expect(result.warnings).toBeUndefined();
  });

  it('reads a Spring Boot fat jar: its own pom.properties and every stored BOOT-INF/lib jar, located inside it', async () => {
    const fat = await springBootJar([readJar(LANG3), readJar(LOG4J_CORE), readJar(LOG4J_API)]);
    const result = await readJavaArchive(seekable(fat), '/app/app.jar');
    expect(located(result.packages)).toEqual([
      '/app/app.jar com.example:demo-app@1.0.0 pom.properties',
      '/app/app.jar!BOOT-INF/lib/commons-lang3.jar org.apache.commons:commons-lang3@3.12.0 pom.properties',
      '/app/app.jar!BOOT-INF/lib/log4j-api.jar org.apache.logging.log4j:log4j-api@2.19.0 pom.properties',
      '/app/app.jar!BOOT-INF/lib/log4j-core.jar org.apache.logging.log4j:log4j-core@2.19.0 pom.properties',
    ]);
    expect(result.warnings).toBeUndefined();
  });

  it('reads a war’s deflated WEB-INF/lib jars, and an ear holding that war (two levels down)', async () => {
    const war = await webArchive([readJar(LANG3), readJar(LOG4J_CORE)]);
    const ear = await zipOf([{ name: 'META-INF/application.xml', content: '<application/>' }, { name: 'shop.war', content: war }, { name: 'lib/log4j-api.jar', content: readJar(LOG4J_API).content }]);
    const result = await readJavaArchive(seekable(ear), '/srv/shop.ear');
    expect(located(result.packages)).toEqual([
      // The war has no Maven metadata and no version in its name: it is not a package, and says so.
      '/srv/shop.ear!lib/log4j-api.jar org.apache.logging.log4j:log4j-api@2.19.0 pom.properties',
      '/srv/shop.ear!shop.war!WEB-INF/lib/commons-lang3.jar org.apache.commons:commons-lang3@3.12.0 pom.properties',
      '/srv/shop.ear!shop.war!WEB-INF/lib/log4j-core.jar org.apache.logging.log4j:log4j-core@2.19.0 pom.properties',
    ]);
    expect(result.warnings).toEqual(['no Maven metadata, manifest version or versioned file name: not listed', 'shop.war: no Maven metadata, manifest version or versioned file name: not listed']);
  });
});

describe('identity without pom.properties', () => {
  const manifest = (lines: string): string => `Manifest-Version: 1.0\r\n${lines}\r\n\r\nName: ignored/Section.class\r\nImplementation-Version: 9.9\r\n`;

  it('lists every pom.properties of a shaded jar', async () => {
    const shaded = await zipOf([
      { name: 'META-INF/maven/com.example/uber/pom.properties', content: '#Generated by Maven\ngroupId=com.example\nartifactId=uber\nversion=2.0\n' },
      { name: 'META-INF/maven/com.google.guava/guava/pom.properties', content: 'version = 31.1-jre\ngroupId : com.google.guava\nartifactId guava\n' },
      { name: 'META-INF/maven/org.yaml/snakeyaml/pom.properties', content: 'groupId=org.yaml\nartifactId=snake\\\n  yaml\nversion=1.33\n' },
    ]);
    const result = await readJavaArchive(seekable(shaded), '/app/uber-2.0.jar');
    expect(coordinates(result.packages)).toEqual(['com.example:uber@2.0', 'com.google.guava:guava@31.1-jre', 'org.yaml:snakeyaml@1.33']);
  });

  it('falls back to pom.xml, with the parent’s groupId and version', async () => {
    const pom = `<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><parent><groupId>org.example</groupId><artifactId>parent</artifactId><version>3.1</version></parent><artifactId>child</artifactId><dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId><version>0</version></dependency></dependencies></project>`;
    const jar = await zipOf([{ name: 'META-INF/maven/org.example/child/pom.xml', content: pom }]);
    const result = await readJavaArchive(seekable(jar), '/app/child.jar');
    expect(located(result.packages)).toEqual(['/app/child.jar org.example:child@3.1 pom.xml']);
  });

  it('falls back to the manifest’s main section (no groupId: a vendor id is not one)', async () => {
    const jar = await zipOf([{ name: 'META-INF/MANIFEST.MF', content: manifest('Implementation-Title: Widget Kit\r\nImplementation-Vendor-Id: org.example\r\nImplementation-Version: 4.2.\r\n 1') }]);
    const result = await readJavaArchive(seekable(jar), '/opt/widget-kit.jar');
    expect(located(result.packages)).toEqual(['/opt/widget-kit.jar widget-kit@4.2.1 manifest']);
  });

  it('uses Bundle-Version when there is no Implementation-Version', async () => {
    const jar = await zipOf([{ name: 'META-INF/MANIFEST.MF', content: manifest('Bundle-SymbolicName: org.example.widget;singleton:=true\r\nBundle-Version: 1.0.0.v2024') }]);
    const result = await readJavaArchive(seekable(jar), '/opt/widget_1.0.0.jar');
    expect(coordinates(result.packages)).toEqual(['widget_1.0.0@1.0.0.v2024']);
  });

  it('falls back to the file name, and lists nothing (with a warning) when even that has no version', async () => {
    const bare = await zipOf([{ name: 'com/example/A.class', content: 'x' }]);
    expect(located((await readJavaArchive(seekable(bare), '/app/lib/netty-codec-http-4.1.100.Final.jar')).packages)).toEqual(['/app/lib/netty-codec-http-4.1.100.Final.jar netty-codec-http@4.1.100.Final file-name']);
    expect(coordinates((await readJavaArchive(seekable(bare), '/app/lib/log4j-1.2-api-2.19.0.jar')).packages)).toEqual(['log4j-1.2-api@2.19.0']);
    expect(coordinates((await readJavaArchive(seekable(bare), '/app/lib/x-2.0-beta-3.jar')).packages)).toEqual(['x@2.0-beta-3']);
    const unnamed = await readJavaArchive(seekable(bare), '/app/lib/app.jar');
    expect(unnamed.packages).toEqual([]);
    expect(unnamed.warnings).toEqual(['no Maven metadata, manifest version or versioned file name: not listed']);
  });

  it('ignores unresolved properties and entities in pom files rather than reporting them as versions', async () => {
    const jar = await zipOf([
      { name: 'META-INF/maven/g/a/pom.properties', content: 'groupId=g\nartifactId=a\nversion=${revision}\n' },
      { name: 'META-INF/maven/g/a/pom.xml', content: '<!DOCTYPE p [<!ENTITY v "1.0">]><project><groupId>g</groupId><artifactId>a</artifactId><version>&v;</version></project>' },
    ]);
    const result = await readJavaArchive(seekable(jar), '/app/a.jar');
    expect(result.packages).toEqual([]);
  });
});

/** Patches a zip's bytes: `edit` gets a copy. */
function patched(zip: Buffer, edit: (bytes: Buffer) => void): Buffer {
  const copy = Buffer.from(zip);
  edit(copy);
  return copy;
}

/**
 * A one-member zip whose central directory lists that member `times` times (as `0.jar`, `1.jar`,
 * ...): every listing points at the same local header and data, the overlapping-entries bomb.
 */
function listedTimes(zip: Buffer, times: number): Buffer {
  const cd = centralDirectory(zip);
  const header = zip.subarray(cd, eocd(zip));
  const nameLength = header.readUInt16LE(28);
  const directory = Buffer.concat(
    Array.from({ length: times }, (_, index) => {
      const entry = Buffer.from(header);
      entry.write(`${index}.jar`.padStart(nameLength, 'x').slice(-nameLength), 46, 'latin1');
      return entry;
    }),
  );
  const end = Buffer.from(zip.subarray(eocd(zip)));
  end.writeUInt16LE(times, 8);
  end.writeUInt16LE(times, 10);
  end.writeUInt32LE(directory.length, 12);
  return Buffer.concat([zip.subarray(0, cd), directory, end]);
}

/** The offset of the end-of-central-directory record. */
const eocd = (zip: Buffer): number => zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
const centralDirectory = (zip: Buffer): number => zip.readUInt32LE(eocd(zip) + 16);

describe('hostile archives: a warning, never a crash or a hang', () => {
  const pomJar = (group: string, artifact: string, version: string): Promise<Buffer> =>
    zipOf([{ name: `META-INF/maven/${group}/${artifact}/pom.properties`, content: `groupId=${group}\nartifactId=${artifact}\nversion=${version}\n` }]);

  it('a file that is not a zip, or is truncated', async () => {
    const jar = await pomJar('g', 'a', '1');
    for (const bytes of [Buffer.from('PK\u0003\u0004 and then nothing'), jar.subarray(0, jar.length - 10), Buffer.alloc(0)]) {
      const result = await readJavaArchive(seekable(bytes), '/app/broken.jar');
      expect(result.packages).toEqual([]);
      expect(result.warnings?.[0]).toMatch(/^not a readable zip archive: /);
    }
  });

  it('a deflated member that inflates like a bomb stops with a warning, within the ratio bound', async () => {
    const bomb = await zipOf([{ name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\r\n' }, { name: 'lib/bomb.jar', content: Buffer.alloc(64 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const result = await readJavaArchive(seekable(bomb), '/app/bomb-1.0.jar');
    expect(result.warnings).toEqual([expect.stringMatching(/^lib\/bomb\.jar could not be read: it inflates to over 200 times its \d+ compressed bytes \(a zip bomb\)$/)]);
    expect(coordinates(result.packages)).toEqual(['bomb@1.0']);
  });

  it('overlapping entries (one compressed stream listed thousands of times) spend the inflation budget, then stop', async () => {
    const one = await zipOf([{ name: 'x.jar', content: await pomJar('g', 'a', '1') }]);
    const limits = { ...DEFAULT_JAVA_LIMITS, maxInflatedBytes: 64 * 1024 };
    const result = await readJavaArchive(seekable(listedTimes(one, 5000)), '/app/overlap.jar', limits);
    expect(result.warnings?.some((warning) => /\d\.jar could not be read: the 65536-byte limit on bytes inflated from one file is spent/.test(warning))).toBe(true);
    expect(result.packages?.length).toBeGreaterThan(100);
    expect(result.packages?.length).toBeLessThan(5000);
  });

  it('a fan-out of nested archives through overlapping stored entries (50 × 50 × 50) stops at the archive limit', async () => {
    let archive = await pomJar('g', 'a', '1');
    for (let level = 0; level < 3; level++) archive = listedTimes(await zipOf([{ name: 'x.jar', content: archive, store: true }]), 50);
    const result = await readJavaArchive(seekable(archive), '/app/fan.jar', { ...DEFAULT_JAVA_LIMITS, maxArchives: 500 });
    expect(result.warnings?.filter((warning) => /more than 500 nested archives in one file: the rest were not read/.test(warning)).length).toBeGreaterThan(0);
    expect(result.packages?.length).toBeLessThanOrEqual(500);
  });

  it('nesting past the depth limit is not read, and says where', async () => {
    let archive = await pomJar('g', 'deepest', '1');
    for (let level = 0; level < 12; level++) archive = await zipOf([{ name: `level${level}.jar`, content: archive, store: level % 2 === 0 }]);
    const result = await readJavaArchive(seekable(archive), '/app/deep.jar', { ...DEFAULT_JAVA_LIMITS, maxDepth: 8 });
    expect(result.packages).toEqual([]);
    expect(result.warnings?.filter((warning) => warning.includes('deep'))).toHaveLength(1);
    expect(result.warnings?.find((warning) => warning.includes('deep'))).toMatch(/^level11\.jar!level10\.jar!.*!level4\.jar!level3\.jar: nested 9 archives deep, past the limit of 8: not read$/);
  });

  it('deflated nested archives held in memory at once are bounded along the path down', async () => {
    const noise = randomBytes(150 * 1024);
    const innermost = await zipOf([{ name: 'META-INF/maven/g/inner/pom.properties', content: 'groupId=g\nartifactId=inner\nversion=1\n' }, { name: 'noise.bin', content: noise }]);
    const middle = await zipOf([{ name: 'META-INF/maven/g/middle/pom.properties', content: 'groupId=g\nartifactId=middle\nversion=1\n' }, { name: 'lib/inner.jar', content: innermost }]);
    const outer = await zipOf([{ name: 'lib/middle.jar', content: middle }]);
    const limits = { ...DEFAULT_JAVA_LIMITS, maxNestedArchiveBytes: 200 * 1024, maxHeldBytes: 300 * 1024 };
    const result = await readJavaArchive(seekable(outer), '/app/outer-1.jar', limits);
    expect(coordinates(result.packages)).toEqual(['g:middle@1', 'outer@1']);
    expect(result.warnings).toEqual([expect.stringMatching(/^lib\/middle\.jar: lib\/inner\.jar could not be read: inflating it would hold more than 307200 bytes of nested archives in memory at once$/)]);
    // With room for both, both are read.
    expect(coordinates((await readJavaArchive(seekable(outer), '/app/outer-1.jar', { ...limits, maxHeldBytes: 400 * 1024 })).packages)).toEqual(['g:inner@1', 'g:middle@1', 'outer@1']);
  });

  it('entries past the listing limit are not read, and it says so', async () => {
    const jar = await zipOf([
      { name: 'META-INF/maven/g/a/pom.properties', content: 'groupId=g\nartifactId=a\nversion=1\n' },
      ...Array.from({ length: 10 }, (_, index) => ({ name: `lib/x${index}-1.0.jar`, content: 'not a zip' })),
    ]);
    const result = await readJavaArchive(seekable(jar), '/app/a.jar', { ...DEFAULT_JAVA_LIMITS, maxEntries: 3 });
    expect(coordinates(result.packages)).toEqual(['g:a@1']);
    expect(result.warnings?.[0]).toBe('more than 3 entries; the rest were not read');
    expect(result.warnings?.filter((warning) => warning.includes('not a readable zip archive'))).toHaveLength(2);
  });

  it('entries with `..` or absolute names are skipped, the rest still read', async () => {
    const jar = await zipOf([
      { name: 'META-INF/maven/g/a/pom.properties', content: 'groupId=g\nartifactId=a\nversion=1\n' },
      { name: 'lib/evil-1.0.jar', content: await pomJar('evil', 'evil', '6.6.6') },
    ]);
    const renamed = patched(jar, (bytes) => {
      const at = bytes.indexOf('lib/evil-1.0.jar', centralDirectory(bytes));
      bytes.write('../evil-1.0.jar!', at, 'latin1');
    });
    const result = await readJavaArchive(seekable(renamed), '/app/a.jar');
    expect(coordinates(result.packages)).toEqual(['g:a@1']);
    expect(result.warnings).toEqual(['1 entries with absolute or `..` names skipped ("../evil-1.0.jar!")']);
  });

  it('a central directory that claims more entries than it holds keeps the entries it has', async () => {
    const jar = await zipOf([{ name: 'META-INF/maven/g/a/pom.properties', content: 'groupId=g\nartifactId=a\nversion=1\n' }]);
    const lying = patched(jar, (bytes) => {
      bytes.writeUInt16LE(7, eocd(bytes) + 8);
      bytes.writeUInt16LE(7, eocd(bytes) + 10);
    });
    const result = await readJavaArchive(seekable(lying), '/app/a.jar');
    expect(coordinates(result.packages)).toEqual(['g:a@1']);
    expect(result.warnings?.[0]).toMatch(/^the central directory is corrupt after 1 entries/);
  });

  it('a member whose sizes lie is a warning about that member', async () => {
    const content = 'groupId=g\nartifactId=a\nversion=1\n';
    const jar = await zipOf([{ name: 'META-INF/maven/g/a/pom.properties', content }]);
    const lying = patched(jar, (bytes) => bytes.writeUInt32LE(5, centralDirectory(bytes) + 24));
    const result = await readJavaArchive(seekable(lying), '/app/a-1.0.jar');
    expect(result.warnings?.[0]).toMatch(/^META-INF\/maven\/g\/a\/pom\.properties could not be read: /);
    expect(coordinates(result.packages)).toEqual(['a@1.0']);
  });

  it('a central directory pointing past the end of the file is a warning', async () => {
    const jar = await zipOf([{ name: 'x-1.jar', content: await pomJar('g', 'a', '1'), store: true }]);
    const lying = patched(jar, (bytes) => bytes.writeUInt32LE(0x7fff_0000, centralDirectory(bytes) + 42));
    const result = await readJavaArchive(seekable(lying), '/app/outer-2.jar');
    expect(result.warnings?.join('\n')).toMatch(/x-1\.jar could not be read/);
  });

  it('survives any corruption of a real nested archive (bounded runs)', async () => {
    const inner = await pomJar('g', 'a', '1');
    const fat = await zipOf([
      { name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\r\nImplementation-Version: 1\r\n' },
      { name: 'BOOT-INF/lib/a-1.jar', content: inner, store: true },
      { name: 'WEB-INF/lib/b-1.jar', content: inner },
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(fat.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(fat.length), async (flips, cut) => {
        const bytes = patched(fat, (copy) => {
          for (const [at, value] of flips) copy[at] = value;
        }).subarray(0, Math.max(cut, fat.length - 64));
        const result = await readJavaArchive(seekable(bytes), '/app/f.jar');
        for (const record of result.packages ?? []) expect(record.location.startsWith('/app/f.jar')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('reading through a spilled file: positions only, never the whole file', () => {
  it('reads a fat jar with small positioned reads', async () => {
    const nested = await Promise.all(Array.from({ length: 20 }, async (_, index) => ({ name: `lib-${index}-1.0.jar`, content: await zipOf([{ name: `META-INF/maven/g/lib-${index}/pom.properties`, content: `groupId=g\nartifactId=lib-${index}\nversion=1.0\n` }]) })));
    const fat = await springBootJar(nested);
    let largest = 0;
    const file = {
      size: fat.length,
      read: (position: number, length: number) => {
        largest = Math.max(largest, length);
        return Promise.resolve(Buffer.from(fat.subarray(position, position + length)));
      },
    };
    const result = await readJavaArchive(file, '/app/app.jar');
    expect(result.packages).toHaveLength(21);
    expect(largest).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

describe('large deflated nested archives: inflated into the scan’s temporary files, not memory', () => {
  /** The scan's temporary files as the engine offers them, on real files; counts what is left. */
  async function scratchFolder(): Promise<{ scratch: ScratchFiles; created: () => number; left: () => Promise<string[]>; dispose: () => Promise<void> }> {
    const folder = await mkdtemp(path.join(tmpdir(), 'tollgate-java-scratch-'));
    let next = 0;
    const scratch: ScratchFiles = {
      async create() {
        const file = path.join(folder, `spill-${next++}`);
        const handle = await open(file, 'wx', 0o600);
        let size = 0;
        return {
          async write(chunk) {
            await handle.write(chunk);
            size += chunk.length;
          },
          async finish() {
            await handle.close();
            const reader = await open(file, 'r');
            return {
              size,
              async read(position, length) {
                const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
                await reader.read(buffer, 0, buffer.length, position);
                return buffer;
              },
              async release() {
                await reader.close();
                await rm(file);
              },
            };
          },
          async discard() {
            await handle.close();
            await rm(file);
          },
        };
      },
    };
    return { scratch, created: () => next, left: () => readdir(folder), dispose: () => rm(folder, { recursive: true, force: true }) };
  }
  const library = (name: string): Promise<{ name: string; content: Buffer }> => zipOf([{ name: `META-INF/maven/org.example/${name}/pom.properties`, content: `groupId=org.example\nartifactId=${name}\nversion=2.1.0\n` }, { name: 'data.bin', content: randomBytes(64 * 1024) }]).then((content) => ({ name: `${name}.jar`, content }));
  // Memory bounds no nested archive fits in: only the spill can read them.
  const tight: JavaArchiveLimits = { ...DEFAULT_JAVA_LIMITS, spillAboveBytes: 1024, maxNestedArchiveBytes: 1024, maxHeldBytes: 1024 };

  it('reads jar in war in ear through temporary files, each released once read', async () => {
    const war = await webArchive([await library('core'), await library('web')]);
    const ear = await zipOf([{ name: 'shop.war', content: war }, { name: 'lib/api.jar', content: (await library('api')).content }]);
    const folder = await scratchFolder();
    try {
      const spilled = await readJavaArchive(seekable(ear), '/srv/shop.ear', tight, folder.scratch);
      expect(located(spilled.packages)).toEqual([
        '/srv/shop.ear!lib/api.jar org.example:api@2.1.0 pom.properties',
        '/srv/shop.ear!shop.war!WEB-INF/lib/core.jar org.example:core@2.1.0 pom.properties',
        '/srv/shop.ear!shop.war!WEB-INF/lib/web.jar org.example:web@2.1.0 pom.properties',
      ]);
      expect(folder.created()).toBe(4);
      expect(await folder.left()).toEqual([]);
      // The same bounds without temporary files: the nested archives do not fit in memory.
      const inMemory = await readJavaArchive(seekable(ear), '/srv/shop.ear', tight);
      expect(inMemory.packages).toEqual([]);
      expect(inMemory.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^shop\.war could not be read: .*1024/)]));
    } finally {
      await folder.dispose();
    }
  });

  it('keeps to the file’s inflation budget, discarding the partial file; two identical siblings are two archives, not a loop', async () => {
    const war = await webArchive([await library('core')]);
    const folder = await scratchFolder();
    try {
      const result = await readJavaArchive(seekable(war), '/srv/app.war', { ...tight, maxInflatedBytes: 8 * 1024 }, folder.scratch);
      expect(result.packages).toEqual([]);
      expect(result.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/WEB-INF\/lib\/core\.jar could not be read: its \d+ bytes are over the 8192 bytes left of the 8192-byte limit on bytes inflated from one file/)]));
      expect(await folder.left()).toEqual([]);
      // Spilled bytes are hashed to tell a loop (an archive inside its own ancestor); siblings with the same bytes are no loop.
      const inner = (await library('twin')).content;
      const outer = await zipOf([{ name: 'a/twin.jar', content: inner }, { name: 'b/twin.jar', content: inner }]);
      const twice = await readJavaArchive(seekable(outer), '/srv/outer.jar', tight, folder.scratch);
      expect(located(twice.packages)).toEqual(['/srv/outer.jar!a/twin.jar org.example:twin@2.1.0 pom.properties', '/srv/outer.jar!b/twin.jar org.example:twin@2.1.0 pom.properties']);
      expect(await folder.left()).toEqual([]);
    } finally {
      await folder.dispose();
    }
  });
});
