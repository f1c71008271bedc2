/**
 * Hostile corpus, configuration class: what a user (or whoever can write the repository's files)
 * hands the CLI as configuration — YAML alias bombs, documents nested 100,000 deep, FIFOs and
 * devices instead of files, an output path under a file, a huge ignore file — ends as a usage
 * error (exit 2) naming the file, within bounded time and memory, never as an internal error or a
 * process that waits for ever.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFailureProblems, runHostile } from './support/run-hostile.js';
import { hostileWorkspace, npmAdvisory, type HostileWorkspace } from './support/workspace.js';

let work: HostileWorkspace;
let db: string;
const at = (name: string): string => path.join(work.dir, name);

/** Nine anchors, each a list of nine references to the one before: 9^9 nodes once expanded. */
function aliasBomb(topKey: string): string {
  const lines = [`${topKey}: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]`];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    lines.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  work = await hostileWorkspace('config');
  const deepVexStatements = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  await work.write({
    'root/etc/os-release': 'ID=debian\nVERSION_ID=12\n',
    'root/app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.15' }),
    'bomb-gate.yaml': aliasBomb('fail'),
    'bomb-ignore.yaml': aliasBomb('ignore'),
    'bomb-tollgate.yaml': aliasBomb('image'),
    'deep-vex.json': `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2024-01-01T00:00:00Z","version":1,"statements":${deepVexStatements}}`,
    'deep-vex-justification.json': `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2024-01-01T00:00:00Z","version":1,"statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:npm/x"}],"status":"not_affected","justification":${deepVexStatements}}]}`,
    'deep-gate.yaml': `fail:\n  on: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    'a-file': 'x',
    // As many entries as the 1 MiB limit of a configuration file holds, the last naming the finding.
    'large-ignore.yaml': `ignore:\n${Array.from({ length: 40_000 }, (_, index) => `- {id: C${index}, reason: r}`).join('\n')}\n- {id: GHSA-lodash-0001, reason: accepted}\n`,
  });
  execFileSync('mkfifo', [at('gate.fifo')]);
  db = await work.database([npmAdvisory('GHSA-lodash-0001', 'lodash', { fixed: '4.17.21' })]);
});
afterAll(() => work.remove());

const scan = (...args: string[]): string[] => ['image', 'scan', `dir:${at('root')}`, '--db', db, '--no-db-auto-update', ...args];

describe('hostile configuration', () => {
  it.each([
    ['a YAML alias bomb as the gate file', () => scan('--gate', at('bomb-gate.yaml')), /bomb-gate\.yaml: .*alias/i],
    ['a YAML alias bomb as the ignore file', () => scan('--ignore-file', at('bomb-ignore.yaml')), /bomb-ignore\.yaml: .*alias/i],
    ['a YAML alias bomb as tollgate.yaml', () => ['--config', at('bomb-tollgate.yaml'), ...scan()], /bomb-tollgate\.yaml: .*alias/i],
    ['a VEX document nested 100,000 deep', () => scan('--vex', at('deep-vex.json')), /deep-vex\.json/],
    ['a VEX justification nested 100,000 deep', () => scan('--vex', at('deep-vex-justification.json')), /deep-vex-justification\.json/],
    ['a gate file nested 100,000 deep', () => scan('--gate', at('deep-gate.yaml')), /deep-gate\.yaml:2: collections nested more than/],
    ['a FIFO as the gate file', () => scan('--gate', at('gate.fifo')), /gate file .*gate\.fifo \(not a regular file but a FIFO/],
    ['a FIFO as the ignore file', () => scan('--ignore-file', at('gate.fifo')), /ignore file .*gate\.fifo \(not a regular file but a FIFO/],
    ['a FIFO as the VEX document', () => scan('--vex', at('gate.fifo')), /gate\.fifo \(not a regular file but a FIFO/],
    ['a FIFO as tollgate.yaml', () => ['--config', at('gate.fifo'), ...scan()], /configuration file .*gate\.fifo \(not a regular file but a FIFO/],
    ['a FIFO as a policy', () => ['compliance', 'scan', `dir:${at('root')}`, '--policy', at('gate.fifo')], /policy .*gate\.fifo \(not a regular file but a FIFO/],
    ['a FIFO given to db import', () => ['db', 'import', at('gate.fifo'), '--db', at('other.db')], /cannot import .*gate\.fifo: not a regular file or a folder but a FIFO/],
    ['/dev/zero given to db import', () => ['db', 'import', '/dev/zero', '--db', at('other.db')], /cannot import \/dev\/zero: not a regular file or a folder but a character device/],
    ['/dev/zero as the gate file', () => scan('--gate', '/dev/zero'), /gate file \/dev\/zero \(not a regular file but a character device\)/],
  ])('%s is a usage error naming the file', async (_name, args, message) => {
    const run = await runHostile({ args: args(), timeoutMs: 20_000, memoryMiB: 512 });
    expect(clearFailureProblems(run, message, [2])).toEqual([]);
  });

  it('TOLLGATE_OUTPUT under a file is a usage error naming the flag', async () => {
    const run = await runHostile({ args: scan(), env: { TOLLGATE_OUTPUT: path.join(at('a-file'), 'report.txt') } });
    expect(clearFailureProblems(run, /--output: cannot write .*a-file\/report\.txt \(ENOTDIR\)/, [2])).toEqual([]);
  });

  it('an ignore file as large as a configuration file may be is applied, the entry found at its end', async () => {
    const run = await runHostile({ args: [...scan('--ignore-file', at('large-ignore.yaml'), '--fail-on', 'HIGH', '--format', 'json')], timeoutMs: 30_000 });
    expect(run.killedFor).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { verdict: { exclusions: { rule: string; reason: string }[] } };
    expect(report.verdict.exclusions).toMatchObject([{ rule: `${at('large-ignore.yaml')}:40002`, reason: 'accepted' }]);
  });
});
