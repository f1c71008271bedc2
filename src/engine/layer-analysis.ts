/**
 * One pass over one layer: every file an analyzer asked for is read and analysed; links,
 * whiteouts and opaque folders are recorded so the layers can be merged later. The result is
 * plain data (cacheable per diff id: it depends only on the layer's bytes and the analyzer set).
 *
 * Never holds more than one file's content at a time.
 */
import { ScanError, isTollgateError, messageOf } from '../errors.js';
import { DEFAULT_MAX_ANALYZED_FILE_SIZE, type Analyzer, type AnalyzerResult } from '../inventory/analyzer.js';
import type { FileSelector } from '../inventory/file-selector.js';
import type { LayerEntries } from '../image/layer-entry.js';
import { whiteoutMarker } from '../image/fs/layer-stack.js';

export interface AnalyzerRun {
  analyzer: string;
  result: AnalyzerResult;
}

export interface AnalyzedFile {
  path: string;
  runs: AnalyzerRun[];
}

export interface LayerAnalysis {
  /** Files some analyzer asked for, with what each analyzer made of them. */
  files: AnalyzedFile[];
  /** Every symlink in the layer: [path, raw target]. */
  symlinks: [string, string][];
  /** Hard links at paths some analyzer asked for: [path, target path]. */
  hardlinks: [string, string][];
  /** Paths this layer deletes from the layers below (`.wh.<name>`). */
  whiteouts: string[];
  /** Folders whose lower-layer contents this layer hides (`.wh..wh..opq`). */
  opaqueDirs: string[];
  /** Number of entries in the layer. */
  entries: number;
}

export interface AnalyzeLayerOptions {
  /** Interpret `.wh.` names as whiteouts (image layers); a plain folder has none. */
  whiteouts: boolean;
  /** Called after each entry with the running entry count, for progress displays. */
  onEntry?: (count: number) => void;
}

export function maxFileSizeFor(analyzers: readonly Analyzer[]): number {
  return Math.max(...analyzers.map((analyzer) => analyzer.maxFileSize ?? DEFAULT_MAX_ANALYZED_FILE_SIZE));
}

/** Runs the given analyzers on one file's bytes. An analyzer that throws fails the scan. */
export function runAnalyzers(analyzers: readonly Analyzer[], path: string, content: Buffer): AnalyzerRun[] {
  return analyzers.map((analyzer) => {
    try {
      return { analyzer: analyzer.id, result: analyzer.analyze({ path, content }) };
    } catch (error) {
      if (isTollgateError(error)) throw error;
      throw new ScanError(`${path}: the ${analyzer.id} analyzer could not read this file: ${messageOf(error)}`, { cause: error });
    }
  });
}

export async function analyzeLayer(entries: LayerEntries, selector: FileSelector, options: AnalyzeLayerOptions): Promise<LayerAnalysis> {
  const analysis: LayerAnalysis = { files: [], symlinks: [], hardlinks: [], whiteouts: [], opaqueDirs: [], entries: 0 };
  for await (const entry of entries) {
    analysis.entries += 1;
    options.onEntry?.(analysis.entries);
    const marker = options.whiteouts ? whiteoutMarker(entry.path) : undefined;
    if (marker) {
      if (marker.kind === 'opaque') analysis.opaqueDirs.push(marker.folder);
      else analysis.whiteouts.push(marker.path);
      continue;
    }
    if (entry.kind === 'symlink') {
      analysis.symlinks.push([entry.path, entry.linkTarget ?? '']);
      continue;
    }
    if (entry.kind !== 'file' && entry.kind !== 'hardlink') continue;
    const analyzers = selector.analyzersFor(entry.path);
    if (analyzers.length === 0) continue;
    if (entry.kind === 'hardlink') {
      analysis.hardlinks.push([entry.path, entry.linkTarget ?? '']);
      continue;
    }
    const content = await entry.read(maxFileSizeFor(analyzers));
    analysis.files.push({ path: entry.path, runs: runAnalyzers(analyzers, entry.path, content) });
  }
  return analysis;
}
