/**
 * The inventory of one image: every layer analysed once (in parallel where the source allows),
 * the layers merged, links resolved, the OS identified, and each package finished with its purl,
 * a stable id and the layer that introduced it.
 */
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { messageOf } from '../errors.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { FileSelector } from '../inventory/file-selector.js';
import { ANALYZERS } from '../inventory/list.js';
import { dedupePackages } from '../inventory/dedupe.js';
import { purlFor } from '../ecosystems/list.js';
import { resolveOs } from '../inventory/os-release/resolve.js';
import type { LayerRef, OsInfo, Package, PackageRecord } from '../model/package.js';
import type { ImageSource } from '../image/source.js';
import { analyzeLayer, maxFileSizeFor, runAnalyzers, type LayerAnalysis } from './layer-analysis.js';
import type { CachedLayer } from './layer-cache.js';
import { assembleAnalysis, piecesOf, structureOf, type AnalyzerPiece, type LayerStructure } from './layer-pieces.js';
import { collectFiles, layersToSearch, mergeLayers, packageKey, type DeferredRead, type ResolvedFile } from './merge-layers.js';

export type InventoryProgress =
  | { phase: 'layer-start'; layer: number; layers: number }
  | { phase: 'layer-entries'; layer: number; entries: number }
  | { phase: 'layer-done'; layer: number; layers: number; cached: boolean };

/** The layer cache as the engine uses it (src/engine/layer-cache.ts is the SQLite one). */
export interface LayerAnalysisCache {
  load(diffId: string, analyzers: readonly Analyzer[]): CachedLayer;
  store(diffId: string, structure: LayerStructure, pieces: ReadonlyMap<string, { version: number; piece: AnalyzerPiece }>): void;
}

export interface InventoryOptions {
  analyzers?: readonly Analyzer[];
  /** Layers read at once; defaults to the machine's parallelism, at most 4. */
  concurrency?: number;
  onProgress?: (event: InventoryProgress) => void;
  layerCache?: LayerAnalysisCache;
}

export interface ImageInventory {
  os?: OsInfo;
  packages: Package[];
  warnings: string[];
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

interface LayerPlan {
  index: number;
  diffId?: string;
  cached?: CachedLayer;
  missing: readonly Analyzer[];
}

async function analyzeLayers(source: ImageSource, selector: FileSelector, options: InventoryOptions, warnings: string[]): Promise<LayerAnalysis[]> {
  const whiteouts = source.layersHaveWhiteouts;
  const total = source.layers.length;
  const cache = options.layerCache;
  const plans: LayerPlan[] = source.layers.map((layer) => {
    let cached: CachedLayer | undefined;
    try {
      cached = cache && layer.diffId ? cache.load(layer.diffId, selector.analyzers) : undefined;
    } catch (error) {
      warnings.push(`layer cache: could not read layer ${layer.index} (${messageOf(error)}); reading the layer`);
    }
    const missing = selector.analyzers.filter((analyzer) => !cached?.pieces.has(analyzer.id));
    return { index: layer.index, ...(layer.diffId ? { diffId: layer.diffId } : {}), ...(cached ? { cached } : {}), missing };
  });
  const fromCache = (plan: LayerPlan): LayerAnalysis | undefined => (plan.cached?.structure && plan.missing.length === 0 ? assembleAnalysis(plan.cached.structure, plan.cached.pieces, selector.analyzers) : undefined);

  /** Completes a fresh analysis with cached pieces and stores what is new. */
  const finish = (plan: LayerPlan, analysis: LayerAnalysis, ran: FileSelector): LayerAnalysis => {
    if (!cache || !plan.diffId) return analysis;
    const ranAnalyzers = selector.analyzers.filter((analyzer) => ran.analyzers.includes(analyzer));
    const fresh = piecesOf(analysis, ranAnalyzers, ran);
    try {
      cache.store(plan.diffId, structureOf(analysis), new Map(ranAnalyzers.map((analyzer) => [analyzer.id, { version: analyzer.version, piece: fresh.get(analyzer.id) as AnalyzerPiece }])));
    } catch (error) {
      warnings.push(`layer cache: could not store layer ${plan.index} (${messageOf(error)})`);
    }
    return assembleAnalysis(structureOf(analysis), new Map<string, AnalyzerPiece>([...(plan.cached?.pieces ?? []), ...fresh]), selector.analyzers);
  };
  const onEntry = (layer: number) => (entries: number) => {
    if (entries % 5000 === 0) options.onProgress?.({ phase: 'layer-entries', layer, entries });
  };

  if (source.readLayers) {
    // One sequential pass over the source: every layer that must be read is read with all analyzers.
    const toRead = plans.filter((plan) => !fromCache(plan));
    const results = toRead.length === 0 && !source.needsFullPass ? new Map<number, LayerAnalysis>() : await source.readLayers(toRead.map((plan) => plan.index), (entries) => analyzeLayer(entries, selector, { whiteouts, onEntry: onEntry(-1) }));
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
    const analysis = await analyzeLayer(source.openLayer(plan.index), partial, { whiteouts, onEntry: onEntry(plan.index) });
    options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: false });
    return finish(plan, analysis, partial);
  });
}

/** Reads the target of one link that no analyzer read under its own name. */
async function readDeferred(source: ImageSource, analyses: readonly LayerAnalysis[], read: DeferredRead, selector: FileSelector): Promise<ResolvedFile | undefined> {
  const analyzers = selector.analyzers.filter((analyzer) => read.analyzers.includes(analyzer.id));
  const candidates = read.targetLayer === undefined ? layersToSearch(read.targetPath, analyses) : [read.targetLayer];
  for (const layer of candidates) {
    for await (const entry of source.openLayer(layer)) {
      if (entry.path !== read.targetPath || entry.kind !== 'file') continue;
      const content = await entry.read(maxFileSizeFor(analyzers));
      return { path: read.linkPath, layer: Math.max(layer, read.linkLayer), runs: runAnalyzers(analyzers, read.linkPath, content) };
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

export async function inventoryImage(source: ImageSource, options: InventoryOptions = {}): Promise<ImageInventory> {
  const selector = new FileSelector(options.analyzers ?? ANALYZERS);
  const warnings: string[] = [];
  const analyses = await analyzeLayers(source, selector, options, warnings);
  const merged = mergeLayers(analyses);
  const collected = collectFiles(merged, selector);
  warnings.push(...collected.warnings);
  const files = [...collected.files];
  for (const read of collected.deferred) {
    const file = await readDeferred(source, analyses, read, selector);
    if (file) files.push(file);
    else warnings.push(`${read.linkPath}: link to ${read.targetPath}, which is not in the image; skipped`);
  }

  const osFound: { path: string; os: OsInfo }[] = [];
  const records: PackageRecord[] = [];
  const layerOf = new Map<string, number>();
  for (const file of files) {
    for (const run of file.runs) {
      for (const warning of run.result.warnings ?? []) warnings.push(`${file.path}: ${warning}`);
      if (run.result.os) osFound.push({ path: file.path, os: run.result.os });
      for (const record of run.result.packages ?? []) {
        records.push(record);
        layerOf.set(recordKey(record), merged.introducedAt.get(packageKey(run.analyzer, record)) ?? file.layer);
      }
    }
  }
  const os = resolveOs(osFound);
  const taken = new Set<string>();
  const packages: Package[] = dedupePackages(records).map((record) => {
    const purl = purlFor(record, os);
    const layerIndex = layerOf.get(recordKey(record));
    const layer = layerIndex === undefined ? undefined : layerRef(source, layerIndex);
    return { ...record, id: packageId(purl, record.location, taken), purl, ...(layer ? { layer } : {}) };
  });
  packages.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.location.localeCompare(b.location));
  const sourceWarnings = 'warnings' in source && Array.isArray(source.warnings) ? (source.warnings as string[]) : [];
  return { ...(os ? { os } : {}), packages, warnings: [...sourceWarnings, ...warnings] };
}
