/**
 * A layer analysis split the way the layer cache stores it: the structure (links, whiteouts,
 * opaque folders), which no analyzer influences, and one piece per analyzer with what that analyzer
 * made of the layer's files. Changing one analyzer (a new version) invalidates only its pieces.
 *
 * Post-walk analyzers have no pieces: their result depends on the merged image, not on one layer,
 * and what they take from a layer is file content, which the cache never holds. A layer is read for
 * them on every scan (see cacheableAnalyzers).
 */
import type { AnalyzerResult, InventoryAnalyzer } from '../inventory/analyzer.js';
import type { FileSelector } from '../inventory/file-selector.js';
import type { AnalyzedFile, LayerAnalysis } from './layer-analysis.js';

export interface LayerStructure {
  symlinks: [string, string][];
  whiteouts: string[];
  opaqueDirs: string[];
  entries: number;
}

export interface AnalyzerPiece {
  files: { path: string; result: AnalyzerResult }[];
  /** Hard links at paths this analyzer reads: [path, target]. */
  hardlinks: [string, string][];
}

export function structureOf(analysis: LayerAnalysis): LayerStructure {
  return { symlinks: analysis.symlinks, whiteouts: analysis.whiteouts, opaqueDirs: analysis.opaqueDirs, entries: analysis.entries };
}

/** The analyzers whose results the layer cache keeps: all but the post-walk ones. */
export function cacheableAnalyzers(analyzers: readonly InventoryAnalyzer[]): InventoryAnalyzer[] {
  return analyzers.filter((analyzer) => analyzer.kind !== 'post-walk');
}

/** The pieces of the given analyzers (each gets one, possibly empty). */
export function piecesOf(analysis: LayerAnalysis, analyzers: readonly InventoryAnalyzer[], selector: FileSelector): Map<string, AnalyzerPiece> {
  const pieces = new Map<string, AnalyzerPiece>(analyzers.map((analyzer) => [analyzer.id, { files: [], hardlinks: [] }]));
  for (const file of analysis.files) for (const run of file.runs) pieces.get(run.analyzer)?.files.push({ path: file.path, result: run.result });
  for (const [path, target] of analysis.hardlinks) {
    for (const analyzer of selector.analyzersFor(path)) pieces.get(analyzer.id)?.hardlinks.push([path, target]);
  }
  return pieces;
}

/** Reassembles an analysis from its structure and the pieces of `analyzers` (in their order). */
export function assembleAnalysis(structure: LayerStructure, pieces: ReadonlyMap<string, AnalyzerPiece>, analyzers: readonly InventoryAnalyzer[]): LayerAnalysis {
  const files = new Map<string, AnalyzedFile>();
  const hardlinks = new Map<string, string>();
  for (const analyzer of analyzers) {
    const piece = pieces.get(analyzer.id);
    if (!piece) continue;
    for (const { path, result } of piece.files) {
      const file = files.get(path) ?? { path, runs: [] };
      file.runs.push({ analyzer: analyzer.id, result });
      files.set(path, file);
    }
    for (const [path, target] of piece.hardlinks) hardlinks.set(path, target);
  }
  return { ...structure, files: [...files.values()], hardlinks: [...hardlinks.entries()] };
}

/**
 * Adds to an analysis assembled from pieces what post-walk analyzers took from the same layer in a
 * fresh read: the captured files, the runs that mark them, and the hard links at their paths.
 */
export function withCapturedFiles(assembled: LayerAnalysis, fresh: LayerAnalysis, postWalk: readonly InventoryAnalyzer[]): LayerAnalysis {
  if (postWalk.length === 0) return assembled;
  const ids = new Set(postWalk.map((analyzer) => analyzer.id));
  const files = new Map(assembled.files.map((file) => [file.path, { path: file.path, runs: [...file.runs] }]));
  for (const file of fresh.files) {
    const marks = file.runs.filter((run) => ids.has(run.analyzer));
    if (marks.length === 0) continue;
    const into = files.get(file.path) ?? { path: file.path, runs: [] };
    into.runs.push(...marks);
    files.set(file.path, into);
  }
  const hardlinks = new Map([...assembled.hardlinks, ...fresh.hardlinks]);
  return { ...assembled, files: [...files.values()], hardlinks: [...hardlinks.entries()], ...(fresh.captured ? { captured: fresh.captured } : {}) };
}
