/**
 * The built CLI's start-up through V8's code cache (src/cli/code-cache.ts): made on the first run,
 * used on the next, ignored when corrupt, foreign or made for another bundle, never changing what
 * a command prints or its exit code, and not used with --no-cache or TOLLGATE_CODE_CACHE=false.
 */
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/engine/layer-cache.js';
import { codeCacheDir, codeCacheKey, commandOf, defaultLayerCacheDir, readCodeCache } from '../../src/cli/code-cache.js';
import { runTollgate } from '../support/cli.js';

let work: string;
const env = (): NodeJS.ProcessEnv => ({ TOLLGATE_CACHE_DIR: path.join(work, 'cache'), TOLLGATE_DEBUG_STARTUP: '1' });
const codeDir = (): string => path.join(work, 'cache', 'code');

async function cacheFiles(): Promise<string[]> {
  return (await readdir(codeDir()).catch(() => [] as string[])).filter((name) => name.endsWith('.bin'));
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-code-cache-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the code cache of the CLI', () => {
  it('is made by the first run and used by the next, with the same output', async () => {
    const first = await runTollgate(['--help'], { env: env() });
    expect(first.stderr).toBe('tollgate: code cache none\n');
    expect(await cacheFiles()).toHaveLength(1);
    const second = await runTollgate(['--help'], { env: env() });
    expect(second.stderr).toBe('tollgate: code cache used\n');
    expect([second.code, second.stdout]).toEqual([first.code, first.stdout]);
  });

  it('ignores a corrupt cache, runs correctly, and replaces it', async () => {
    const [name] = await cacheFiles();
    const file = path.join(codeDir(), name ?? '');
    const bytes = await readFile(file);
    // Keep the header (the key), spoil the data V8 reads.
    for (let index = bytes.indexOf(0x0a, 30) + 1; index < bytes.length; index += 97) bytes[index] = (bytes[index] ?? 0) ^ 0x5a;
    await writeFile(file, bytes);
    const run = await runTollgate(['--version'], { env: env() });
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.stderr).toBe('tollgate: code cache rejected\n');
    expect((await runTollgate(['--version'], { env: env() })).stderr).toBe('tollgate: code cache used\n');
  });

  it('never uses a file whose key is another bundle’s, or that is not a cache at all', async () => {
    const [name] = await cacheFiles();
    const file = path.join(codeDir(), name ?? '');
    const bytes = await readFile(file);
    await writeFile(file, Buffer.concat([Buffer.from('tollgate-v8-code-cache 1\n' + '0'.repeat(64) + '\n'), bytes.subarray(bytes.indexOf(0x0a, 30) + 1)]));
    expect((await runTollgate(['--version'], { env: env() })).stderr).toBe('tollgate: code cache none\n');
    await writeFile(file, 'not a cache');
    expect((await runTollgate(['--version'], { env: env() })).stderr).toBe('tollgate: code cache none\n');
    expect((await runTollgate(['--version'], { env: env() })).stderr).toBe('tollgate: code cache used\n');
  });

  it('is not used with --no-cache or TOLLGATE_CODE_CACHE=false, and follows --cache-dir', async () => {
    expect((await runTollgate(['cache', 'status', '--no-cache'], { env: env() })).stderr).toContain('tollgate: code cache off');
    expect((await runTollgate(['--version'], { env: { ...env(), TOLLGATE_CODE_CACHE: 'false' } })).stderr).toBe('tollgate: code cache off\n');
    const elsewhere = path.join(work, 'elsewhere');
    await runTollgate(['cache', 'status', '--cache-dir', elsewhere], { env: env() });
    expect(await readdir(path.join(elsewhere, 'code'))).toHaveLength(1);
    expect((await runTollgate(['cache', 'clean', '--cache-dir', elsewhere], { env: { ...env(), TOLLGATE_CODE_CACHE: 'false' } })).code).toBe(0);
    await expect(readdir(path.join(elsewhere, 'code'))).rejects.toThrow(/ENOENT/);
  });
});

describe('where the code cache goes', () => {
  it('beside the layer cache, found the way the engine finds it', () => {
    for (const variables of [{}, { XDG_CACHE_HOME: '/x/cache' }, { TOLLGATE_CACHE_DIR: '/y/layers' }]) {
      const saved = { ...process.env };
      Object.assign(process.env, variables);
      try {
        expect(defaultLayerCacheDir()).toBe(defaultCacheDir());
      } finally {
        for (const key of Object.keys(variables)) if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(codeCacheDir(['image', 'scan', 'x', '--cache-dir', '/c'], {})).toBe('/c/code');
    expect(codeCacheDir(['image', 'scan', '--cache-dir=/d', 'x'], {})).toBe('/d/code');
    expect(codeCacheDir(['image', 'scan', 'x', '--no-cache'], {})).toBeUndefined();
    expect(codeCacheDir(['--version'], { TOLLGATE_CODE_CACHE: 'no' })).toBeUndefined();
    expect(codeCacheDir(['--version'], { TOLLGATE_CACHE_DIR: '/e' })).toBe('/e/code');
  });

  it('keeps a cache per command', () => {
    expect(commandOf(['image', 'scan', 'oci:/x', '--db', 'y'])).toBe('image-scan');
    expect(commandOf(['db', 'import', '/tmp/osv'])).toBe('db-import');
    expect(commandOf(['--version'])).toBe('tollgate');
    expect(commandOf(['--config', 'x.yaml', 'image', 'scan'])).toBe('tollgate');
    expect(commandOf(['../../etc', 'x'])).toBe('tollgate');
  });

  it('keys on the bundle’s bytes and the runtime', () => {
    const runtime = { version: 'v20.0.0', arch: 'x64', platform: 'linux', v8Flags: [] };
    expect(codeCacheKey('a', runtime)).not.toBe(codeCacheKey('b', runtime));
    expect(codeCacheKey('a', runtime)).not.toBe(codeCacheKey('a', { ...runtime, version: 'v22.0.0' }));
    expect(codeCacheKey('a', runtime)).not.toBe(codeCacheKey('a', { ...runtime, v8Flags: ['--jitless'] }));
    expect(readCodeCache('/nonexistent/file', codeCacheKey('a', runtime))).toBeUndefined();
  });
});
