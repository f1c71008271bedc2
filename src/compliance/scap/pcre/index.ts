/**
 * PCRE for OVAL: OVAL's regular expressions are PCRE (MITRE's interpreter and OpenSCAP both use
 * it), and JavaScript's RegExp rejects or silently changes many of the patterns real content uses
 * (mid-pattern `(?i)`/`(?-i)`, `[^]]`, `\h`). Everything that needs a regular expression in
 * src/compliance/scap/ goes through this one interface.
 *
 * The engine is PCRE2 compiled to WebAssembly (`@stephen-riley/pcre2-wasm`, PCRE2 10.34, 16-bit
 * code units so JavaScript string offsets are PCRE offsets). Its own JavaScript wrapper is not
 * used: it copies every subject onto a 5 MiB wasm stack (a large file overflows it), returns no
 * match for an empty subject, caps matchAll at 1000 matches and fetches its .wasm with `fetch()`
 * on Node ≥ 18 (a path is not a URL). So the compiled C entry points of its emscripten module
 * (compile, match, ovector access) are called here directly, with the subject copied once per
 * search into the module's heap. The module's memory is fixed (16 MiB): a subject that does not
 * fit is a PcreLimitError, never a crash.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

export interface PcreFlags {
  /** `^`/`$` at line breaks (OpenSCAP's textfilecontent54 `multiline`, its default true). */
  multiline?: boolean;
  /** `.` matches a line break (`singleline`). */
  dotall?: boolean;
  caseless?: boolean;
}

export interface PcreMatch {
  start: number;
  end: number;
  /** Group 0 is the whole match; an unset group is undefined. */
  groups: (string | undefined)[];
}

export interface PcrePattern {
  readonly source: string;
  readonly captureCount: number;
  /** True when the pattern matches somewhere in `subject`. */
  test(subject: string): boolean;
  /** The first match at or after `start`, or undefined. */
  exec(subject: string, start?: number): PcreMatch | undefined;
  /** Every non-overlapping match, left to right (an empty match advances one position), at most `limit`. */
  matchAll(subject: string, limit?: number): PcreMatch[];
}

export class PcreSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`invalid regular expression ${JSON.stringify(pattern)} at offset ${offset}: ${detail}`);
    this.name = 'PcreSyntaxError';
  }
}

/** A match could not be completed: the subject does not fit, or PCRE's match/depth limit was hit. */
export class PcreLimitError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'PcreLimitError';
  }
}

/** The emscripten module's C entry points (libpcre2.c of the package) and its heap views. */
interface Pcre2Module {
  loaded: Promise<void>;
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _compile(pattern: number, length: number, flags: number): number;
  _destroyCode(code: number): void;
  _lastErrorMessage(buffer: number, length: number): number;
  _lastErrorOffset(): number;
  _match(code: number, subject: number, length: number, offset: number, matchData: number): number;
  _createMatchData(code: number): number;
  _destroyMatchData(matchData: number): void;
  _getOvectorPointer(matchData: number): number;
  _getCaptureCount(code: number): number;
}

const PCRE2_ERROR_NOMATCH = -1;
/** Most matches one search returns; OVAL content never needs more, a hostile file could. */
export const MAX_MATCHES = 100_000;
/** Compiled patterns kept; past this the cache is emptied (the wasm heap is fixed). */
const MAX_CACHED_PATTERNS = 4096;

let loading: Promise<Pcre2Module> | undefined;

function loadModule(): Promise<Pcre2Module> {
  loading ??= (async () => {
    // The emscripten loader prefers fetch() whenever it exists, and fetch() cannot read a file
    // path: hide it for the synchronous load so the loader reads the .wasm from disk.
    const savedFetch = globalThis.fetch;
    // V8 compiles the module with its baseline compiler (Liftoff) and then, in the background, with
    // its optimizing one; Node waits at exit for that background work, which took 5-10 s of every
    // scan on a loaded 2-core machine after its report was written (most of a small profile's
    // time). Baseline code only: the process exits when the scan is done, and PCRE matching
    // measured faster too (no optimizing compile competing for the cores).
    setFlagsFromString('--liftoff-only');
    let module: Pcre2Module;
    try {
      (globalThis as { fetch?: unknown }).fetch = undefined;
      module = createRequire(import.meta.url)('@stephen-riley/pcre2-wasm/dist/libpcre2.js') as Pcre2Module;
    } finally {
      globalThis.fetch = savedFetch;
    }
    await module.loaded;
    return module;
  })();
  return loading;
}

/** Longest subject (UTF-16 code units) searched: the module's heap is 16 MiB, 5 MiB of it stack. */
export const MAX_SUBJECT_LENGTH = 3 * 1024 * 1024;

function writeUtf16(module: Pcre2Module, text: string): number {
  if (text.length > MAX_SUBJECT_LENGTH) throw new PcreLimitError(`the regular expression engine has no memory for a ${text.length}-character subject (at most ${MAX_SUBJECT_LENGTH})`);
  const pointer = module._malloc(text.length * 2 + 2);
  if (pointer === 0) throw new PcreLimitError(`the regular expression engine has no memory for a ${text.length}-character subject`);
  const base = pointer >>> 1;
  for (let i = 0; i < text.length; i++) module.HEAPU16[base + i] = text.charCodeAt(i);
  module.HEAPU16[base + text.length] = 0;
  return pointer;
}

function readUtf16(module: Pcre2Module, pointer: number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(module.HEAPU16[(pointer >>> 1) + i] as number);
  return text;
}

/** Subjects shorter than this (names and paths) go through the one shared buffer. */
const SHARED_SUBJECT_CHARS = 16 * 1024;
/** One subject buffer in the module's heap for test()'s short subjects. */
const subjectBuffers = new WeakMap<Pcre2Module, { pointer: number }>();

function sharedSubject(module: Pcre2Module, text: string): number {
  let buffer = subjectBuffers.get(module);
  if (!buffer) {
    const pointer = module._malloc(SHARED_SUBJECT_CHARS * 2);
    if (pointer === 0) throw new PcreLimitError(`the regular expression engine has no memory for a ${text.length}-character subject`);
    buffer = { pointer };
    subjectBuffers.set(module, buffer);
  }
  const base = buffer.pointer >>> 1;
  const heap = module.HEAPU16;
  for (let i = 0; i < text.length; i++) heap[base + i] = text.charCodeAt(i);
  heap[base + text.length] = 0;
  return buffer.pointer;
}

class WasmPattern implements PcrePattern {
  readonly captureCount: number;
  /** The match data test() reuses (0 until first used). */
  private matchData = 0;

  constructor(
    private readonly module: Pcre2Module,
    readonly source: string,
    private readonly code: number,
  ) {
    this.captureCount = module._getCaptureCount(code);
  }

  /**
   * Whether the pattern matches: the hot path of a walk (a file name judged per entry of a host's
   * ~650k), so no group is read, the match data is the pattern's own and the subject goes into one
   * buffer kept for every pattern (no allocation per call). Synchronous, so nothing else touches
   * the buffer or the match data between writing and matching.
   */
  test(subject: string): boolean {
    // A long subject (a file's text) is rare: it gets its own allocation, so the heap never keeps a large buffer.
    if (subject.length >= SHARED_SUBJECT_CHARS) return this.search(subject, 0, 1).length > 0;
    const { module } = this;
    this.matchData ||= module._createMatchData(this.code);
    if (this.matchData === 0) throw new PcreLimitError('the regular expression engine has no memory for match data');
    const subjectPointer = sharedSubject(module, subject);
    const rc = module._match(this.code, subjectPointer, subject.length, 0, this.matchData) | 0;
    if (rc === PCRE2_ERROR_NOMATCH) return false;
    if (rc < 0) throw new PcreLimitError(`matching ${JSON.stringify(this.source)} failed: ${this.errorText(rc)}`);
    return true;
  }

  exec(subject: string, start = 0): PcreMatch | undefined {
    return this.search(subject, start, 1)[0];
  }

  matchAll(subject: string, limit = MAX_MATCHES): PcreMatch[] {
    return this.search(subject, 0, limit);
  }

  private search(subject: string, start: number, limit: number): PcreMatch[] {
    const { module } = this;
    const subjectPointer = writeUtf16(module, subject);
    const matchData = module._createMatchData(this.code);
    const found: PcreMatch[] = [];
    try {
      if (matchData === 0) throw new PcreLimitError('the regular expression engine has no memory for match data');
      let offset = start;
      while (offset <= subject.length && found.length < limit) {
        const rc = module._match(this.code, subjectPointer, subject.length, offset, matchData) | 0;
        if (rc === PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) throw new PcreLimitError(`matching ${JSON.stringify(this.source)} failed: ${this.errorText(rc)}`);
        const ovector = module._getOvectorPointer(matchData) >>> 2;
        const groups: (string | undefined)[] = [];
        for (let group = 0; group <= this.captureCount; group++) {
          const from = module.HEAPU32[ovector + group * 2] as number;
          const to = module.HEAPU32[ovector + group * 2 + 1] as number;
          groups.push(from === 0xffffffff || group >= rc ? undefined : subject.slice(from, to));
        }
        const matchStart = module.HEAPU32[ovector] as number;
        const matchEnd = module.HEAPU32[ovector + 1] as number;
        found.push({ start: matchStart, end: matchEnd, groups });
        offset = matchEnd > matchStart ? matchEnd : matchEnd + 1;
      }
      if (found.length >= limit && limit === MAX_MATCHES) throw new PcreLimitError(`more than ${MAX_MATCHES} matches of ${JSON.stringify(this.source)}`);
      return found;
    } finally {
      if (matchData !== 0) module._destroyMatchData(matchData);
      module._free(subjectPointer);
    }
  }

  private errorText(code: number): string {
    const known: Record<number, string> = { [-47]: 'match limit exceeded', [-48]: 'no memory', [-52]: 'depth limit exceeded', [-63]: 'heap limit exceeded' };
    return `PCRE2 error ${code}${known[code] ? ` (${known[code]})` : ''}`;
  }

  dispose(): void {
    if (this.matchData !== 0) this.module._destroyMatchData(this.matchData);
    this.module._destroyCode(this.code);
  }
}

/** The PCRE engine, loaded once per process. */
export interface Pcre {
  readonly version: string;
  /** Compiles (or returns the cached compilation of) a pattern; throws PcreSyntaxError. */
  compile(pattern: string, flags?: PcreFlags): PcrePattern;
}

let engine: Promise<Pcre> | undefined;

export function loadPcre(): Promise<Pcre> {
  engine ??= loadModule().then((module) => {
    const cache = new Map<string, WasmPattern>();
    const compileFresh = (pattern: string, flags: PcreFlags): WasmPattern => {
      const flagText = `${flags.multiline ? 'm' : ''}${flags.dotall ? 's' : ''}${flags.caseless ? 'i' : ''}`;
      const patternPointer = writeUtf16(module, pattern);
      const flagPointer = module._malloc(flagText.length + 1);
      try {
        for (let i = 0; i < flagText.length; i++) module.HEAPU8[flagPointer + i] = flagText.charCodeAt(i);
        module.HEAPU8[flagPointer + flagText.length] = 0;
        const code = module._compile(patternPointer, pattern.length, flagPointer);
        if (code === 0) {
          const messagePointer = module._malloc(512);
          const length = module._lastErrorMessage(messagePointer, 256);
          const message = length > 0 ? readUtf16(module, messagePointer, length) : 'rejected';
          module._free(messagePointer);
          throw new PcreSyntaxError(pattern, module._lastErrorOffset(), message);
        }
        return new WasmPattern(module, pattern, code);
      } finally {
        module._free(patternPointer);
        module._free(flagPointer);
      }
    };
    return {
      version: '10.34',
      compile(pattern: string, flags: PcreFlags = {}): PcrePattern {
        const key = `${flags.multiline ? 'm' : '-'}${flags.dotall ? 's' : '-'}${flags.caseless ? 'i' : '-'}${pattern}`;
        let compiled = cache.get(key);
        if (!compiled) {
          if (cache.size >= MAX_CACHED_PATTERNS) {
            for (const old of cache.values()) old.dispose();
            cache.clear();
          }
          compiled = compileFresh(pattern, flags);
          cache.set(key, compiled);
        }
        return compiled;
      },
    };
  });
  return engine;
}
