import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../../../test/support/fixture-cache.js';
import { checkAgreesWithOracle, checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { goScheme } from './index.js';

const number = fc.oneof(fc.nat(12).map(String), fc.constantFrom('0', '1', '10', '99999999999999999999', '100000000000000000000'));
const identifier = fc.oneof(fc.constantFrom('alpha', 'beta', 'rc', 'pre-1', '0', '1', '2', '11', 'x'), fc.nat(20).map(String));
const timestamp = fc.integer({ min: 20180101000000, max: 20261231235959 }).map(String);
const hash = fc.constantFrom('daa7c04131f5', '0123456789ab', 'ffffffffffff', 'abcdef012345');
const semverCore = fc.tuple(number, number, number).map(([a, b, c]) => `v${a}.${b}.${c}`);
/** Releases, pre-releases, all three pseudo-version forms, +incompatible, and the shorthands. */
export const goVersion = fc.oneof(
  semverCore,
  fc.tuple(semverCore, fc.array(identifier, { minLength: 1, maxLength: 3 })).map(([core, pre]) => `${core}-${pre.join('.')}`),
  fc.tuple(timestamp, hash).map(([time, commit]) => `v0.0.0-${time}-${commit}`),
  fc.tuple(semverCore, timestamp, hash).map(([core, time, commit]) => `${core}-0.${time}-${commit}`),
  fc.tuple(semverCore, identifier, timestamp, hash).map(([core, pre, time, commit]) => `${core}-${pre}.0.${time}-${commit}`),
  semverCore.map((core) => `${core}+incompatible`),
  fc.tuple(number, fc.option(number, { nil: undefined })).map(([major, minor]) => `v${major}${minor === undefined ? '' : `.${minor}`}`),
);

/** golang.org/x/mod/semver from Debian's golang-golang-x-mod-dev, built with Debian's go, answering in one process. */
let oracle: ((pairs: readonly [string, string][]) => number[]) | undefined;
let validity: ((versions: readonly string[]) => boolean[]) | undefined;
const goAvailable = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const DEBIAN_GOCODE = '/usr/share/gocode';

beforeAll(async () => {
  if (!goAvailable) return;
  const dir = await buildOnce('go-semver-oracle', 1, async (out) => {
    const source = path.join(out, 'src', 'semveroracle');
    await mkdir(source, { recursive: true });
    await writeFile(
      path.join(source, 'main.go'),
      [
        'package main',
        'import ("bufio"; "encoding/json"; "fmt"; "os"; "golang.org/x/mod/semver")',
        'func main() {',
        '  in := bufio.NewScanner(os.Stdin); in.Buffer(make([]byte, 1<<20), 1<<24)',
        '  for in.Scan() {',
        '    var q []string',
        '    if err := json.Unmarshal(in.Bytes(), &q); err != nil { panic(err) }',
        '    if len(q) == 1 { fmt.Println(semver.IsValid(q[0])) } else { fmt.Println(semver.Compare(q[0], q[1])) }',
        '  }',
        '}',
      ].join('\n'),
    );
    execFileSync('go', ['build', '-o', path.join(out, 'semver-oracle'), 'semveroracle'], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH: `${out}:${DEBIAN_GOCODE}`, GOCACHE: path.join(out, '.gocache'), GOFLAGS: '', GOPROXY: 'off' },
      stdio: 'pipe',
    });
  });
  const binary = path.join(dir, 'semver-oracle');
  const ask = (queries: string[][]): string[] => execFileSync(binary, { input: queries.map((query) => JSON.stringify(query)).join('\n'), encoding: 'utf8' }).trim().split('\n');
  oracle = (pairs) => ask(pairs.map(([a, b]) => [a, b])).map(Number);
  validity = (versions) => ask(versions.map((version) => [version])).map((answer) => answer === 'true');
}, 120_000);

describe('Go module version ordering', () => {
  it.each([
    ['v1.2.3', 'v1.2.4', -1],
    ['v1.2.3', '1.2.3', 0],
    ['v1', 'v1.0.0', 0],
    ['v1.2', 'v1.2.0', 0],
    ['v2.0.0+incompatible', 'v2.0.0', 0],
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.1', -1],
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-000000000000', -1],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', 1],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', -1],
    ['v1.2.4-pre.0.20191109021931-daa7c04131f5', 'v1.2.4-pre', 1],
    ['v1.0.0-rc.1', 'v1.0.0', -1],
    ['v1.0.0-2', 'v1.0.0-11', -1],
    ['v1.0.0-11', 'v1.0.0-alpha', -1],
    ['v99999999999999999999.0.0', 'v100000000000000000000.0.0', -1],
    ['0', 'v0.0.1', -1],
  ])('%s vs %s = %d', (a, b, expected) => expect(goScheme.compare(a, b)).toBe(expected));

  it.each(['', 'v', 'latest', 'v1.2.3.4', 'v01.2.3', 'v1.2.3-01', 'v1-pre', 'v1.2+meta', '=1.2.3', 'v1.2.3-', 'v1.2.3+', 'v1.2.3-a..b', '(devel)'])('refuses %j', (version) =>
    expect(goScheme.isValid(version)).toBe(false),
  );

  it('is a total order on generated versions', () => checkTotalOrder(goScheme, goVersion));
  it('survives hostile input', () => checkHostileInput(goScheme));

  it.runIf(goAvailable)('orders exactly as golang.org/x/mod/semver.Compare does', () => {
    expect(oracle).toBeDefined();
    if (oracle) checkAgreesWithOracle(goScheme, oracle, goVersion, 11, 1000);
  });

  it.runIf(goAvailable)('accepts exactly what golang.org/x/mod/semver.IsValid accepts, for v-prefixed text', () => {
    const strings = fc.sample(
      fc.oneof(goVersion, fc.stringMatching(/^v[0-9a-z.+-]{0,12}$/), fc.tuple(goVersion, fc.constantFrom('', '.', '-', '+', '..', '-0', '.01', '+a.', 'x')).map(([v, tail]) => v + tail)),
      { numRuns: 2000, seed: 7 },
    );
    const expected = validity?.(strings) ?? [];
    strings.forEach((text, index) => expect([text, goScheme.isValid(text)]).toEqual([text, expected[index]]));
  });
});
