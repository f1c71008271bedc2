/**
 * Flags fail closed: durations a timer cannot wait for, expressions nested to overflow the stack,
 * and error hints that name flags the CLI does not have are all refused or caught here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HostileInputError, UsageError } from '../errors.js';
import { openImage } from '../image/sources.js';
import { evaluateDurationExpression, timerMilliseconds } from './duration-expression.js';
import { imageOpenOptionsOf } from './image-open-options.js';
import { buildProgram } from './program.js';

const SRC = path.resolve(import.meta.dirname, '..');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function longFlags(command: Command): string[] {
  return [...command.options.flatMap((option) => (option.long ? [option.long] : [])), ...command.commands.flatMap(longFlags)];
}

describe('durations', () => {
  it('refuse an expression nested deeper than the parser allows, quickly and as a usage error', () => {
    const deep = `${'('.repeat(50_000)}1${')'.repeat(50_000)}`;
    expect(() => evaluateDurationExpression(deep, '--timeout')).toThrow(UsageError);
    expect(() => evaluateDurationExpression(`${'-'.repeat(50_000)}1`, '--timeout')).toThrow(/nests parentheses or signs more than 32 deep/);
    expect(evaluateDurationExpression(`${'('.repeat(30)}2*60${')'.repeat(30)}`, '--timeout')).toBe(120);
  });

  it('refuse a time limit longer than a timer can wait, naming the flag and the longest one', () => {
    expect(() => timerMilliseconds(40_000, 60_000, '--timeout', 'minutes')).toThrow(/--timeout: 40000 minutes is longer than the longest time limit, 35,791 minutes/);
    expect(timerMilliseconds(35_791, 60_000, '--timeout', 'minutes')).toBe(35_791 * 60_000);
    expect(() => timerMilliseconds(3_000_000, 1000, '--command-timeout', 'seconds')).toThrow(UsageError);
  });
});

describe('error hints', () => {
  it('name only flags the CLI has', () => {
    const known = new Set(longFlags(buildProgram()));
    const named = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/hint:\s*[`'"]([^`'"]*)[`'"]/g)].flatMap((match) => [...(match[1] as string).matchAll(/--[a-z][a-z-]*/g)].map((flag) => ({ file: path.relative(SRC, file), flag: flag[0] }))),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((entry) => !known.has(entry.flag))).toEqual([]);
  });

  it('raise the layer limits through --max-layer-size and --max-layer-entries, which reach the image readers', async () => {
    const options = imageOpenOptionsOf({ platform: 'linux/amd64', maxLayerSize: 1024, maxLayerEntries: 2 });
    expect(options.limits).toEqual({ maxLayerBytes: 1024, maxLayerEntries: 2 });
    expect(imageOpenOptionsOf({ platform: 'linux/amd64' }).limits).toBeUndefined();
    expect(imageOpenOptionsOf({ platform: 'linux/amd64', maxScanSize: 4096, maxScanTime: 60_000 }).limits).toEqual({ maxScanBytes: 4096, maxScanMs: 60_000 });
    const root = await mkdtemp(path.join(tmpdir(), 'tollgate-limits-'));
    try {
      await mkdir(path.join(root, 'etc'));
      for (const name of ['a', 'b', 'c']) await writeFile(path.join(root, 'etc', name), name);
      const source = await openImage(`dir:${root}`, options);
      try {
        const reading = (async () => {
          for await (const entry of source.openLayer(0)) void entry;
        })();
        await expect(reading).rejects.toThrow(HostileInputError);
        await expect(reading).rejects.toMatchObject({ hint: expect.stringContaining('--max-layer-entries') });
      } finally {
        await source.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
