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
