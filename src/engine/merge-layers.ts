/**
 * Applies analysed layers in order, as a container runtime stacks them (src/image/fs/layer-stack.ts:
 * whiteouts and opaque folders hide what lower layers put there, a later entry at a path replaces
 * an earlier one). Tracks, for every package, the layer that introduced it in its current version.
 *
 * Links are resolved afterwards, inside the image root (src/image/paths.ts): a link at a path an
 * analyzer wants is analysed with its target's content, unless that analyzer already reads the
 * target under its own name (no package is counted twice).
 */
import type { PackageRecord } from '../model/package.js';
import type { FileSelector } from '../inventory/file-selector.js';
import { resolveInRoot } from '../image/paths.js';
import { LayerStack, hidesFromLayersBelow, type StackEntry } from '../image/fs/layer-stack.js';
import type { PathTree } from '../image/fs/path-tree.js';
import type { AnalyzerRun, LayerAnalysis } from './layer-analysis.js';

export type MergedNode =
  | { kind: 'file'; layer: number; runs: AnalyzerRun[] }
  | { kind: 'symlink'; layer: number; target: string }
  | { kind: 'hardlink'; layer: number; target: string };

export interface MergedImage {
  tree: PathTree<MergedNode>;
  /** Package key (see packageKey) -> index of the layer since which it has been present. */
  introducedAt: Map<string, number>;
}

/** Identity of a package for layer attribution: same file, same package, same version. */
export function packageKey(analyzer: string, record: PackageRecord): string {
  return [analyzer, record.location, record.type, record.name, record.version, record.architecture ?? ''].join('\u0000');
}

function presentKeys(tree: PathTree<MergedNode>): Set<string> {
  const keys = new Set<string>();
  for (const [, node] of tree.entries()) {
    if (node.kind !== 'file') continue;
    for (const run of node.runs) for (const record of run.result.packages ?? []) keys.add(packageKey(run.analyzer, record));
  }
  return keys;
}

/** A layer's entries as the stack applies them: links first, then the files analyzers read. */
function* entriesOf(analysis: LayerAnalysis, layer: number): Generator<StackEntry<MergedNode>> {
  for (const [path, target] of analysis.symlinks) yield { path, value: { kind: 'symlink', layer, target } };
  for (const [path, target] of analysis.hardlinks) yield { path, hardLinkTo: target };
  for (const file of analysis.files) yield { path: file.path, value: { kind: 'file', layer, runs: file.runs } };
}

export function mergeLayers(analyses: readonly LayerAnalysis[]): MergedImage {
  const stack = new LayerStack<MergedNode>({
    // Only files and links are kept: no folder entries.
    isFolder: () => false,
    // Only the files analyzers asked for are in the stack, and the link's analyzers may differ from
    // its target's: the link is kept as a reference, and collectFiles reads what it names.
    hardLink: (_linked, linkedPath, layer) => ({ kind: 'hardlink', layer, target: linkedPath }),
  });
  const { tree } = stack;
  const introducedAt = new Map<string, number>();
  analyses.forEach((analysis, layer) => {
    stack.apply({ whiteouts: analysis.whiteouts, opaqueDirs: analysis.opaqueDirs, entries: entriesOf(analysis, layer) });

    const present = presentKeys(tree);
    for (const key of introducedAt.keys()) if (!present.has(key)) introducedAt.delete(key);
    for (const key of present) if (!introducedAt.has(key)) introducedAt.set(key, layer);
  });
  return { tree, introducedAt };
}

/** A file's analysis results as the image presents them at `path`. */
export interface ResolvedFile {
  /** Where the image presents the file (a link's own path for a followed link). */
  path: string;
  /** Layer the content came from (for a link, the later of the link's and the target's). */
  layer: number;
  runs: AnalyzerRun[];
}

/** A link whose target must be read again because no analyzer read it under its own name. */
export interface DeferredRead {
  /** The link's path: the analyzers run as if the content were there. */
  linkPath: string;
  /** The resolved target path. */
  targetPath: string;
  /**
   * The layer whose entry holds the target's content, when the walk saw it; undefined when no
   * analyzer captured the target, and the layers must be searched (see layersToSearch).
   */
  targetLayer: number | undefined;
  linkLayer: number;
  analyzers: string[];
}

export interface CollectedFiles {
  files: ResolvedFile[];
  deferred: DeferredRead[];
  warnings: string[];
}

/** Walks the merged tree: files as they are, links resolved inside the root. */
export function collectFiles(merged: MergedImage, selector: FileSelector): CollectedFiles {
  const { tree } = merged;
  const readLink = (path: string): string | undefined => {
    const node = tree.get(path);
    return node?.kind === 'symlink' ? node.target : undefined;
  };
  const collected: CollectedFiles = { files: [], deferred: [], warnings: [] };
  for (const [path, node] of tree.entries()) {
    if (node.kind === 'file') {
      if (node.runs.length > 0) collected.files.push({ path, layer: node.layer, runs: node.runs });
      continue;
    }
    const wanted = selector.analyzersFor(path);
    if (wanted.length === 0) continue;
    // Resolving may throw HostileInputError (a loop, a link above the root): that fails the scan.
    const targetPath = resolveInRoot(node.kind === 'symlink' ? path : node.target, readLink);
    const target = tree.get(targetPath);
    if (target && target.kind !== 'file') {
      collected.warnings.push(`${path}: ${node.kind} to ${targetPath}, which is not a regular file; skipped`);
      continue;
    }
    const readAtTarget = new Set(selector.analyzersFor(targetPath).map((analyzer) => analyzer.id));
    const missing = wanted.map((analyzer) => analyzer.id).filter((id) => !readAtTarget.has(id));
    if (missing.length > 0) {
      collected.deferred.push({ linkPath: path, targetPath, targetLayer: target?.layer, linkLayer: node.layer, analyzers: missing });
    } else if (!target) {
      collected.warnings.push(`${path}: ${node.kind} to ${targetPath}, which is not in the image; skipped`);
    }
  }
  return collected;
}

/**
 * The layers that may hold `path`, topmost first, for a target no analyzer captured: the search
 * stops at the first layer that whites the path (or a folder above it) out, since nothing below
 * that layer is visible.
 */
export function layersToSearch(path: string, analyses: readonly LayerAnalysis[]): number[] {
  const layers: number[] = [];
  for (let layer = analyses.length - 1; layer >= 0; layer--) {
    layers.push(layer);
    if (hidesFromLayersBelow(analyses[layer] as LayerAnalysis, path)) break;
  }
  return layers;
}
