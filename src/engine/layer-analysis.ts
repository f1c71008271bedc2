/**
 * One pass over one layer: every file an analyzer asked for is read and analysed; links,
 * whiteouts and opaque folders are recorded so the layers can be merged later. The files and runs
 * are plain data (cacheable per diff id: they depend only on the layer's bytes and the analyzer
 * set); the files captured for post-walk analyzers hold content and are not.
 *
 * How a wanted file is read depends on who wants it: content analyzers get its bytes in memory
 * (today's one `read`, the common case); seekable and post-walk analyzers get a reader, from memory
 * up to SPILL_THRESHOLD and from the scan's temporary folder beyond. Files chosen by magic bytes are
 * streamed, peeked, and dropped unread past the peek when no signature matches.
 *
 * Never holds more than one file's content at a time, except the files captured for post-walk
 * analyzers; never reads an entry no analyzer's glob or rule wants.
 */
import { HostileInputError } from '../errors.js';
import {
  SPILL_THRESHOLD,
  analyzerFailure,
  fileSizeLimitOf,
  isContentAnalyzer,
  type Analyzer,
  type AnalyzerResult,
  type EntryInfo,
  type InventoryAnalyzer,
} from '../inventory/analyzer.js';
import type { FileSelector } from '../inventory/file-selector.js';
import { hasAnyMagic } from '../inventory/magic.js';
import type { LayerEntries, LayerEntry } from '../image/layer-entry.js';
import { formatBytes } from '../image/limits.js';
import { whiteoutMarker } from '../image/fs/layer-stack.js';
import { heldInMemory, type HeldFile, type ScratchSpace, type SpillWriter } from './scratch-space.js';


export interface AnalyzerRun {
  analyzer: string;
  result: AnalyzerResult;
}

export interface AnalyzedFile {
  path: string;
  /**
   * What each analyzer made of the file. A post-walk analyzer's run is empty: it marks the file
   * as captured, so that merging tells which layer's capture the merged image presents.
   */
  runs: AnalyzerRun[];
}

/** A file kept for post-walk analyzers until the layers are merged. */
export interface CapturedFile {
  path: string;
  /** Ids of the post-walk analyzers that declared it. */
  analyzers: string[];
  file: HeldFile;
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
  /** Files captured for post-walk analyzers (content: never cached). */
  captured?: CapturedFile[];
}

export interface AnalyzeLayerOptions {
  /** Interpret `.wh.` names as whiteouts (image layers); a plain folder has none. */
  whiteouts: boolean;
  /** Called after each entry with the running entry count, for progress displays. */
  onEntry?: (count: number) => void;
  /** Where large files are spilled; needed when the selector has seekable or post-walk analyzers. */
  scratch?: ScratchSpace;
}

const NONE: readonly InventoryAnalyzer[] = Object.freeze([]);
/** No bound of the analyzer's own: the layer's size limit, enforced by the layer reader, applies. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export function maxFileSizeFor(analyzers: readonly InventoryAnalyzer[]): number {
  return Math.max(...analyzers.map((analyzer) => fileSizeLimitOf(analyzer) ?? UNBOUNDED));
}

/** Runs the given content analyzers on one file's bytes. An analyzer that throws fails the scan. */
export function runAnalyzers(analyzers: readonly Analyzer[], path: string, content: Buffer): AnalyzerRun[] {
  return analyzers.map((analyzer) => {
    try {
      return { analyzer: analyzer.id, result: analyzer.analyze({ path, content }) };
    } catch (error) {
      throw analyzerFailure(path, analyzer, error);
    }
  });
}

/** The candidates whose info test passes; allocates only when some pass and some do not. */
function passingInfo(candidates: readonly InventoryAnalyzer[], info: EntryInfo): readonly InventoryAnalyzer[] {
  let passing: InventoryAnalyzer[] | undefined;
  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index] as InventoryAnalyzer;
    const test = candidate.select?.info;
    const passes = !test || test(info);
    if (passes) passing?.push(candidate);
    else passing ??= candidates.slice(0, index);
  }
  return passing ?? candidates;
}

/** What reading one wanted file produced. */
export interface EntryOutcome {
  runs: AnalyzerRun[];
  captured?: CapturedFile;
}

/**
 * Reads one file entry for the analyzers that want it by glob (`wanted`) and the rule candidates
 * whose path test passed (`candidates`), and runs the per-file ones. `presentedAs` is the path the
 * analyzers see (a link's own path when a link is followed). Undefined when, after info and magic
 * bytes, no analyzer wants the file.
 */
export async function analyzeEntry(
  entry: LayerEntry,
  wanted: readonly InventoryAnalyzer[],
  candidates: readonly InventoryAnalyzer[],
  selector: FileSelector,
  scratch: ScratchSpace | undefined,
  presentedAs: string = entry.path,
): Promise<EntryOutcome | undefined> {
  const chosen = [...wanted];
  const byMagic: InventoryAnalyzer[] = [];
  if (candidates.length > 0) {
    const info: EntryInfo = entry.stat ? await entry.stat() : { size: entry.size, mode: entry.mode };
    for (const candidate of passingInfo(candidates, info)) {
      if (chosen.includes(candidate)) continue;
      if (candidate.select?.magic?.length) byMagic.push(candidate);
      else chosen.push(candidate);
    }
  }
  if (chosen.length === 0 && byMagic.length === 0) return undefined;

  if (byMagic.length === 0 && chosen.every(isContentAnalyzer)) {
    // The common case, as it has always been: one read into memory, bounded by the analyzers.
    const content = await entry.read(maxFileSizeFor(chosen));
    return { runs: runAnalyzers(chosen as Analyzer[], presentedAs, content) };
  }

  const file = await readWanted(entry, chosen, byMagic, selector, scratch, presentedAs);
  if (!file) return undefined;
  const ordered = selector.analyzers.filter((analyzer) => chosen.includes(analyzer));
  let keep = false;
  try {
    const runs: AnalyzerRun[] = [];
    const postWalk: string[] = [];
    for (const analyzer of ordered) {
      if (analyzer.kind === 'post-walk') {
        postWalk.push(analyzer.id);
        runs.push({ analyzer: analyzer.id, result: {} });
        continue;
      }
      try {
        if (analyzer.kind === 'seekable') {
          runs.push({ analyzer: analyzer.id, result: await analyzer.analyzeFile({ path: presentedAs, file, ...(file.content ? { content: file.content } : {}), ...(scratch ? { scratch: { create: () => scratch.spill() } } : {}) }) });
        } else {
          runs.push({ analyzer: analyzer.id, result: analyzer.analyze({ path: presentedAs, content: file.content as Buffer }) });
        }
      } catch (error) {
        throw analyzerFailure(presentedAs, analyzer, error);
      }
    }
    keep = postWalk.length > 0;
    return { runs, ...(keep ? { captured: { path: presentedAs, analyzers: postWalk, file } } : {}) };
  } finally {
    if (!keep) await file.release();
  }
}

/**
 * Streams the entry: peeks at its first bytes when analyzers wait on magic (moving those whose
 * signature matches into `chosen`), holds it in memory when content analyzers need it or it is
 * small, spills it otherwise. Undefined when no analyzer is left after the peek.
 */
async function readWanted(
  entry: LayerEntry,
  chosen: InventoryAnalyzer[],
  byMagic: readonly InventoryAnalyzer[],
  selector: FileSelector,
  scratch: ScratchSpace | undefined,
  presentedAs: string,
): Promise<HeldFile | undefined> {
  const chunks: Buffer[] = [];
  let held = 0;
  let total = 0;
  let writer: SpillWriter | undefined;
  let decided = byMagic.length === 0;
  let limit = 0;
  let memoryBound = 0;
  let mustHold = false;
  const decide = (): boolean => {
    if (!decided) {
      const prefix = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, held);
      for (const candidate of byMagic) if (hasAnyMagic(prefix, candidate.select?.magic ?? [])) chosen.push(candidate);
      decided = true;
    }
    if (chosen.length === 0) return false;
    limit = maxFileSizeFor(chosen);
    const content = chosen.filter(isContentAnalyzer);
    // Content analyzers need the whole file in memory: it stays there, up to their bound.
    mustHold = content.length > 0;
    memoryBound = mustHold ? maxFileSizeFor(content) : SPILL_THRESHOLD;
    return true;
  };
  if (decided) decide();
  const overLimit = (bound: number, whose: string): HostileInputError =>
    new HostileInputError(`${presentedAs} is over the ${formatBytes(bound)} limit for ${whose}`, { hint: 'an honest file of this kind is never that large' });

  const take = async (chunk: Buffer): Promise<boolean | undefined> => {
    total += chunk.length;
    if (writer) {
      if (total > limit) throw overLimit(limit, 'this kind of file');
      await writer.write(chunk);
      return undefined;
    }
    chunks.push(chunk);
    held += chunk.length;
    if (!decided) {
      if (held < selector.peekLength) return undefined;
      if (!decide()) return false;
    }
    if (total > limit) throw overLimit(limit, 'this kind of file');
    if (held > memoryBound) {
      if (mustHold) throw overLimit(memoryBound, 'files read into memory');
      if (!scratch) throw new Error('a file must be spilled, and the walk was given no scratch space');
      writer = await scratch.spill();
      for (const part of chunks) await writer.write(part);
      chunks.length = 0;
      held = 0;
    }
    return undefined;
  };

  try {
    await entry.readChunks(decided ? limit : UNBOUNDED, take);
  } catch (error) {
    await writer?.discard();
    throw error;
  }
  if (!decided && !decide()) return undefined;
  if (chosen.length === 0) {
    await writer?.discard();
    return undefined;
  }
  if (writer) return writer.finish();
  return heldInMemory(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, held));
}

export async function analyzeLayer(entries: LayerEntries, selector: FileSelector, options: AnalyzeLayerOptions): Promise<LayerAnalysis> {
  const analysis: LayerAnalysis = { files: [], symlinks: [], hardlinks: [], whiteouts: [], opaqueDirs: [], entries: 0 };
  const { scratch } = options;
  try {
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
      let candidates = NONE;
      if (selector.hasRules && entry.kind === 'file') {
        candidates = selector.candidatesFor(entry.path);
        // Where the entry knows its size and mode, the info test is settled here, without a promise.
        if (candidates.length > 0 && !entry.stat) candidates = passingInfo(candidates, entry as EntryInfo);
      }
      if (analyzers.length === 0 && candidates.length === 0) continue;
      if (entry.kind === 'hardlink') {
        if (analyzers.length > 0) analysis.hardlinks.push([entry.path, entry.linkTarget ?? '']);
        continue;
      }
      if (candidates.length === 0 && !selector.hasNonContentAnalyzers) {
        const content = await entry.read(maxFileSizeFor(analyzers));
        analysis.files.push({ path: entry.path, runs: runAnalyzers(analyzers as Analyzer[], entry.path, content) });
        continue;
      }
      const outcome = await analyzeEntry(entry, analyzers, candidates, selector, scratch);
      if (!outcome) continue;
      analysis.files.push({ path: entry.path, runs: outcome.runs });
      if (outcome.captured) (analysis.captured ??= []).push(outcome.captured);
    }
  } catch (error) {
    // What this layer captured will never be merged: free it now rather than at the scan's end.
    await Promise.all((analysis.captured ?? []).map((captured) => captured.file.release()));
    throw error;
  }
  return analysis;
}
