/**
 * Decides, for every path the walk meets, which analyzers want that file. Compiled once from the
 * analyzers' declared glob patterns and selection rules.
 *
 * Globs: most paths are rejected by a map lookup on the base name. Patterns whose last segment is
 * itself a glob are tested against every path, after cheap literal checks: the pattern's literal
 * leading folders (`var/lib/dpkg/info/`), the literal end of its last segment (`.list`), its
 * longest literal segment. The regular expression runs only for paths that pass all three.
 *
 * Rules (`Analyzer.select`): the path test runs here, for every regular file; information and magic
 * bytes are the walk's to test, and only for the files returned by candidatesFor. With no rule
 * declared, candidatesFor is never needed (hasRules is false) and the walk costs what globs cost.
 *
 * Never reads a file, never allocates for a path no analyzer wants.
 */
import picomatch from 'picomatch';
import type { InventoryAnalyzer } from './analyzer.js';
import { prefixLength, type MagicBytes } from './magic.js';

interface CompiledPattern {
  analyzer: InventoryAnalyzer;
  regex: RegExp;
  /** Literal leading folders every matching path starts with (`var/lib/dpkg/info/`), or ''. */
  prefix: string;
  /** The literal end of the last segment every matching path ends with (`.list`), or ''. */
  suffix: string;
  /** A literal segment every matching path contains, when there is no prefix to check. */
  mustContain: string;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;
const NONE: readonly InventoryAnalyzer[] = Object.freeze([]);

function compile(analyzer: InventoryAnalyzer, pattern: string): CompiledPattern {
  const segments = pattern.split('/');
  const last = segments[segments.length - 1] ?? '';
  const leading: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (GLOB_CHARS.test(segment)) break;
    leading.push(segment);
  }
  const literals = segments.filter((segment) => !GLOB_CHARS.test(segment));
  let suffixStart = last.length;
  while (suffixStart > 0 && !GLOB_CHARS.test(last[suffixStart - 1] as string)) suffixStart -= 1;
  return {
    analyzer,
    regex: picomatch.makeRe(pattern, { dot: true }),
    prefix: leading.length > 0 ? `${leading.join('/')}/` : '',
    suffix: last.slice(suffixStart),
    mustContain: leading.length > 0 ? '' : literals.reduce((longest, segment) => (segment.length > longest.length ? segment : longest), ''),
  };
}

export class FileSelector {
  private readonly byBaseName = new Map<string, CompiledPattern[]>();
  private readonly wildcards: CompiledPattern[] = [];
  /** Rule analyzers with a path test, in list order. */
  private readonly pathRules: InventoryAnalyzer[] = [];
  /** Rule analyzers without one: candidates for every regular file. */
  private readonly pathlessRules: readonly InventoryAnalyzer[];
  /** True when some analyzer declares a selection rule: the walk must ask candidatesFor. */
  readonly hasRules: boolean;
  /** Bytes the walk must peek to test every declared magic (0 without magic). */
  readonly peekLength: number;
  /** True when some analyzer is not a content analyzer (reads through a reader, or after the walk). */
  readonly hasNonContentAnalyzers: boolean;

  constructor(readonly analyzers: readonly InventoryAnalyzer[]) {
    const pathless: InventoryAnalyzer[] = [];
    const magics: MagicBytes[] = [];
    for (const analyzer of analyzers) {
      if (!analyzer.patterns?.length && !analyzer.select) throw new Error(`analyzer ${analyzer.id} declares no files: give it patterns, a select rule, or both`);
      for (const pattern of analyzer.patterns ?? []) {
        const compiled = compile(analyzer, pattern);
        const last = pattern.slice(pattern.lastIndexOf('/') + 1);
        if (GLOB_CHARS.test(last)) {
          this.wildcards.push(compiled);
        } else {
          const list = this.byBaseName.get(last) ?? [];
          list.push(compiled);
          this.byBaseName.set(last, list);
        }
      }
      if (analyzer.select) {
        (analyzer.select.path ? this.pathRules : pathless).push(analyzer);
        magics.push(...(analyzer.select.magic ?? []));
      }
    }
    this.pathlessRules = Object.freeze(pathless);
    this.hasRules = this.pathRules.length > 0 || pathless.length > 0;
    this.peekLength = prefixLength(magics);
    this.hasNonContentAnalyzers = analyzers.some((analyzer) => analyzer.kind !== undefined && analyzer.kind !== 'content');
  }

  /**
   * The analyzers whose glob patterns match `path` (absolute, `/etc/os-release`), in list order.
   * Links at these paths are followed; rules are not consulted here.
   */
  analyzersFor(path: string): readonly InventoryAnalyzer[] {
    const relative = path.startsWith('/') ? path.slice(1) : path;
    let found: InventoryAnalyzer[] | undefined;
    const named = this.byBaseName.get(relative.slice(relative.lastIndexOf('/') + 1));
    if (named) {
      for (const candidate of named) {
        if (candidate.prefix && !relative.startsWith(candidate.prefix)) continue;
        if (candidate.mustContain && !relative.includes(candidate.mustContain)) continue;
        if (found?.includes(candidate.analyzer)) continue;
        if (candidate.regex.test(relative)) (found ??= []).push(candidate.analyzer);
      }
    }
    for (const candidate of this.wildcards) {
      if (candidate.prefix && !relative.startsWith(candidate.prefix)) continue;
      if (candidate.suffix && !relative.endsWith(candidate.suffix)) continue;
      if (candidate.mustContain && !relative.includes(candidate.mustContain)) continue;
      if (found?.includes(candidate.analyzer)) continue;
      if (candidate.regex.test(relative)) (found ??= []).push(candidate.analyzer);
    }
    if (!found) return NONE;
    return found.length > 1 ? this.analyzers.filter((analyzer) => found?.includes(analyzer)) : found;
  }

  /**
   * The rule analyzers whose path test passes for the regular file at `path`, in list order: the
   * walk then tests their `info` and `magic`. Allocates only when a path test passes.
   */
  candidatesFor(path: string): readonly InventoryAnalyzer[] {
    let found: InventoryAnalyzer[] | undefined;
    for (const analyzer of this.pathRules) {
      if (analyzer.select?.path?.(path)) (found ??= [...this.pathlessRules]).push(analyzer);
    }
    if (!found) return this.pathlessRules;
    return this.pathlessRules.length > 0 ? this.analyzers.filter((analyzer) => found?.includes(analyzer)) : found;
  }

  /** A string naming the analyzer set and versions; part of every layer-cache key. */
  get fingerprint(): string {
    return this.analyzers.map((analyzer) => `${analyzer.id}@${analyzer.version}`).join(',');
  }
}
