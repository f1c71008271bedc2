/**
 * Java archives for tests and benchmarks, assembled from Debian's own jars (`/usr/share/java`,
 * from libcommons-lang3-java, liblog4j2-java and the other Java packages installed here) with yazl:
 * Spring Boot fat jars (stored `BOOT-INF/lib/*.jar`), wars (deflated `WEB-INF/lib/*.jar`), ears,
 * shaded jars, and the ground truth of Debian's jars read by Python's zipfile.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import type { SeekableFile } from '../../analyzer.js';

export const DEBIAN_JAVA = '/usr/share/java';

export interface ArchiveMember {
  name: string;
  content: Buffer | string;
  /** Stored (uncompressed), as Spring Boot requires for nested jars. Default: deflated. */
  store?: boolean;
}

export async function zipOf(members: readonly ArchiveMember[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const member of members) {
    const content = typeof member.content === 'string' ? Buffer.from(member.content) : member.content;
    zip.addBuffer(content, member.name, { compress: !member.store, mtime: new Date(0) });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The regular jar files Debian installed in /usr/share/java (links skipped), sorted. */
export function debianJars(): string[] {
  return readdirSync(DEBIAN_JAVA)
    .filter((name) => name.endsWith('.jar'))
    .map((name) => path.join(DEBIAN_JAVA, name))
    .filter((file) => lstatSync(file, { throwIfNoEntry: false })?.isFile())
    .sort();
}

/**
 * Ground truth from another reader: Python's zipfile opens each jar and reads every
 * `META-INF/maven/*\/*\/pom.properties`; `groupId:artifactId@version` per jar.
 */
export function pomPropertiesTruth(jars: readonly string[]): Record<string, string[]> {
  const program = [
    'import json, re, sys, zipfile',
    'out = {}',
    'for jar in json.load(sys.stdin):',
    '    found = []',
    '    with zipfile.ZipFile(jar) as z:',
    '        for name in z.namelist():',
    "            if re.fullmatch(r'META-INF/maven/[^/]+/[^/]+/pom\\.properties', name):",
    '                props = {}',
    "                for line in z.read(name).decode('latin-1').splitlines():",
    '                    line = line.strip()',
    "                    if not line or line[0] in '#!': continue",
    "                    k, _, v = line.partition('=')",
    '                    props.setdefault(k.strip(), v.strip())',
    "                if all(props.get(k) for k in ('groupId', 'artifactId', 'version')):",
    "                    found.append(props['groupId'] + ':' + props['artifactId'] + '@' + props['version'])",
    '    out[jar] = sorted(set(found))',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', program], { input: JSON.stringify(jars), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, string[]>;
}

/** A Spring Boot fat jar: the application's classes and manifest, and each jar stored under BOOT-INF/lib/. */
export async function springBootJar(jars: readonly { name: string; content: Buffer }[]): Promise<Buffer> {
  return zipOf([
    { name: 'META-INF/MANIFEST.MF', content: 'Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.JarLauncher\r\nStart-Class: com.example.App\r\nSpring-Boot-Lib: BOOT-INF/lib/\r\n\r\n' },
    { name: 'META-INF/maven/com.example/demo-app/pom.properties', content: 'groupId=com.example\nartifactId=demo-app\nversion=1.0.0\n' },
    { name: 'BOOT-INF/classes/com/example/App.class', content: Buffer.from([0xca, 0xfe, 0xba, 0xbe]) },
    ...jars.map((jar) => ({ name: `BOOT-INF/lib/${jar.name}`, content: jar.content, store: true })),
  ]);
}

/** A war: a web.xml and each jar deflated under WEB-INF/lib/. */
export async function webArchive(jars: readonly { name: string; content: Buffer }[]): Promise<Buffer> {
  return zipOf([
    { name: 'WEB-INF/web.xml', content: '<web-app/>' },
    ...jars.map((jar) => ({ name: `WEB-INF/lib/${jar.name}`, content: jar.content })),
  ]);
}

export function readJar(file: string): { name: string; content: Buffer } {
  return { name: path.basename(file), content: readFileSync(file) };
}

/** A SeekableFile over a buffer, as the engine hands small files to seekable analyzers. */
export function seekable(content: Buffer): SeekableFile {
  return { size: content.length, read: (position, length) => Promise.resolve(content.subarray(position, position + length)) };
}
