/**
 * Which tollgate the action runs: a given path (a .cjs run with the action's own Node), or the
 * exact version it was built from, installed once under the runner's tool folder and reused; a
 * version that is not exact is refused before npm is asked.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { givenCli, installedCli } from './cli-location.js';

const root = mkdtempSync(path.join(tmpdir(), 'tollgate-cli-location-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the CLI the action runs', () => {
  it('runs a given .cjs with the action’s Node, another file as it is, and refuses a missing one', () => {
    const script = path.join(root, 'tollgate.cjs');
    writeFileSync(script, '');
    expect(givenCli(script)).toEqual({ command: process.execPath, args: [script] });
    const binary = path.join(root, 'tollgate');
    writeFileSync(binary, '');
    expect(givenCli(binary)).toEqual({ command: binary, args: [] });
    expect(() => givenCli(path.join(root, 'missing'))).toThrow(/input "cli": .* does not exist/);
  });

  it('reuses an installed copy of the exact version without running npm', () => {
    const entry = path.join(root, 'tools', 'tollgate-1.2.3', 'node_modules', 'tollgate', 'dist', 'bin', 'tollgate.cjs');
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileSync(entry, '');
    expect(installedCli('tollgate', '1.2.3', path.join(root, 'tools'))).toEqual({ command: process.execPath, args: [entry] });
  });

  it('refuses to install a range or a tag', () => {
    for (const version of ['^1.2.3', 'latest', '1.2', '1.2.3 || 2']) expect(() => installedCli('tollgate', version, root)).toThrow(/not an exact version/);
  });
});
