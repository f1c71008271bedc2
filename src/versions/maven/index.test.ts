import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { maven } from './index.js';

/** Debian's libmaven3-core-java: Maven's own ComparableVersion, in the maven-artifact jar. */
const MAVEN_ARTIFACT_JAR = '/usr/share/java/maven3-artifact.jar';

/**
 * The oracle: a Java program run from source (Java 11+ single-file launch) with Maven's jar on the
 * class path, reading tab-separated pairs from stdin and printing the sign of each comparison.
 */
const ORACLE_SOURCE = `
import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;
public class MavenOracle {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    StringBuilder out = new StringBuilder();
    for (String line; (line = in.readLine()) != null;) {
      String[] pair = line.split("\\t", -1);
      out.append(Integer.signum(new ComparableVersion(pair[0]).compareTo(new ComparableVersion(pair[1])))).append('\\n');
    }
    System.out.print(out);
  }
}
`;

const javaAvailable = existsSync(MAVEN_ARTIFACT_JAR) && spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const oracleDir = javaAvailable ? mkdtempSync(path.join(tmpdir(), 'maven-oracle-')) : undefined;
afterAll(() => {
  if (oracleDir) rmSync(oracleDir, { recursive: true, force: true });
});

function mavenOracle(pairs: readonly [string, string][]): number[] {
  const source = path.join(oracleDir as string, 'MavenOracle.java');
  writeFileSync(source, ORACLE_SOURCE);
  const input = pairs.map(([a, b]) => `${a}\t${b}`).join('\n');
  return execFileSync('java', ['-cp', MAVEN_ARTIFACT_JAR, source], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .trim()
    .split('\n')
    .map(Number);
}

const number = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('0', '1', '2', '9', '10', '01', '00', '000') },
  { weight: 1, arbitrary: fc.constantFrom('999999999', '1000000000', '0000000000', '123456789012345678', '1234567890123456789', '0000000000000000000', '99999999999999999999') },
);
const word = fc.constantFrom('alpha', 'a', 'beta', 'b', 'milestone', 'm', 'rc', 'cr', 'snapshot', 'SNAPSHOT', 'ga', 'final', 'release', 'sp', 'foo', 'jre', 'android', 'RELEASE', 'Final', 'x', 'z');
const separator = fc.constantFrom('.', '-', '', '.', '-');
/** Versions as published: numbers and qualifiers joined by `.`, `-` or nothing, with the odd empty part. */
const mavenVersion = fc
  .tuple(fc.oneof(number, word), fc.array(fc.tuple(separator, fc.oneof({ weight: 3, arbitrary: number }, { weight: 2, arbitrary: word }, { weight: 1, arbitrary: fc.constant('') })), { maxLength: 5 }))
  .map(([first, rest]) => `${first}${rest.map(([s, x]) => `${s}${x}`).join('')}`)
  .filter((version) => maven.isValid(version));
/**
 * Versions in the shape artifacts publish: numbers joined by dots, then optionally `-` and a
 * qualifier with or without a number (`2.19.0`, `1.0-rc2`, `31.1-jre`, `5.3.0.Final`). Outside this
 * shape Maven's order is not transitive (see the test below), so the order properties are checked
 * here and the whole generator is checked against Maven itself.
 */
const publishedVersion = fc
  .tuple(
    fc.array(fc.constantFrom('0', '1', '2', '3', '10', '19', '2024'), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('-', '.', '-', ''), fc.constantFrom('alpha', 'beta', 'milestone', 'rc', 'cr', 'SNAPSHOT', 'Final', 'GA', 'RELEASE', 'sp', 'jre', 'android'), fc.option(fc.constantFrom('1', '2', '10'), { nil: undefined })), { nil: undefined }),
  )
  .map(([numbers, suffix]) => `${numbers.join('.')}${suffix ? `${suffix[0]}${suffix[1]}${suffix[2] ?? ''}` : ''}`)

describe('Maven version ordering', () => {
  it.each([
    ['1', '1.0', 0],
    ['1.0.0', '1', 0],
    ['1-0', '1', 0],
    ['1.0-ga', '1', 0],
    ['1.0.FINAL', '1', 0],
    ['1.0-RELEASE', '1.0', 0],
    ['1-alpha-1', '1-beta-1', -1],
    ['1.0-alpha1', '1.0-a1', 0],
    ['1.0-beta1', '1.0-milestone1', -1],
    ['1.0-m1', '1.0-rc1', -1],
    ['1.0-rc1', '1.0-cr1', 0],
    ['1.0-rc1', '1.0-SNAPSHOT', -1],
    ['1.0-SNAPSHOT', '1.0', -1],
    ['1.0', '1.0-sp1', -1],
    ['1.0-sp1', '1.0-foo', -1],
    ['1.0-foo', '1.0.1', -1],
    ['1-1', '1.1', -1],
    ['1.1', '1-sp', 1],
    ['1.0.10', '1.0.9', 1],
    ['2.17.1', '2.19.0', -1],
    ['2.19.0', '2.25.3', -1],
    ['2.0-beta9', '2.0', -1],
    ['31.1-jre', '31.1-android', 1],
    ['1.2.3', '1.2.3-1', -1],
    ['0000000000.1', '1.1', 1],
    ['0000000000', '1', -1],
  ])('%s vs %s = %d', (a, b, expected) => expect(maven.compare(a, b)).toBe(expected));

  it('is a total order on versions in the shape artifacts publish', () => checkTotalOrder(maven, publishedVersion, 1000));

  it('reproduces ComparableVersion where Maven itself is not transitive (odd shapes)', () => {
    // Maven says RELEASE > release.alpha > android, yet RELEASE < android: the oracle test confirms
    // each answer. Matching follows Maven rather than a tidier order of its own.
    expect(maven.compare('RELEASE', 'release.alpha')).toBe(1);
    expect(maven.compare('release.alpha', 'android')).toBe(1);
    expect(maven.compare('RELEASE', 'android')).toBe(-1);
    expect(maven.compare('0000000000000000000.alpha.0', '0')).toBe(-1);
    expect(maven.compare('0', '0.01')).toBe(-1);
    expect(maven.compare('0000000000000000000.alpha.0', '0.01')).toBe(1);
    expect(maven.compare('1.0-9', '1')).toBe(1);
    expect(maven.compare('1', '1.0.alpha.alpha')).toBe(1);
    expect(maven.compare('1.0-9', '1.0.alpha.alpha')).toBe(-1);
  });
  it('survives hostile input, including thousands of nested parts', () => {
    checkHostileInput(maven);
    const deep = `1${'-1'.repeat(120)}`;
    expect(maven.compare(deep, `${deep}-1`)).toBe(-1);
    expect(maven.isValid('1.0 beta')).toBe(false);
    expect(() => maven.compare('1.0', '1.0\u0000')).toThrow(/invalid maven version/);
  });

  it.runIf(javaAvailable)('agrees with Maven’s own ComparableVersion (maven-artifact, run by java) on generated versions', () => {
    checkAgreesWithOracle(maven, mavenOracle, mavenVersion, 11, 3000);
  }, 120_000);

  it.runIf(javaAvailable)('agrees with ComparableVersion on the orderings its documentation lists', () => {
    const listed = ['RELEASE', 'release.alpha', 'android', '0000000000000000000.alpha.0', '0', '0.01', '1.0-9', '1.0.alpha.alpha', '1-alpha', '1-a1', '1-beta', '1-b2', '1-milestone', '1-m3', '1-rc', '1-cr', '1-snapshot', '1', '1-sp', '1-abc', '1-xyz', '1.0.1', '1.1', '1.1.1-1', '1-1', '2', '1.0.0.0.0.0.0.0.0.0.1', '1.final.1'];
    const pairs = listed.flatMap((a) => listed.map((b): [string, string] => [a, b]));
    const expected = mavenOracle(pairs);
    expect(pairs.map(([a, b]) => [a, b, maven.compare(a, b)])).toEqual(pairs.map(([a, b], index) => [a, b, expected[index]]));
  }, 60_000);
});
