import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { MAX_CONFIG_BYTES, readConfigBytes, readConfigText } from './read-config-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tollgate-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function messageOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the read succeeded');
}

describe('reading a configuration file', () => {
  it('returns the text of a file', async () => {
    const file = path.join(dir, 'gate.yaml');
    await writeFile(file, 'fail:\n  on: HIGH\n');
    expect(readConfigText(file, 'gate file')).toBe('fail:\n  on: HIGH\n');
  });

  it('names the file and the operating system\'s reason, in one wording', async () => {
    await mkdir(path.join(dir, 'folder'));
    expect(messageOf(() => readConfigText(path.join(dir, 'missing.yaml'), 'ignore file'))).toBe(`cannot read ignore file ${path.join(dir, 'missing.yaml')} (ENOENT)`);
    expect(messageOf(() => readConfigText(path.join(dir, 'folder'), 'the policy'))).toBe(`cannot read the policy ${path.join(dir, 'folder')} (EISDIR)`);
    expect(messageOf(() => readConfigBytes(path.join(dir, 'missing.key'), 'the secret file', { context: 'c.yaml:2:5: record "web", password' }))).toBe(`c.yaml:2:5: record "web", password: cannot read the secret file ${path.join(dir, 'missing.key')} (ENOENT)`);
  });

  it('reads a file of exactly the limit and refuses one byte more', async () => {
    const file = path.join(dir, 'big.yaml');
    await writeFile(file, Buffer.alloc(1000, 0x61));
    expect(readConfigBytes(file, 'gate file', { maxBytes: 1000 })).toHaveLength(1000);
    expect(messageOf(() => readConfigBytes(file, 'gate file', { maxBytes: 999 }))).toBe(`cannot read gate file ${file} (larger than the 999-byte limit)`);
    await writeFile(file, Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x61));
    expect(messageOf(() => readConfigText(file, 'gate file'))).toMatch(/\(larger than the 1 MiB limit\)$/);
  });

  it('refuses a device, such as a file that never ends, before reading it', () => {
    expect(messageOf(() => readConfigBytes('/dev/zero', 'VEX document', { maxBytes: 200_000 }))).toBe('cannot read VEX document /dev/zero (not a regular file but a character device)');
  });

  it('refuses a FIFO at once instead of waiting for a writer, and reads a link to a regular file', async () => {
    const fifo = path.join(dir, 'gate.fifo');
    execFileSync('mkfifo', [fifo]);
    // A blocking open would never return: the call itself would hang the test.
    expect(messageOf(() => readConfigBytes(fifo, 'gate file'))).toBe(`cannot read gate file ${fifo} (not a regular file but a FIFO (named pipe))`);
    const target = path.join(dir, 'real.yaml');
    await writeFile(target, 'fail: { on: HIGH }\n');
    await symlink(target, path.join(dir, 'link.yaml'));
    expect(readConfigText(path.join(dir, 'link.yaml'), 'gate file')).toBe('fail: { on: HIGH }\n');
  });
});
