import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { writeOutputFile } from './output-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tollgate-output-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report and verdict files', () => {
  it('replace a symbolic link at the path instead of writing through it', async () => {
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    const report = path.join(dir, 'report.json');
    await symlink(victim, report);
    await writeOutputFile(report, '{"passed":true}\n', '--output');
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(report)).isSymbolicLink()).toBe(false);
    expect(await readFile(report, 'utf8')).toBe('{"passed":true}\n');
  });

  it('create missing folders and leave no temporary file behind', async () => {
    const report = path.join(dir, 'deep', 'er', 'report.sarif');
    await writeOutputFile(report, 'x', '--format sarif=');
    expect(await readFile(report, 'utf8')).toBe('x');
    expect(await readdir(path.dirname(report))).toEqual(['report.sarif']);
  });

  it('refuse a path under a file or a folder path as a usage error naming the flag, leaving nothing behind', async () => {
    const file = path.join(dir, 'plain');
    await writeFile(file, 'plain');
    await expect(writeOutputFile(path.join(file, 'report.json'), 'x', '--output')).rejects.toThrow(UsageError);
    await expect(writeOutputFile(path.join(file, 'report.json'), 'x', '--output')).rejects.toThrow(/--output: cannot write .*plain\/report\.json \(ENOTDIR\)/);
    await expect(writeOutputFile(dir, 'x', '--summary-output')).rejects.toThrow(/--summary-output: cannot write .* \(EISDIR\)/);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('devices, pipes and terminals', () => {
  it('are written into, never replaced: /dev/null stays the null device, a link to it stays a link', async () => {
    await writeOutputFile('/dev/null', 'discarded', '--output');
    expect((await lstat('/dev/null')).isCharacterDevice()).toBe(true);
    const link = path.join(dir, 'to-null');
    await symlink('/dev/null', link);
    await writeOutputFile(link, 'discarded', '--output');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect((await lstat('/dev/null')).isCharacterDevice()).toBe(true);
  });

  it('write into a FIFO that a reader holds open', async () => {
    const fifo = path.join(dir, 'pipe');
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [fifo], (error) => (error ? reject(error) : resolve())));
    const reader = new Promise<string>((resolve, reject) => execFile('cat', [fifo], (error, stdout) => (error ? reject(error) : resolve(stdout))));
    await writeOutputFile(fifo, 'through the pipe', '--summary-output');
    expect(await reader).toBe('through the pipe');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });
});
