/**
 * Reference implementations as test oracles: the real `dpkg --compare-versions`, rpm's own
 * `rpm.vercmp`, and Python's `packaging` (PEP 440). Each answers a batch of comparisons in one
 * process. An oracle that is not installed reports so; the tests that need it say why they skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export type Oracle = (pairs: readonly [string, string][]) => number[];

function available(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

export const dpkgOracle: Oracle | undefined = available('dpkg', ['--version'])
  ? (pairs) => {
      const script = pairs
        .map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`)
        .join('\n');
      return execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim().split('\n').map(Number);
    }
  : undefined;

export const rpmOracle: Oracle | undefined = available('rpm', ['--version'])
  ? (pairs) => {
      // rpm's Lua print() writes no newline of its own: write one after every answer.
      const lua = pairs.map(([a, b]) => `print(rpm.vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}) .. "\\n")`).join(' ');
      return execFileSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8' }).trim().split('\n').map((line) => Math.sign(Number(line)));
    }
  : undefined;

/**
 * rpm's own `epoch:version-release` comparison (`rpm.ver` objects, rpm 4.17+): epochs first (none is
 * 0), then versions, then releases. Releases are compared only when both sides have one, so pairs
 * for it should carry releases on both sides.
 */
export const rpmEvrOracle: Oracle | undefined =
  rpmOracle && available('rpm', ['--eval', '%{lua: print(rpm.ver("1:1-1") > rpm.ver("2-1"))}'])
    ? (pairs) => {
        const lua = pairs.map(([a, b]) => `do local x, y = rpm.ver(${JSON.stringify(a)}), rpm.ver(${JSON.stringify(b)}); print((x < y and "-1" or (x == y and "0" or "1")) .. "\\n") end`).join(' ');
        return execFileSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8' }).trim().split('\n').map(Number);
      }
    : undefined;

const pythonPackaging = ['-c', 'import sys\ntry:\n    from packaging.version import Version\nexcept ImportError:\n    from pip._vendor.packaging.version import Version\nprint(Version("1.0"))'];

export const pep440Oracle: Oracle | undefined = available('python3', pythonPackaging)
  ? (pairs) => {
      const program = [
        'import json, sys',
        'try:\n    from packaging.version import Version\nexcept ImportError:\n    from pip._vendor.packaging.version import Version',
        'for a, b in json.load(sys.stdin):',
        '    x, y = Version(a), Version(b)',
        '    print(-1 if x < y else (0 if x == y else 1))',
      ].join('\n');
      return execFileSync('python3', ['-c', program], { input: JSON.stringify(pairs), encoding: 'utf8' }).trim().split('\n').map(Number);
    }
  : undefined;

export const gemOracle: Oracle | undefined = available('ruby', ['-e', 'Gem::Version.new("1.0")'])
  ? (pairs) => {
      const program = 'require "json"; JSON.parse(STDIN.read).each { |a, b| puts(Gem::Version.new(a) <=> Gem::Version.new(b)) }';
      return execFileSync('ruby', ['-e', program], { input: JSON.stringify(pairs), encoding: 'utf8' }).trim().split('\n').map(Number);
    }
  : undefined;

/** Debian's composer keeps composer/semver here, with its own autoloader. */
const COMPOSER_SEMVER_AUTOLOAD = '/usr/share/php/Composer/Semver/autoload.php';

/**
 * Composer's own order: both versions normalised by its VersionParser, then compared by its
 * Comparator. Two different named branches have no order in Composer (every comparison is false):
 * the oracle answers NaN for them.
 */
export const composerOracle: Oracle | undefined = available('php', ['-r', `require '${COMPOSER_SEMVER_AUTOLOAD}'; new Composer\\Semver\\VersionParser();`])
  ? (pairs) => {
      const program = [
        `require '${COMPOSER_SEMVER_AUTOLOAD}';`,
        'use Composer\\Semver\\Comparator; use Composer\\Semver\\VersionParser;',
        '$parser = new VersionParser();',
        'foreach (json_decode(stream_get_contents(STDIN)) as [$a, $b]) {',
        '  $x = $parser->normalize($a); $y = $parser->normalize($b);',
        '  echo Comparator::lessThan($x, $y) ? -1 : (Comparator::equalTo($x, $y) ? 0 : (Comparator::greaterThan($x, $y) ? 1 : "NaN")), "\\n";',
        '}',
      ].join('\n');
      return execFileSync('php', ['-r', program], { input: JSON.stringify(pairs), encoding: 'utf8' }).trim().split('\n').map(Number);
    }
  : undefined;

/** Whether Composer's VersionParser accepts each version (for the normalisation oracle test). */
export function composerNormalize(versions: readonly string[]): (string | null)[] {
  const program = [
    `require '${COMPOSER_SEMVER_AUTOLOAD}';`,
    '$parser = new Composer\\Semver\\VersionParser();',
    '$out = [];',
    'foreach (json_decode(stream_get_contents(STDIN)) as $v) { try { $out[] = $parser->normalize($v); } catch (\\Throwable $e) { $out[] = null; } }',
    'echo json_encode($out);',
  ].join('\n');
  return JSON.parse(execFileSync('php', ['-r', program], { input: JSON.stringify(versions), encoding: 'utf8' })) as (string | null)[];
}

/** Whether Gem::Version accepts each version, and its canonical text, from Debian's ruby. */
export function gemCorrect(versions: readonly string[]): boolean[] {
  const program = 'require "json"; puts JSON.generate(JSON.parse(STDIN.read).map { |v| Gem::Version.correct?(v) })';
  return JSON.parse(execFileSync('ruby', ['-e', program], { input: JSON.stringify(versions), encoding: 'utf8' })) as boolean[];
}
