/**
 * The inventory of one image: every layer analysed once (in parallel where the source allows),
 * the layers merged, links resolved, post-walk analyzers run over the merged image, the OS
 * identified, language packages read from files an OS package installed left out (they are that
 * OS package; a file a later layer rewrote is not), and each package finished with its purl, a
 * stable id and the layer that introduced it.
 *
 * Owns the scan's temporary folder: created when a file must be spilled, removed when the
 * inventory ends, whether it succeeds or fails. It must never remove it under a layer still being
 * read, nor let the removal hide the scan's own error or fail a scan that succeeded.
 */
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { ScanError, isTollgateError, messageOf } from '../errors.js';
import type { AnalyzerResult, InventoryAnalyzer, OwnedFiles, PostWalkAnalyzer, SeekableFileInput } from '../inventory/analyzer.js';
import { FileSelector } from '../inventory/file-selector.js';
import { ANALYZERS } from '../inventory/list.js';
import { dedupePackages } from '../inventory/dedupe.js';
import { purlFor } from '../ecosystems/list.js';
import { resolveOs } from '../inventory/os-release/resolve.js';
import type { LayerRef, OsInfo, Package, PackageRecord } from '../model/package.js';
import { resolveLimits, type ScanLimits } from '../image/limits.js';
import { baseName, parentPath, joinPath, resolveInRoot } from '../image/paths.js';
import type { ImageSource } from '../image/source.js';
import { analyzeEntry, analyzeLayer, type CapturedFile, type LayerAnalysis } from './layer-analysis.js';
import type { CachedLayer } from './layer-cache.js';
import { assembleAnalysis, cacheableAnalyzers, piecesOf, structureOf, withCapturedFiles, type AnalyzerPiece, type LayerStructure } from './layer-pieces.js';
import { collectFiles, layersToSearch, mergeLayers, packageKey, type DeferredRead, type MergedImage, type ResolvedFile } from './merge-layers.js';
import { ScratchSpace } from './scratch-space.js';

export type InventoryProgress =
  | { phase: 'layer-start'; layer: number; layers: number }
  | { phase: 'layer-entries'; layer: number; entries: number }
  | { phase: 'layer-done'; layer: number; layers: number; cached: boolean };

/** The layer cache as the engine uses it (src/engine/layer-cache.ts is the SQLite one). */
export interface LayerAnalysisCache {
  load(diffId: string, analyzers: readonly InventoryAnalyzer[]): CachedLayer;
  store(diffId: string, structure: LayerStructure, pieces: ReadonlyMap<string, { version: number; piece: AnalyzerPiece }>): void;
}

export interface InventoryOptions {
  analyzers?: readonly InventoryAnalyzer[];
  /** Layers read at once; defaults to the machine's parallelism, at most 4. */
  concurrency?: number;
  onProgress?: (event: InventoryProgress) => void;
  layerCache?: LayerAnalysisCache;
  /**
   * Report language packages even when an OS package installed the file they were read from
   * (a Python distribution shipped by a deb is then listed twice: as the deb and as pypi).
   */
  scanOwnedFiles?: boolean;
  /** Bounds the scan's temporary folder (the layer size limit); the source enforces the rest. */
  limits?: Partial<ScanLimits>;
}

export interface ImageInventory {
  os?: OsInfo;
  packages: Package[];
  warnings: string[];
}

/**
 * Runs `task` over `items` with at most `limit` in flight; results keep the items' order. After a
 * failure no new item starts, and the first error is thrown only once the tasks in flight have
 * settled: the caller cleans up next (the scan's temporary folder, the image source), and must not
 * do so under a layer that is still streaming.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

interface LayerPlan {
  index: number;
  diffId?: string;
  cached?: CachedLayer;
  missing: readonly InventoryAnalyzer[];
}

async function analyzeLayers(source: ImageSource, selector: FileSelector, options: InventoryOptions, scratch: ScratchSpace, warnings: string[]): Promise<LayerAnalysis[]> {
  const whiteouts = source.layersHaveWhiteouts;
  const total = source.layers.length;
  const cache = options.layerCache;
  const cacheable = cacheableAnalyzers(selector.analyzers);
  const postWalk = selector.analyzers.filter((analyzer) => analyzer.kind === 'post-walk');
  const plans: LayerPlan[] = source.layers.map((layer) => {
    let cached: CachedLayer | undefined;
    try {
      cached = cache && layer.diffId ? cache.load(layer.diffId, cacheable) : undefined;
    } catch (error) {
      warnings.push(`layer cache: could not read layer ${layer.index} (${messageOf(error)}); reading the layer`);
    }
    // Post-walk analyzers are never cached (layer-pieces.ts): a layer is always read for them.
    const missing = selector.analyzers.filter((analyzer) => analyzer.kind === 'post-walk' || !cached?.pieces.has(analyzer.id));
    return { index: layer.index, ...(layer.diffId ? { diffId: layer.diffId } : {}), ...(cached ? { cached } : {}), missing };
  });
  const fromCache = (plan: LayerPlan): LayerAnalysis | undefined => (plan.cached?.structure && plan.missing.length === 0 ? assembleAnalysis(plan.cached.structure, plan.cached.pieces, cacheable) : undefined);

  /** Completes a fresh analysis with cached pieces and stores what is new. */
  const finish = (plan: LayerPlan, analysis: LayerAnalysis, ran: FileSelector): LayerAnalysis => {
    if (!cache || !plan.diffId) return analysis;
    const ranAnalyzers = cacheable.filter((analyzer) => ran.analyzers.includes(analyzer));
    const fresh = piecesOf(analysis, ranAnalyzers, ran);
    try {
      cache.store(plan.diffId, structureOf(analysis), new Map(ranAnalyzers.map((analyzer) => [analyzer.id, { version: analyzer.version, piece: fresh.get(analyzer.id) as AnalyzerPiece }])));
    } catch (error) {
      warnings.push(`layer cache: could not store layer ${plan.index} (${messageOf(error)})`);
    }
    const assembled = assembleAnalysis(structureOf(analysis), new Map<string, AnalyzerPiece>([...(plan.cached?.pieces ?? []), ...fresh]), cacheable);
    return withCapturedFiles(assembled, analysis, postWalk);
  };
  const onEntry = (layer: number) => (entries: number) => {
    if (entries % 5000 === 0) options.onProgress?.({ phase: 'layer-entries', layer, entries });
  };

  if (source.readLayers) {
    // One sequential pass over the source: every layer that must be read is read with all analyzers.
    const toRead = plans.filter((plan) => !fromCache(plan));
    const results = toRead.length === 0 && !source.needsFullPass ? new Map<number, LayerAnalysis>() : await source.readLayers(toRead.map((plan) => plan.index), (entries) => analyzeLayer(entries, selector, { whiteouts, onEntry: onEntry(-1), scratch }));
    return plans.map((plan) => {
      options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: !results.has(plan.index) });
      const cached = fromCache(plan);
      if (cached) return cached;
      const analysis = results.get(plan.index);
      if (!analysis) throw new Error(`layer ${plan.index} was not read`);
      return finish({ ...plan, cached: { pieces: new Map() } }, analysis, selector);
    });
  }

  const concurrency = options.concurrency ?? Math.min(4, availableParallelism());
  return mapWithConcurrency(plans, concurrency, async (plan) => {
    const cached = fromCache(plan);
    if (cached) {
      options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: true });
      return cached;
    }
    // Read the layer, running only the analyzers whose results are not cached.
    const partial = plan.missing.length === selector.analyzers.length ? selector : new FileSelector(plan.missing);
    options.onProgress?.({ phase: 'layer-start', layer: plan.index, layers: total });
    const analysis = await analyzeLayer(source.openLayer(plan.index), partial, { whiteouts, onEntry: onEntry(plan.index), scratch });
    options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: false });
    return finish(plan, analysis, partial);
  });
}

/** Reads the target of one link that no analyzer read under its own name. */
async function readDeferred(source: ImageSource, analyses: readonly LayerAnalysis[], read: DeferredRead, selector: FileSelector, scratch: ScratchSpace): Promise<{ file: ResolvedFile; captured?: CapturedFile } | undefined> {
  const analyzers = selector.analyzers.filter((analyzer) => read.analyzers.includes(analyzer.id));
  const candidates = read.targetLayer === undefined ? layersToSearch(read.targetPath, analyses) : [read.targetLayer];
  for (const layer of candidates) {
    for await (const entry of source.openLayer(layer)) {
      if (entry.path !== read.targetPath || entry.kind !== 'file') continue;
      const outcome = await analyzeEntry(entry, analyzers, [], selector, scratch, read.linkPath);
      const file = { path: read.linkPath, layer: Math.max(layer, read.linkLayer), runs: outcome?.runs ?? [] };
      return { file, ...(outcome?.captured ? { captured: outcome.captured } : {}) };
    }
  }
  return undefined;
}

/** The layer a result names; none for a layer the image does not identify (a folder has no diff id). */
function layerRef(source: ImageSource, index: number): LayerRef | undefined {
  const layer = source.layers[index];
  if (!layer?.diffId) return undefined;
  return { index, diffId: layer.diffId, ...(layer.createdBy ? { createdBy: layer.createdBy } : {}) };
}

function recordKey(record: PackageRecord): string {
  return [record.location, record.type, record.name, record.version, record.architecture ?? '', record.installPath ?? ''].join('\u0000');
}

function packageId(purl: string, location: string, taken: Set<string>): string {
  const base = createHash('sha256').update(`${purl}\u0000${location}`).digest('hex').slice(0, 16);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Runs one post-walk analyzer over the files it declared, as the merged image presents them. */
async function runPostWalk(analyzer: PostWalkAnalyzer, declared: readonly { resolved: ResolvedFile; captured: CapturedFile }[]): Promise<AnalyzerResult> {
  const files: SeekableFileInput[] = declared
    .map(({ resolved, captured }) => ({ path: resolved.path, file: captured.file, ...(captured.file.content ? { content: captured.file.content } : {}) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byPath = new Map(files.map((file) => [file.path, file]));
  for (const file of files) {
    const limit = analyzer.maxFileSize;
    if (limit !== undefined && file.file.size > limit) {
      throw new ScanError(`${file.path}: ${file.file.size} bytes, over the ${limit}-byte limit of the ${analyzer.id} analyzer`, { hint: 'an honest file of this kind is never that large' });
    }
  }
  try {
    return await analyzer.analyzeFiles({ files, get: (path) => byPath.get(path) });
  } catch (error) {
    if (isTollgateError(error)) throw error;
    throw new ScanError(`${files.map((file) => file.path).join(', ')}: the ${analyzer.id} analyzer could not read these files: ${messageOf(error)}`, { cause: error });
  }
}

/** The files an OS database or list names, and the layer that database or list came from. */
interface OwnedAt {
  lists: readonly OwnedFiles[];
  layer: number;
}

/**
 * Which of `locations` (language packages' files) some OS package owns, each with the newest layer
 * whose database or list owns it. Owned paths are compared as the image resolves them: a database
 * may list `/lib/x` where the walk found `/usr/lib/x` (a merged /usr). Only owned paths whose base
 * name is a location's are resolved.
 */
function ownedLocations(owned: readonly OwnedAt[], locations: ReadonlySet<string>, merged: MergedImage): Map<string, number> {
  const readLink = (path: string): string | undefined => {
    const node = merged.tree.get(path);
    return node?.kind === 'symlink' ? node.target : undefined;
  };
  const resolvedFolders = new Map<string, string>();
  const canonical = (path: string): string => {
    const folder = parentPath(path);
    let resolved = resolvedFolders.get(folder);
    if (resolved === undefined) {
      try {
        resolved = resolveInRoot(folder, readLink);
      } catch {
        resolved = folder; // a loop or an escape: compared as written
      }
      resolvedFolders.set(folder, resolved);
    }
    return resolved === folder ? path : joinPath(resolved, baseName(path));
  };
  const byCanonical = new Map<string, string[]>();
  for (const location of locations) {
    const key = canonical(location);
    byCanonical.set(key, [...(byCanonical.get(key) ?? []), location]);
  }
  const names = new Set([...locations].map(baseName));
  const found = new Map<string, number>();
  for (const { lists, layer } of owned) {
    for (const { paths } of lists) {
      let start = 0;
      while (start < paths.length) {
        let end = paths.indexOf('\n', start);
        if (end < 0) end = paths.length;
        const nameStart = paths.lastIndexOf('/', end - 1) + 1;
        // Most owned paths name no language package: their base name rules them out before any resolving.
        if (end > nameStart && nameStart > start && names.has(paths.slice(nameStart, end))) {
          for (const location of byCanonical.get(canonical(paths.slice(start, end))) ?? []) found.set(location, Math.max(layer, found.get(location) ?? layer));
        }
        start = end + 1;
      }
    }
  }
  return found;
}

export async function inventoryImage(source: ImageSource, options: InventoryOptions = {}): Promise<ImageInventory> {
  const scratch = new ScratchSpace(resolveLimits(options.limits).maxLayerBytes);
  let inventory: ImageInventory;
  try {
    inventory = await inventoryWith(source, options, scratch);
  } catch (error) {
    // The scan's own error is what the user must act on; a folder left in TMPDIR is secondary, and
    // a failed scan has no result to carry a warning about it.
    await scratch.dispose().catch(() => undefined);
    throw error;
  }
  try {
    await scratch.dispose();
  } catch (error) {
    // The inventory is complete and right: a folder that could not be removed does not change it.
    inventory.warnings.push(`the scan's temporary folder${scratch.location ? ` ${scratch.location}` : ''} could not be removed (${messageOf(error)}); delete it by hand`);
  }
  return inventory;
}

async function inventoryWith(source: ImageSource, options: InventoryOptions, scratch: ScratchSpace): Promise<ImageInventory> {
  const selector = new FileSelector(options.analyzers ?? ANALYZERS);
  const warnings: string[] = [];
  const analyses = await analyzeLayers(source, selector, options, scratch, warnings);
  const captures = new Set<CapturedFile>();
  for (const analysis of analyses) for (const captured of analysis.captured ?? []) captures.add(captured);
  try {
    return await inventoryFrom(source, options, selector, analyses, captures, scratch, warnings);
  } finally {
    // The post-walk analyzers have run (or the scan failed): what they were given is freed now, its
    // spill deleted and its read handle closed, rather than at the end of the scan or by the GC.
    await Promise.all([...captures].map((captured) => captured.file.release()));
  }
}

async function inventoryFrom(
  source: ImageSource,
  options: InventoryOptions,
  selector: FileSelector,
  analyses: readonly LayerAnalysis[],
  captures: Set<CapturedFile>,
  scratch: ScratchSpace,
  warnings: string[],
): Promise<ImageInventory> {
  const merged = mergeLayers(analyses);
  const collected = collectFiles(merged, selector);
  warnings.push(...collected.warnings);
  const files = [...collected.files];
  const capturedFor = new Map<ResolvedFile, CapturedFile>();
  for (const read of collected.deferred) {
    const deferred = await readDeferred(source, analyses, read, selector, scratch);
    if (!deferred) {
      warnings.push(`${read.linkPath}: link to ${read.targetPath}, which is not in the image; skipped`);
      continue;
    }
    files.push(deferred.file);
    if (deferred.captured) {
      captures.add(deferred.captured);
      capturedFor.set(deferred.file, deferred.captured);
    }
  }

  const osFound: { path: string; os: OsInfo }[] = [];
  const records: PackageRecord[] = [];
  const osRecords = new Set<PackageRecord>();
  const owned: OwnedAt[] = [];
  const osAnalyzers = new Set(selector.analyzers.filter((analyzer) => analyzer.packageKind === 'os').map((analyzer) => analyzer.id));
  const layerOf = new Map<string, number>();
  /** `layer`: the layer the analyzed file (or, post-walk, the newest of the files) came from. */
  const take = (analyzer: string, result: AnalyzerResult, path: string, layer: number, layerFor: (record: PackageRecord) => number): void => {
    for (const warning of result.warnings ?? []) warnings.push(`${path}: ${warning}`);
    if (result.os) osFound.push({ path, os: result.os });
    if (result.ownedFiles) owned.push({ lists: result.ownedFiles, layer });
    for (const record of result.packages ?? []) {
      records.push(record);
      if (osAnalyzers.has(analyzer)) osRecords.add(record);
      layerOf.set(recordKey(record), merged.introducedAt.get(packageKey(analyzer, record)) ?? layerFor(record));
    }
  };
  for (const file of files) for (const run of file.runs) take(run.analyzer, run.result, file.path, file.layer, () => file.layer);

  // Post-walk analyzers: the files they declared, as merged, with the content captured in the walk.
  const capturedAt = new Map<string, CapturedFile>();
  analyses.forEach((analysis, layer) => {
    for (const captured of analysis.captured ?? []) capturedAt.set(`${layer}\u0000${captured.path}`, captured);
  });
  for (const analyzer of selector.analyzers) {
    if (analyzer.kind !== 'post-walk') continue;
    const declared: { resolved: ResolvedFile; captured: CapturedFile }[] = [];
    for (const file of files) {
      if (!file.runs.some((run) => run.analyzer === analyzer.id)) continue;
      const captured = capturedFor.get(file) ?? capturedAt.get(`${file.layer}\u0000${file.path}`);
      if (captured) declared.push({ resolved: file, captured });
    }
    if (declared.length === 0) continue;
    const result = await runPostWalk(analyzer, declared);
    const layers = new Map(declared.map(({ resolved }) => [resolved.path, resolved.layer]));
    // A post-walk package came with the file it names as its location; failing that, the newest of them.
    const newest = Math.max(...layers.values());
    take(analyzer.id, result, `${analyzer.id} analyzer`, newest, (record) => layers.get(record.location) ?? newest);
  }

  let kept = records;
  if (!options.scanOwnedFiles && owned.length > 0) {
    const locations = new Set(records.filter((record) => !osRecords.has(record)).map((record) => record.location));
    const ownedByOs = locations.size > 0 ? ownedLocations(owned, locations, merged) : new Map<string, number>();
    if (ownedByOs.size > 0) {
      kept = records.filter((record) => {
        if (osRecords.has(record)) return true;
        const owner = ownedByOs.get(record.location);
        // The OS package put the file there only if its database or list is as new as the package:
        // a later layer that rewrote the file (`npm i -g`, `pip install --upgrade` over a packaged
        // file) installed another version, which the findings must see. The package's layer is the
        // one since which it has been there in this version, so a later layer that only touched the
        // file (`chown -R`) does not make it reappear.
        return owner === undefined || (layerOf.get(recordKey(record)) ?? 0) > owner;
      });
    }
  }

  const os = resolveOs(osFound);
  const taken = new Set<string>();
  const packages: Package[] = dedupePackages(kept).map((record) => {
    const purl = purlFor(record, os);
    const layerIndex = layerOf.get(recordKey(record));
    const layer = layerIndex === undefined ? undefined : layerRef(source, layerIndex);
    return { ...record, id: packageId(purl, record.location, taken), purl, ...(layer ? { layer } : {}) };
  });
  packages.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.location.localeCompare(b.location));
  const sourceWarnings = 'warnings' in source && Array.isArray(source.warnings) ? (source.warnings as string[]) : [];
  return { ...(os ? { os } : {}), packages, warnings: [...sourceWarnings, ...warnings] };
}
