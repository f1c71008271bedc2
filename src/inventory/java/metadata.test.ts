import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityFromFileName, identityFromManifest, identityFromPomProperties, identityFromPomXml, parseJavaProperties, parseManifest } from './metadata.js';

const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.]{0,15}$/);
const value = fc.stringMatching(/^[A-Za-z0-9.:_-]{0,20}$/);

describe('pom.properties', () => {
  it('reads what Java’s Properties.store writes, with every separator', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 8 }), fc.constantFrom('=', ':', ' = ', ' '), (pairs, separator) => {
        const text = `#Created by Apache Maven\n${pairs.map(([k, v]) => `${k}${separator}${v.replace(/:/g, '\\:')}`).join('\n')}\n`;
        expect(Object.fromEntries(parseJavaProperties(text))).toEqual(Object.fromEntries(pairs));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws and never names a package with characters Maven does not allow', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const found = identityFromPomProperties(Buffer.from(text, 'latin1'));
        if (found) expect(`${found.groupId}:${found.artifactId}@${found.version}`).toMatch(/^[\w.-]+:[\w.-]+@[\w.+-]+$/);
      }),
      { numRuns: 500 },
    );
  });

  it('reads escapes and continuations', () => {
    expect(Object.fromEntries(parseJavaProperties('a=1\\\n   2\nb\\ c=d\\u0041\n! comment\n  e : f'))).toEqual({ a: '12', 'b c': 'dA', e: 'f' });
  });
});

describe('pom.xml', () => {
  it('never throws on arbitrary or deeply nested documents', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        identityFromPomXml(Buffer.from(`<project>${text}</project>`));
        identityFromPomXml(Buffer.from(text));
      }),
      { numRuns: 300 },
    );
    const deep = `<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version><build>${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}</build></project>`;
    expect(identityFromPomXml(Buffer.from(deep))).toEqual({ groupId: 'g', artifactId: 'a', version: '1' });
  });
});

describe('the manifest and the file name', () => {
  it('never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 60 }), (text, name) => {
        identityFromManifest(parseManifest(Buffer.from(text)), `/app/${name}.jar`);
        identityFromFileName(`/app/${name}.jar`);
      }),
      { numRuns: 500 },
    );
  });

  it('reads only the main section, with continuation lines', () => {
    const manifest = parseManifest(Buffer.from('Manifest-Version: 1.0\r\nImplementation-Version: 1.\r\n 2.3\r\n\r\nName: a/B.class\r\nImplementation-Version: 9\r\n'));
    expect(manifest.get('implementation-version')).toBe('1.2.3');
  });

  it.each([
    ['/a/commons-lang3-3.12.0.jar', 'commons-lang3', '3.12.0'],
    ['/a/guava-31.1-jre.jar', 'guava', '31.1-jre'],
    ['/a/log4j-1.2-api-2.19.0.jar', 'log4j-1.2-api', '2.19.0'],
    ['/a/spring-core-6.1.0-RC1.jar', 'spring-core', '6.1.0-RC1'],
    ['/a/x-2.0-beta-3.jar', 'x', '2.0-beta-3'],
    ['/a/jakarta.servlet-api-6.0.0.jar', 'jakarta.servlet-api', '6.0.0'],
  ])('%s is %s at %s', (path, artifactId, version) => expect(identityFromFileName(path)).toEqual({ artifactId, version }));
});
