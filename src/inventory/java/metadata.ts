/**
 * What a Java archive says about itself: Maven's `pom.properties` and `pom.xml` under
 * `META-INF/maven/<groupId>/<artifactId>/`, the main section of `META-INF/MANIFEST.MF`
 * (`Implementation-*`, `Bundle-*`), and, failing all of them, the archive's file name
 * (`commons-lang3-3.12.0.jar`).
 *
 * Pure functions of bytes already read and bounded by the caller; nothing here throws on what an
 * archive says: an unusable file gives `undefined`.
 */
import { XMLParser } from 'fast-xml-parser';

/** A Maven identity: `groupId` is absent when only the manifest or the file name spoke. */
export interface JavaIdentity {
  groupId?: string;
  artifactId: string;
  version: string;
}

/**
 * Coordinates as Maven allows them (letters, digits, `.`, `_`, `-`; versions a little wider). A
 * value with `${...}` (an unresolved property) or anything else is no identity to match on.
 */
const COORDINATE = /^[A-Za-z0-9_.-]{1,200}$/;
const VERSION = /^[A-Za-z0-9_.+-]{1,200}$/;

function identity(groupId: string | undefined, artifactId: string | undefined, version: string | undefined): JavaIdentity | undefined {
  if (!artifactId || !version || !COORDINATE.test(artifactId) || !VERSION.test(version)) return undefined;
  if (groupId !== undefined && !COORDINATE.test(groupId)) return undefined;
  return { ...(groupId ? { groupId } : {}), artifactId, version };
}

/**
 * A Java `.properties` file, as far as pom.properties needs: `key=value`, `key: value` or
 * `key value`, `#` and `!` comments, backslash line continuations and escapes. Written here because
 * the format is a dozen lines and no npm package reads it without pulling in much more.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    let line = (lines[index] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && index + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++index] as string).replace(/^[ \t\f]+/, '');
    }
    const separator = /(?<!\\)(?:\\\\)*[=: \t\f]/.exec(line);
    const keyEnd = separator ? separator.index + separator[0].length - 1 : line.length;
    const key = unescape(line.slice(0, keyEnd));
    const value = unescape(line.slice(keyEnd).replace(/^[ \t\f]*[=:]?[ \t\f]*/, ''));
    if (!properties.has(key)) properties.set(key, value);
  }
  return properties;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
    return escaped === 't' ? '\t' : escaped === 'n' ? '\n' : escaped === 'r' ? '\r' : escaped === 'f' ? '\f' : escaped;
  });
}

export function identityFromPomProperties(content: Buffer): JavaIdentity | undefined {
  const properties = parseJavaProperties(content.toString('latin1'));
  return identity(properties.get('groupId')?.trim(), properties.get('artifactId')?.trim(), properties.get('version')?.trim());
}

/**
 * Children of the root and of `<parent>` are kept as raw text (stop nodes), so a deeply nested or
 * huge document never becomes a deep object; entities are never expanded.
 */
const xmlOptions = {
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
} as const;
const pomParser = new XMLParser({ ...xmlOptions, stopNodes: ['project.*'] });
const parentParser = new XMLParser({ ...xmlOptions, stopNodes: ['parent.*'] });

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The project's own coordinates; groupId and version fall back to the parent's, as Maven's do. */
export function identityFromPomXml(content: Buffer): JavaIdentity | undefined {
  try {
    const project = (pomParser.parse(content.toString('utf8')) as { project?: Record<string, unknown> }).project;
    if (!project || typeof project !== 'object') return undefined;
    const parentXml = text(project.parent);
    const parent = parentXml ? ((parentParser.parse(`<parent>${parentXml}</parent>`) as { parent?: Record<string, unknown> }).parent ?? {}) : {};
    return identity(text(project.groupId) ?? text(parent.groupId), text(project.artifactId), text(project.version) ?? text(parent.version));
  } catch {
    return undefined;
  }
}

/**
 * The main section of a manifest: `Name: value` lines up to the first blank line, continuation
 * lines starting with one space. Later sections describe single entries and are ignored.
 */
export function parseManifest(content: Buffer): Map<string, string> {
  const attributes = new Map<string, string>();
  let last: string | undefined;
  for (const line of content.toString('utf8').split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last !== undefined) {
      attributes.set(last, `${attributes.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    last = line.slice(0, colon).toLowerCase();
    if (!attributes.has(last)) attributes.set(last, line.slice(colon + 2).trim());
  }
  return attributes;
}

/** The archive's base name without extension: `/app/lib/guava-31.1-jre.jar` → `guava-31.1-jre`. */
export function archiveBaseName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

const QUALIFIER_BEFORE_NUMBER = /-(alpha|beta|milestone|rc|cr|m|sp|snapshot|b|a)$/i;

/**
 * Artifact and version from a file name as Maven writes it, `<artifactId>-<version>`: the version
 * starts at the last `-` followed by a digit, unless what precedes is a qualifier
 * (`x-2.0-beta-3`), then at the one before.
 */
export function identityFromFileName(path: string): JavaIdentity | undefined {
  const base = archiveBaseName(path);
  const starts = [...base.matchAll(/-(?=\d)/g)].map((match) => match.index);
  for (let index = starts.length - 1; index >= 0; index--) {
    const start = starts[index] as number;
    if (index > 0 && QUALIFIER_BEFORE_NUMBER.test(base.slice(0, start))) continue;
    return identity(undefined, base.slice(0, start), base.slice(start + 1));
  }
  return undefined;
}

/**
 * From the manifest: the version from `Implementation-Version`, `Bundle-Version` or
 * `Specification-Version`; the artifact from the file name (without its version, when it has one),
 * else `Bundle-SymbolicName` or `Implementation-Title` (when it is a single word). No groupId: the
 * manifest's vendor ids (`org.apache`) are not Maven group ids, and a wrong one would match the
 * wrong advisories.
 */
export function identityFromManifest(manifest: Map<string, string>, path: string): JavaIdentity | undefined {
  const version = manifest.get('implementation-version') ?? manifest.get('bundle-version') ?? manifest.get('specification-version');
  if (!version) return undefined;
  const base = archiveBaseName(path);
  const symbolic = manifest.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const title = manifest.get('implementation-title');
  const artifact = identityFromFileName(path)?.artifactId ?? (COORDINATE.test(base) ? base : undefined) ?? symbolic ?? (title && COORDINATE.test(title) ? title : undefined);
  return identity(undefined, artifact, version.trim());
}
