/**
 * Start-up of the bundled CLI with V8's code cache. Node 20 has no module compile cache, so the
 * launcher (dist/bin/tollgate.cjs) compiles the bundle (dist/bin/tollgate-cli.cjs) itself through
 * `vm.Script` with the `cachedData` V8 produced on an earlier run, and saves that data when there
 * was none (or V8 refused it) once the run is over, when it covers every function the run compiled.
 *
 * The cache is only ever a shortcut, never a correctness risk:
 * - its file is named by the SHA-256 of the bundle's bytes, Node's version, the platform and the V8
 *   flags, and the file repeats that key in its header; a file whose key differs is not used;
 * - V8 checks the data itself (its version, flags and a checksum) and rejects what does not fit;
 * - a missing, unreadable, corrupt, foreign or rejected cache is ignored and the bundle compiles as
 *   usual; failing to write one is silent; nothing here ever fails a command.
 *
 * It lives beside the layer cache (`<cache dir>/code/`), follows `--cache-dir` and
 * TOLLGATE_CACHE_DIR, is not used with `--no-cache`, and TOLLGATE_CODE_CACHE=false turns it off.
 * Only Node's built-in modules are imported: this file runs before anything else is loaded.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import Module, { createRequire } from 'node:module';
import vm from 'node:vm';

const MAGIC = 'tollgate-v8-code-cache 1\n';

/** The folder of the layer cache, as `defaultCacheDir` in src/engine/layer-cache.ts finds it (env-paths' cache folder), without loading the engine. */
export function defaultLayerCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.TOLLGATE_CACHE_DIR) return env.TOLLGATE_CACHE_DIR;
  const base = platform === 'darwin' ? path.join(home, 'Library', 'Caches') : platform === 'win32' ? path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Cache') : path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'));
  return path.join(base, 'tollgate', 'layers');
}

/** Where the code cache goes for this command line, or undefined when it must not be used. */
export function codeCacheDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.TOLLGATE_CODE_CACHE?.trim().toLowerCase();
  if (setting !== undefined && setting !== '' && !['1', 'true', 'yes'].includes(setting)) return undefined;
  let cacheDir: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (arg === '--') break;
    if (arg === '--no-cache') return undefined;
    if (arg === '--cache-dir') cacheDir = argv[index + 1];
    else if (arg.startsWith('--cache-dir=')) cacheDir = arg.slice('--cache-dir='.length);
  }
  return path.join(cacheDir || defaultLayerCacheDir(env), 'code');
}

/**
 * The command a command line runs (`image-scan`, `db-import`; `tollgate` for --version and --help):
 * each command keeps a cache of its own, since the cached code is what that command compiled and a
 * cache of everything would cost the small commands more to load than it saves them.
 */
export function commandOf(argv: readonly string[]): string {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg === '--' || arg.startsWith('-') || words.length === 2) break;
    if (!/^[a-z][a-z-]{0,20}$/.test(arg)) break;
    words.push(arg);
  }
  return words.length > 0 ? words.join('-') : 'tollgate';
}

/** The key of a compiled bundle: its bytes, and everything V8's compiled code depends on. */
export function codeCacheKey(source: string | Buffer, runtime: { version: string; arch: string; platform: string; v8Flags: readonly string[] } = currentRuntime()): string {
  return createHash('sha256').update(source).update('\0').update(JSON.stringify([runtime.version, runtime.arch, runtime.platform, ...runtime.v8Flags])).digest('hex');
}

function currentRuntime(): { version: string; arch: string; platform: string; v8Flags: readonly string[] } {
  return { version: `${process.version} v8 ${process.versions.v8}`, arch: process.arch, platform: process.platform, v8Flags: [...process.execArgv, process.env.NODE_OPTIONS ?? ''] };
}

/** The cached data in `file` when its header carries `key`; undefined for anything else. */
export function readCodeCache(file: string, key: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const header = `${MAGIC}${key}\n`;
  if (bytes.length <= header.length || bytes.toString('latin1', 0, header.length) !== header) return undefined;
  return bytes.subarray(header.length);
}

/** Writes the cache atomically (a new file renamed into place); any failure leaves no file and is ignored. */
export function writeCodeCache(file: string, key: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, Buffer.concat([Buffer.from(`${MAGIC}${key}\n`, 'latin1'), data]), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
  }
}

export interface CodeCacheOutcome {
  /** 'used': V8 accepted the cached code; 'rejected': there was a file V8 refused; 'none': no usable file; 'off': not asked for. */
  cache: 'used' | 'rejected' | 'none' | 'off';
  /** Milliseconds spent reading the bundle, hashing it, reading the cache, compiling, and running the bundle's top level. */
  timings: Record<'read' | 'hash' | 'readCache' | 'compile' | 'evaluate', number>;
}

/**
 * Runs the CommonJS bundle `bundleFile` as Node's own loader would (module, require, __filename,
 * __dirname), compiled with the code cache in `cacheDir` when there is one. The bundle must not
 * call import() (a script compiled here has no loader for it; scripts/bundle.mjs checks).
 */
export function runBundle(bundleFile: string, cacheDir: string | undefined, command = 'tollgate'): CodeCacheOutcome {
  let last = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
  const source = readFileSync(bundleFile, 'utf8');
  const read = lap();
  const usable = cacheDir !== undefined;
  const key = usable ? codeCacheKey(source) : '';
  const hash = lap();
  const cacheFile = usable ? path.join(cacheDir, `${key.slice(0, 32)}-${command}.bin`) : '';
  const cachedData = usable ? readCodeCache(cacheFile, key) : undefined;
  const readCache = lap();
  // As Node's loader does: a leading #! line is a comment (kept as a line, so positions stay).
  const body = source.startsWith('#!') ? `//${source}` : source;
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
  const script = new vm.Script(wrapper, {
    filename: bundleFile,
    ...(cachedData ? { cachedData } : {}),
  });
  const compile = lap();
  const cache = !usable ? 'off' : cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  if (usable && cache !== 'used') {
    // Saved when the run is over, so the data covers every function this run compiled.
    process.once('exit', () => writeCodeCache(cacheFile, key, script.createCachedData()));
  }
  const bundleModule = new Module(bundleFile, undefined);
  bundleModule.filename = bundleFile;
  bundleModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundleFile));
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(bundleModule.exports, bundleModule.exports, createRequire(bundleFile), bundleModule, bundleFile, path.dirname(bundleFile));
  bundleModule.loaded = true;
  return { cache, timings: { read, hash, readCache, compile, evaluate: lap() } };
}
