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
import { HostileInputError, ScanError, isTollgateError, messageOf } from '../errors.js';
import { boundWarnings } from '../util/bounded-warnings.js';
import type { AnalyzerResult, InventoryAnalyzer, OwnedFiles, PostWalkAnalyzer, SeekableFileInput } from '../inventory/analyzer.js';
import { FileSelector } from '../inventory/file-selector.js';
import { ANALYZERS } from '../inventory/list.js';
import { dedupePackages } from '../inventory/dedupe.js';
import { purlFor } from '../ecosystems/list.js';
import { isDistributionVendor } from '../ecosystems/vendor.js';
import { resolveOs } from '../inventory/os-release/resolve.js';
import type { LayerRef, OsInfo, Package, PackageRecord } from '../model/package.js';
import { formatBytes, resolveLimits, type ScanLimits } from '../image/limits.js';
import type { LayerEntry } from '../image/layer-entry.js';
import { baseName, parentPath, joinPath, resolveInRoot } from '../image/paths.js';
import type { DescribedInventory, ImageSource } from '../image/source.js';
import { analyzeEntry, analyzeLayer, type CapturedFile, type LayerAnalysis } from './layer-analysis.js';
import type { CachedLayer } from './layer-cache.js';
import { assembleAnalysis, cacheableAnalyzers, piecesOf, structureOf, withCapturedFiles, type AnalyzerPiece, type LayerStructure } from './layer-pieces.js';
import { collectFiles, layersToSearch, mergeLayers, packageKey, type DeferredRead, type MergedImage, type ResolvedFile } from './merge-layers.js';
import { ScratchSpace } from './scratch-space.js';

/** Packages one image may list: the largest honest images hold tens of thousands. */
export const MAX_PACKAGES = 1_000_000;

export type InventoryProgress =
  | { phase: 'layer-start'; layer: number; layers: number }
  | { phase: 'layer-entries'; layer: number; entries: number }
  | { phase: 'layer-done'; layer: number; layers: number; cached: boolean };

/** The layer cache as the engine uses it (src/engine/layer-cache.ts is the SQLite one). */
export interface LayerAnalysisCache {
  load(diffId: string, analyzers: readonly InventoryAnalyzer[]): CachedLayer;
  store(diffId: string, structure: LayerStructure, pieces: ReadonlyMap<string, { version: number; piece: AnalyzerPiece }>): void;
  /** True when a verified read once proved that blob `digest` inflates to `diffId`. */
  blobProven?(digest: string, diffId: string): boolean;
  /** Records that a read in this scan verified blob `digest` and its diff id `diffId`. */
  recordBlob?(digest: string, diffId: string): void;
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

/**
 * True when layer `index`'s content is proven to be what its diff id names without reading it, by
 * the source's own means (ImageSource.layerProof): the daemon computed the diff id; a registry
 * blob's digest maps to the diff id through a record a verified read wrote; a file's stored bytes,
 * hashed in this scan, are the diff id's (an uncompressed layer) or map to it through such a record.
 * Only then may the cache stand in for a read: the diff id itself is the image author's claim.
 */
async function layerProven(source: ImageSource, cache: LayerAnalysisCache, index: number): Promise<boolean> {
  const layer = source.layers[index];
  if (!layer?.diffId) return false;
  const diffId = layer.diffId;
  const maps = (digest: string): boolean => digest === diffId || cache.blobProven?.(digest, diffId) === true;
  switch (source.layerProof) {
    case 'source':
      return true;
    case 'address':
      return layer.digest !== undefined && maps(layer.digest);
    case 'hash': {
      if (!source.storedDigest) return false;
      let stored: string;
      try {
        stored = await source.storedDigest(index);
      } catch {
        return false; // reading the layer reports what is wrong with it
      }
      return (layer.digest === undefined || stored === layer.digest) && maps(stored);
    }
    default:
      return false;
  }
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
  // A cached analysis stands in for a layer only once its bytes are proven to be its diff id's
  // (layerProven); an unproven layer is read, which verifies it against the config.
  await mapWithConcurrency(plans, 4, async (plan) => {
    if (plan.cached && cache && !(await layerProven(source, cache, plan.index))) {
      delete plan.cached;
      plan.missing = selector.analyzers;
    }
  });
  const fromCache = (plan: LayerPlan): LayerAnalysis | undefined => (plan.cached?.structure && plan.missing.length === 0 ? assembleAnalysis(plan.cached.structure, plan.cached.pieces, cacheable) : undefined);

  /** Completes a fresh analysis with cached pieces and stores what is new. */
  const finish = (plan: LayerPlan, analysis: LayerAnalysis, ran: FileSelector): LayerAnalysis => {
    if (!cache || !plan.diffId) return analysis;
    const ranAnalyzers = cacheable.filter((analyzer) => ran.analyzers.includes(analyzer));
    const fresh = piecesOf(analysis, ranAnalyzers, ran);
    try {
      cache.store(plan.diffId, structureOf(analysis), new Map(ranAnalyzers.map((analyzer) => [analyzer.id, { version: analyzer.version, piece: fresh.get(analyzer.id) as AnalyzerPiece }])));
      // The read just verified the blob against its digest and its diff id.
      const digest = source.layers[plan.index]?.digest;
      if (digest) cache.recordBlob?.(digest, plan.diffId);
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
  // A layer listed again (the same stored bytes, the same diff id) is read once: an image may
  // name one blob 200 times, and each read would inflate it again.
  const reads = new Map<string, Promise<LayerAnalysis>>();
  return mapWithConcurrency(plans, concurrency, async (plan) => {
    const cached = fromCache(plan);
    if (cached) {
      options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: true });
      return cached;
    }
    const layer = source.layers[plan.index];
    const sameBytes = layer?.storedAt !== undefined && plan.diffId ? `${layer.storedAt}\u0000${plan.diffId}` : undefined;
    const earlier = sameBytes === undefined ? undefined : reads.get(sameBytes);
    if (earlier && plan.missing.length === selector.analyzers.length) {
      const analysis = await earlier;
      options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: false });
      return analysis;
    }
    const read = (async () => {
      // Read the layer, running only the analyzers whose results are not cached.
      const partial = plan.missing.length === selector.analyzers.length ? selector : new FileSelector(plan.missing);
      options.onProgress?.({ phase: 'layer-start', layer: plan.index, layers: total });
      const analysis = await analyzeLayer(source.openLayer(plan.index), partial, { whiteouts, onEntry: onEntry(plan.index), scratch });
      options.onProgress?.({ phase: 'layer-done', layer: plan.index, layers: total, cached: false });
      return finish(plan, analysis, partial);
    })();
    if (sameBytes !== undefined && plan.missing.length === selector.analyzers.length) reads.set(sameBytes, read);
    return read;
  });
}

/** Content of one link target, held to be analysed once per link that names it. */
const SHARED_TARGET_MAX_BYTES = 64 * 1024 * 1024;

/** A layer entry over content already read, so several links can each present it under their own path. */
function heldEntry(entry: LayerEntry, content: Buffer): LayerEntry {
  const claim = (limit: number): void => {
    if (content.length > limit) throw new HostileInputError(`${entry.path} is ${formatBytes(content.length)}, over the ${formatBytes(limit)} limit for this kind of file`);
  };
  return {
    path: entry.path,
    kind: 'file',
    size: content.length,
    ...(entry.mode === undefined ? {} : { mode: entry.mode }),
    read: async (limit) => (claim(limit), content),
    readChunks: async (limit, onChunk) => {
      claim(limit);
      if (content.length > 0) await onChunk(content);
    },
  };
}

/**
 * Reads the targets of links that no analyzer read under their own names: each layer that may hold
 * a target is read once for all of them, and a target named by many links is read once and
 * analysed as each link (3,000 links to one file cost one read of its layer, not 3,000).
 */
async function readDeferred(
  source: ImageSource,
  analyses: readonly LayerAnalysis[],
  reads: readonly DeferredRead[],
  selector: FileSelector,
  scratch: ScratchSpace,
): Promise<Map<DeferredRead, { file: ResolvedFile; captured?: CapturedFile }>> {
  const found = new Map<DeferredRead, { file: ResolvedFile; captured?: CapturedFile }>();
  // Which layers each read may find its target in, topmost first; a read is done at the first hit.
  const candidates = new Map(reads.map((read) => [read, read.targetLayer === undefined ? layersToSearch(read.targetPath, analyses) : [read.targetLayer]]));
  const layers = [...new Set([...candidates.values()].flat())].sort((a, b) => b - a);
  for (const layer of layers) {
    const waiting = new Map<string, DeferredRead[]>();
    for (const read of reads) {
      if (found.has(read) || !candidates.get(read)?.includes(layer)) continue;
      // A read whose target a higher candidate layer hides is already settled there.
      const list = waiting.get(read.targetPath) ?? [];
      list.push(read);
      waiting.set(read.targetPath, list);
    }
    if (waiting.size === 0) continue;
    const settled = new Set<string>();
    for await (const entry of source.openLayer(layer)) {
      const links = waiting.get(entry.path);
      if (!links || entry.kind !== 'file' || settled.has(entry.path)) continue;
      settled.add(entry.path);
      const shared = links.length > 1 && entry.size <= SHARED_TARGET_MAX_BYTES ? heldEntry(entry, await entry.read(SHARED_TARGET_MAX_BYTES)) : undefined;
      for (const [n, read] of links.entries()) {
        // Past the first link, a target too large to hold is read again from its layer (below).
        if (!shared && n > 0) continue;
        const analyzers = selector.analyzers.filter((analyzer) => read.analyzers.includes(analyzer.id));
        const outcome = await analyzeEntry(shared ?? entry, analyzers, [], selector, scratch, read.linkPath);
        const file = { path: read.linkPath, layer: Math.max(layer, read.linkLayer), runs: outcome?.runs ?? [] };
        found.set(read, { file, ...(outcome?.captured ? { captured: outcome.captured } : {}) });
      }
      if (settled.size === waiting.size) break;
    }
    // Links to a target too large to hold: one more read of the layer each (rare, and bounded by the budget).
    for (const path of settled) {
      for (const read of (waiting.get(path) ?? []).filter((candidate) => !found.has(candidate))) {
        for await (const entry of source.openLayer(layer)) {
          if (entry.path !== path || entry.kind !== 'file') continue;
          const analyzers = selector.analyzers.filter((analyzer) => read.analyzers.includes(analyzer.id));
          const outcome = await analyzeEntry(entry, analyzers, [], selector, scratch, read.linkPath);
          found.set(read, { file: { path: read.linkPath, layer: Math.max(layer, read.linkLayer), runs: outcome?.runs ?? [] }, ...(outcome?.captured ? { captured: outcome.captured } : {}) });
          break;
        }
      }
    }
  }
  return found;
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

/**
 * The records of one inventory as the scan result lists them: one per install, each with its purl,
 * a stable id and the layer that introduced it, in a stable order. The same for an image read
 * layer by layer and for one an SBOM describes.
 */
function finishPackages(records: readonly PackageRecord[], os: OsInfo | undefined, layerFor: (record: PackageRecord) => LayerRef | undefined): Package[] {
  const taken = new Set<string>();
  const packages: Package[] = dedupePackages(records).map((record) => {
    const purl = purlFor(record, os);
    const layer = layerFor(record);
    return { ...record, id: packageId(purl, record.location, taken), purl, ...(layer ? { layer } : {}) };
  });
  packages.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version) || a.location.localeCompare(b.location));
  return packages;
}

/** The inventory a describing source (an SBOM) states: finished as a walked image's, no layer read. */
function describedInventory(described: DescribedInventory): ImageInventory {
  const layers = new Map<PackageRecord, LayerRef>();
  const records = described.packages.map(({ layer, ...record }) => {
    if (layer) layers.set(record, layer);
    return record;
  });
  // dedupePackages copies records: the layer is found again by the record's identity in the inventory.
  const byKey = new Map(records.map((record) => [recordKey(record), layers.get(record)]));
  const packages = finishPackages(records, described.os, (record) => byKey.get(recordKey(record)));
  return { ...(described.os ? { os: described.os } : {}), packages, warnings: [...described.warnings] };
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

/**
 * The files one OS package installed, and the layer since which it has owned them: the layer of its
 * own list (a dpkg `.list`, a distroless `.md5sums`), or, for a database of many packages in one
 * file (apk's `installed`), the layer since which the package has been there in this version. That
 * file is rewritten whenever any package changes, so its own layer says nothing of this package.
 */
interface OwnedAt {
  list: OwnedFiles;
  layer: number;
}

/** The OS package owning a language package's file, and since which layer. */
interface Owner {
  package: string;
  layer: number;
}

/**
 * Which of `locations` (language packages' files) some OS package owns, each with the newest layer
 * whose database or list owns it. Owned paths are compared as the image resolves them: a database
 * may list `/lib/x` where the walk found `/usr/lib/x` (a merged /usr). Only owned paths whose base
 * name is a location's are resolved.
 */
function ownedLocations(owned: readonly OwnedAt[], locations: ReadonlySet<string>, merged: MergedImage): Map<string, Owner> {
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
  const found = new Map<string, Owner>();
  for (const { list, layer } of owned) {
    const { paths } = list;
    let start = 0;
    while (start < paths.length) {
      let end = paths.indexOf('\n', start);
      if (end < 0) end = paths.length;
      const nameStart = paths.lastIndexOf('/', end - 1) + 1;
      // Most owned paths name no language package: their base name rules them out before any resolving.
      if (end > nameStart && nameStart > start && names.has(paths.slice(nameStart, end))) {
        for (const location of byCanonical.get(canonical(paths.slice(start, end))) ?? []) {
          const seen = found.get(location);
          if (!seen || layer > seen.layer) found.set(location, { package: list.package, layer });
        }
      }
      start = end + 1;
    }
  }
  return found;
}

export async function inventoryImage(source: ImageSource, options: InventoryOptions = {}): Promise<ImageInventory> {
  if (source.described) return describedInventory(source.described);
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
  for (const warning of collected.warnings) warnings.push(warning);
  const files = [...collected.files];
  const capturedFor = new Map<ResolvedFile, CapturedFile>();
  const deferredReads = await readDeferred(source, analyses, collected.deferred, selector, scratch);
  for (const read of collected.deferred) {
    const deferred = deferredReads.get(read);
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
  /**
   * The image file a package was read from, where its location names a member inside that file
   * (`/app/app.jar!BOOT-INF/lib/x.jar` was read from `/app/app.jar`): what OS ownership is decided by.
   */
  const fileOf = new Map<PackageRecord, string>();
  const imageFileOf = (record: PackageRecord): string => fileOf.get(record) ?? record.location;
  /** `layer`: the layer the analyzed file (or, post-walk, the newest of the files) came from. */
  const take = (analyzer: string, result: AnalyzerResult, path: string, layer: number, layerFor: (record: PackageRecord) => number): void => {
    for (const warning of result.warnings ?? []) warnings.push(`${path}: ${warning}`);
    if (result.os) osFound.push({ path, os: result.os });
    const since = new Map<string, number>();
    for (const record of result.packages ?? []) {
      if (records.length >= MAX_PACKAGES) {
        throw new HostileInputError(`the image lists more than ${MAX_PACKAGES.toLocaleString('en')} packages (the last from ${path}); refusing an inventory no honest image has`);
      }
      records.push(record);
      if (record.location.startsWith(`${path}!`)) fileOf.set(record, path);
      if (osAnalyzers.has(analyzer)) osRecords.add(record);
      const introduced = merged.introducedAt.get(packageKey(analyzer, record)) ?? layerFor(record);
      layerOf.set(recordKey(record), introduced);
      since.set(record.name, introduced);
    }
    // Owned files listed with their package (one database of many): owned since that package's layer.
    for (const list of result.ownedFiles ?? []) owned.push({ list, layer: since.get(list.package) ?? layer });
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
    let newest = 0;
    for (const layer of layers.values()) newest = Math.max(newest, layer);
    take(analyzer.id, result, `${analyzer.id} analyzer`, newest, (record) => layers.get(record.location) ?? newest);
  }

  const os = resolveOs(osFound);
  let kept = records;
  // Third-party OS packages own nothing here: the distribution's advisories do not cover them.
  const thirdParty = new Set([...osRecords].filter((record) => !isDistributionVendor(record.vendor, os)).map((record) => record.name));
  const distributionOwned = thirdParty.size === 0 ? owned : owned.filter(({ list }) => !thirdParty.has(list.package.replace(/:[^:]*$/, '')));
  if (distributionOwned.length > 0) {
    const locations = new Set(records.filter((record) => !osRecords.has(record)).map(imageFileOf));
    const ownedByOs = locations.size > 0 ? ownedLocations(distributionOwned, locations, merged) : new Map<string, Owner>();
    if (ownedByOs.size > 0) {
      kept = records.flatMap((record) => {
        if (osRecords.has(record)) return [record];
        const owner = ownedByOs.get(imageFileOf(record));
        // The OS package put the file there only if it has owned it since the package's layer or
        // later: a later layer that rewrote the file (`npm i -g`, `pip install --upgrade` over a
        // packaged file) installed another version, which the findings must see. The package's
        // layer is the one since which it has been there in this version, so a later layer that
        // only touched the file (`chown -R`) does not make it reappear.
        if (owner === undefined || (layerOf.get(recordKey(record)) ?? 0) > owner.layer) return [record];
        // Asked to scan owned files: kept, and marked with the OS package that installed it.
        return options.scanOwnedFiles ? [{ ...record, ownedBy: owner.package.replace(/:[^:]*$/, '') }] : [];
      });
    }
  }

  const packages = finishPackages(kept, os, (record) => {
    const layerIndex = layerOf.get(recordKey(record));
    return layerIndex === undefined ? undefined : layerRef(source, layerIndex);
  });
  const sourceWarnings = 'warnings' in source && Array.isArray(source.warnings) ? (source.warnings as string[]) : [];
  return { ...(os ? { os } : {}), packages, warnings: boundWarnings([...sourceWarnings, ...warnings]) };
}
