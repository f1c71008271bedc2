/**
 * How image layers stack, as a container runtime applies them (the OCI image spec's layer
 * changesets). The one implementation of it, shared by the inventory (which keeps analyzer results
 * per path) and the merged image view (which keeps file metadata and content per path):
 *
 * - `.wh.<name>` deletes `<name>`, and everything below it, from the layers below;
 * - `.wh..wh..opq` in a folder hides everything the layers below put in that folder;
 * - a later entry at a path replaces the earlier one and everything below it (a file or a link
 *   over a folder hides what the folder held), except a folder entry, which keeps what the layers
 *   below put in it (a layer that adds one file to /etc carries an /etc entry too);
 * - a hard link takes what the stack holds at the path it names, as the stack stands when the link
 *   is applied: an earlier entry of the same layer, or the layers below.
 *
 * A layer's whiteouts and opaque markers apply before its own entries, whatever their order in the
 * archive, so one layer can delete a path and add it again.
 *
 * Never touches a filesystem and never follows symlinks: a reader resolves them inside the root
 * (src/image/paths.ts).
 */
import { joinPath, parentPath } from '../paths.js';
import { PathTree } from './path-tree.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type WhiteoutMarker = { kind: 'whiteout'; path: string } | { kind: 'opaque'; folder: string };

/** What a layer entry's name says when it is a whiteout marker; undefined for an ordinary entry. */
export function whiteoutMarker(entryPath: string): WhiteoutMarker | undefined {
  // Called for every entry of every layer: no allocation unless the name is a marker.
  const nameStart = entryPath.lastIndexOf('/') + 1;
  if (!entryPath.startsWith(WHITEOUT_PREFIX, nameStart)) return undefined;
  const folder = parentPath(entryPath);
  if (entryPath.length - nameStart === OPAQUE_MARKER.length && entryPath.endsWith(OPAQUE_MARKER)) return { kind: 'opaque', folder };
  return { kind: 'whiteout', path: joinPath(folder, entryPath.slice(nameStart + WHITEOUT_PREFIX.length)) };
}

/** One entry of a layer: a value at a path, or a hard link to another path of the image. */
export type StackEntry<V> = { path: string; value: V } | { path: string; hardLinkTo: string };

/** What one layer changes. */
export interface LayerChanges<V> {
  /** Paths deleted from the layers below (`.wh.<name>`). */
  readonly whiteouts: readonly string[];
  /** Folders whose lower-layer contents are hidden (`.wh..wh..opq`). */
  readonly opaqueDirs: readonly string[];
  /** The layer's other entries, in the order they are applied (a later one wins). */
  readonly entries: Iterable<StackEntry<V>>;
}

/** What the stack needs to know about the values it keeps. */
export interface StackRules<V> {
  /** A folder keeps what the layers below put in it; any other value replaces the whole subtree. */
  isFolder(value: V): boolean;
  /**
   * The value a hard link gets, from the value the stack holds at the path it names (undefined
   * when it holds none) and that path; undefined leaves the link out.
   */
  hardLink(linked: V | undefined, linkedPath: string, layer: number): V | undefined;
}

export class LayerStack<V> {
  readonly tree = new PathTree<V>();
  private applied = 0;

  constructor(private readonly rules: StackRules<V>) {}

  /** Number of layers applied so far; the next layer applied gets this index. */
  get layers(): number {
    return this.applied;
  }

  /** Applies the next layer on top of the stack. */
  apply(changes: LayerChanges<V>): void {
    const { tree, rules } = this;
    const layer = this.applied++;
    for (const folder of changes.opaqueDirs) tree.clearChildren(folder);
    for (const path of changes.whiteouts) tree.deleteSubtree(path);
    for (const entry of changes.entries) {
      const value = 'hardLinkTo' in entry ? rules.hardLink(tree.get(entry.hardLinkTo), entry.hardLinkTo, layer) : entry.value;
      if (value === undefined) continue;
      if (rules.isFolder(value)) tree.set(entry.path, value);
      else tree.replace(entry.path, value);
    }
  }
}

/** True when `changes` hide `path` from the layers below (a whiteout of it or a folder above it, an opaque folder above it). */
export function hidesFromLayersBelow(changes: Pick<LayerChanges<unknown>, 'whiteouts' | 'opaqueDirs'>, path: string): boolean {
  return (
    changes.whiteouts.some((whiteout) => path === whiteout || path.startsWith(`${whiteout}/`)) ||
    changes.opaqueDirs.some((folder) => path.startsWith(folder === '/' ? '/' : `${folder}/`))
  );
}
