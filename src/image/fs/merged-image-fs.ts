/**
 * The FsView of a container image: its layers read once (in parallel where the source allows, in
 * its one pass where it streams) and stacked by layer-stack.ts into a tree holding every path's
 * metadata. File content is kept only where the caller's content selection asks for it, and only
 * up to the selection's bound for that path, so an image of gigabytes costs its metadata plus the
 * few files someone will read. An image is a filesystem, not a running system: no commands.
 *
 * Never reads outside the image root: links are resolved in the merged tree with the image root as
 * `/`, and a link climbing above it is refused.
 */
import { HostileInputError } from '../../errors.js';
import type { LayerEntries } from '../layer-entry.js';
import { MAX_SYMLINK_HOPS, baseName, parentPath, resolveInRoot } from '../paths.js';
import type { ImageSource } from '../source.js';
import { TargetReadError, type FileInfo, type FsView } from './fs-view.js';
import { LayerStack, whiteoutMarker, type LayerChanges, type StackEntry } from './layer-stack.js';
import type { PathTree } from './path-tree.js';

/** Which files' content the view keeps. */
export interface ContentSelection {
  /** The most bytes kept for the regular file at `path`; undefined when its content is not kept. */
  limitFor(path: string): number | undefined;
  /** Why a file the selection leaves out cannot be read (the detail of its read error). */
  readonly notKept: string;
}

interface ImageNode extends FileInfo {
  linkTarget?: string;
  content?: Buffer;
  /** Content was not kept: outside the selection, or over its bound. */
  unread?: string;
}

const ROOT: ImageNode = { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 };

async function readLayer(entries: LayerEntries, selection: ContentSelection, whiteouts: boolean): Promise<LayerChanges<ImageNode>> {
  const changes = { whiteouts: [] as string[], opaqueDirs: [] as string[], entries: [] as StackEntry<ImageNode>[] };
  for await (const entry of entries) {
    const marker = whiteouts ? whiteoutMarker(entry.path) : undefined;
    if (marker?.kind === 'opaque') {
      changes.opaqueDirs.push(marker.folder);
      continue;
    }
    if (marker?.kind === 'whiteout') {
      changes.whiteouts.push(marker.path);
      continue;
    }
    if (entry.kind === 'hardlink') {
      changes.entries.push({ path: entry.path, hardLinkTo: entry.linkTarget as string });
      continue;
    }
    const type = entry.kind === 'file' || entry.kind === 'directory' || entry.kind === 'symlink' ? entry.kind : 'other';
    const node: ImageNode = { mode: (entry.mode ?? 0o644) & 0o7777, uid: entry.uid ?? 0, gid: entry.gid ?? 0, size: entry.size, type, ...(entry.linkTarget === undefined ? {} : { linkTarget: entry.linkTarget }) };
    if (type === 'file') {
      const limit = selection.limitFor(entry.path);
      if (limit === undefined) node.unread = selection.notKept;
      else if (entry.size > limit) node.unread = `is ${entry.size} bytes, over the ${limit}-byte limit for checked files`;
      else node.content = await entry.read(limit);
    }
    changes.entries.push({ path: entry.path, value: node });
  }
  return changes;
}

export class MergedImageFs implements FsView {
  private constructor(private readonly nodes: PathTree<ImageNode>) {}

  /** Reads every layer of `source` once; the caller still owns (and closes) the source. */
  static async read(source: ImageSource, selection: ContentSelection): Promise<MergedImageFs> {
    const stack = new LayerStack<ImageNode>({
      isFolder: (node) => node.type === 'directory',
      // A hard link is the same inode under another name: same metadata, same content.
      hardLink: (linked) => (linked ? { ...linked } : undefined),
    });
    stack.tree.set('/', ROOT);
    const indexes = source.layers.map((layer) => layer.index);
    const read = (entries: LayerEntries): Promise<LayerChanges<ImageNode>> => readLayer(entries, selection, source.layersHaveWhiteouts);
    const layers = source.readLayers ? await source.readLayers(indexes, read) : new Map(await Promise.all(indexes.map(async (index) => [index, await read(source.openLayer(index))] as const)));
    for (const index of indexes) {
      const layer = layers.get(index);
      if (layer) stack.apply(layer);
    }
    return new MergedImageFs(stack.tree);
  }

  private resolve(path: string, follow: boolean): string {
    const readLink = (candidate: string): string | undefined => {
      const node = this.nodes.get(candidate);
      return node?.type === 'symlink' ? node.linkTarget : undefined;
    };
    try {
      if (follow) return resolveInRoot(path, readLink);
      const parent = resolveInRoot(parentPath(path), readLink);
      return parent === '/' ? `/${baseName(path)}` : `${parent}/${baseName(path)}`;
    } catch (error) {
      const loop = error instanceof HostileInputError && error.message.includes('too many');
      throw new TargetReadError(path, loop ? 'symlink-loop' : 'outside-root', loop ? `more than ${MAX_SYMLINK_HOPS} symbolic links` : 'a symlink points outside the image root');
    }
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    const node = this.nodes.get(this.resolve(path, false));
    return node ? { type: node.type, mode: node.mode, uid: node.uid, gid: node.gid, size: node.size } : undefined;
  }

  async readFile(path: string, maxBytes: number): Promise<Buffer> {
    const node = this.nodes.get(this.resolve(path, true));
    if (!node) throw new TargetReadError(path, 'not-found', 'no such file');
    if (node.type !== 'file') throw new TargetReadError(path, 'not-a-file', `is a ${node.type}, not a regular file`);
    if (!node.content) throw new TargetReadError(path, 'failed', node.unread ?? 'content not available');
    if (node.content.length > maxBytes) throw new TargetReadError(path, 'too-large', `is ${node.content.length} bytes, over the ${maxBytes}-byte limit for checked files`);
    return node.content;
  }

  async readLink(path: string): Promise<string | undefined> {
    const node = this.nodes.get(this.resolve(path, false));
    return node?.type === 'symlink' ? node.linkTarget : undefined;
  }

  async listDir(path: string): Promise<string[] | undefined> {
    const resolved = this.resolve(path, true);
    if (this.nodes.get(resolved)?.type !== 'directory') return undefined;
    return this.nodes.childNames(resolved) ?? [];
  }
}
