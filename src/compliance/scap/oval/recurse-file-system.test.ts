/**
 * recurse_file_system against OpenSCAP (`oscap oval eval`) on real mounts: a tmpfs, a bind mount and
 * a network filesystem (sshfs from a loopback sshd) in a temporary tree, made by a harness in a
 * mount namespace of its own (test/support/recurse-file-system-harness.ts) so that no other test
 * sees them. Every file object recursing from each of three starts with each behavior, walked or
 * answered by a tree query (a filter), must name the same files and folders in both tools, and so
 * must objects that do not recurse (their start is judged too): with `find`, with the walk in this
 * process, folder by folder, on `dir:` and over SSH. Mounting needs root and sshfs: CI has both,
 * elsewhere the suite says why it skips.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RecurseFileSystemAnswers } from '../../../../test/support/recurse-file-system-harness.js';

function canMount(): boolean {
  try {
    execFileSync('sshfs', ['--version'], { stdio: 'pipe' });
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const mountable = canMount();
if (!mountable && process.env.CI) throw new Error('recurse_file_system tests need root (a mount namespace, mount) and sshfs, which CI installs and runs as');

const HARNESS = fileURLToPath(new URL('../../../../test/support/recurse-file-system-harness.ts', import.meta.url));

describe.skipIf(!mountable)('recurse_file_system on real mounts, against oscap oval eval', () => {
  it('names the same files and folders as OpenSCAP for all, local and defined, with find, in-process, folder by folder, on dir: and over SSH', () => {
    const output = execFileSync('unshare', ['--mount', '--propagation', 'private', process.execPath, '--import', 'tsx', HARNESS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 110_000 });
    const { oscap, tollgate, queried } = JSON.parse(output) as RecurseFileSystemAnswers;
    // What the behaviors mean, so that agreement is not agreement on nothing.
    const meanings: [string, string][] = [
      ['all / files has net/sub/n2.txt', 'true'],
      ['local / files has net/n.txt', 'false'],
      ['local / folders has net', 'true'],
      ['local / files has same/back/inner.txt', 'true'],
      ['local /net folders has net', 'false'],
      ['defined / files has same/s.txt', 'false'],
      ['defined / folders has same', 'true'],
      ['defined /same files has same/s/deeper.txt', 'true'],
      ['defined /same files has same/back/inner.txt', 'false'],
      ['defined /same filtered folders has same/back', 'true'],
      ['all /net not recursing has net/n.txt', 'true'],
      ['local /net not recursing has net/n.txt', 'false'],
      ['local /net not recursing has net', 'false'],
    ];
    for (const [question, answer] of meanings) expect({ question, answer: oscap[question] }).toEqual({ question, answer });
    expect(Object.keys(tollgate).sort()).toEqual(['dir', 'find', 'in-process', 'per-folder', 'ssh']);
    for (const [reading, results] of Object.entries(tollgate)) expect({ reading, results }).toEqual({ reading, results: oscap });
    // The filtered objects were answered by tree queries, the others walked.
    expect(queried).toBe(true);
  }, 120_000);
});
