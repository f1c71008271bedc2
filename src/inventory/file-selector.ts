/**
 * Decides, for every path the walk meets, which analyzers want that file. Compiled once from the
 * analyzers' declared glob patterns. Most paths are rejected by a map lookup on the base name;
 * only patterns whose last segment is itself a glob are tested against every path, after a
 * substring pre-check on their longest literal segment.
 */
import picomatch from 'picomatch';
import type { Analyzer } from './analyzer.js';

interface CompiledPattern {
  analyzer: Analyzer;
  regex: RegExp;
  /** A literal segment every matching path contains, for a cheap pre-check. */
  mustContain: string;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;
const NONE: readonly Analyzer[] = Object.freeze([]);

export class FileSelector {
  private readonly byBaseName = new Map<string, CompiledPattern[]>();
  private readonly wildcards: CompiledPattern[] = [];

  constructor(readonly analyzers: readonly Analyzer[]) {
    for (const analyzer of analyzers) {
      for (const pattern of analyzer.patterns) {
        const segments = pattern.split('/');
        const last = segments[segments.length - 1] ?? '';
        const literals = segments.filter((segment) => !GLOB_CHARS.test(segment));
        const compiled: CompiledPattern = {
          analyzer,
          regex: picomatch.makeRe(pattern, { dot: true }),
          mustContain: literals.reduce((longest, segment) => (segment.length > longest.length ? segment : longest), ''),
        };
        if (GLOB_CHARS.test(last)) {
          this.wildcards.push(compiled);
        } else {
          const list = this.byBaseName.get(last) ?? [];
          list.push(compiled);
          this.byBaseName.set(last, list);
        }
      }
    }
  }

  /** The analyzers that want the file at `path` (absolute, `/etc/os-release`), in list order. */
  analyzersFor(path: string): readonly Analyzer[] {
    const relative = path.startsWith('/') ? path.slice(1) : path;
    const baseName = relative.slice(relative.lastIndexOf('/') + 1);
    let found: Analyzer[] | undefined;
    const consider = (candidates: readonly CompiledPattern[] | undefined): void => {
      if (!candidates) return;
      for (const candidate of candidates) {
        if (found?.includes(candidate.analyzer)) continue;
        if (candidate.mustContain && !relative.includes(candidate.mustContain)) continue;
        if (candidate.regex.test(relative)) (found ??= []).push(candidate.analyzer);
      }
    };
    consider(this.byBaseName.get(baseName));
    consider(this.wildcards);
    if (!found) return NONE;
    return found.length > 1 ? this.analyzers.filter((analyzer) => found?.includes(analyzer)) : found;
  }

  /** A string naming the analyzer set and versions; part of every layer-cache key. */
  get fingerprint(): string {
    return this.analyzers.map((analyzer) => `${analyzer.id}@${analyzer.version}`).join(',');
  }
}
