/**
 * `image:<ref>`: a container image's filesystem, from any image source (docker-archive, OCI
 * layout, Docker daemon, registry). The layers are applied in order with whiteouts and opaque
 * folders into an in-memory tree of metadata; file contents are kept only for the folders
 * configuration checks read (/etc and the package and systemd databases), each bounded. An image
 * is not a running system: no commands, no runtime state.
 */
import { PathTree } from '../../engine/path-tree.js';
import { HostileInputError } from '../../errors.js';
import { openImage } from '../../image/sources.js';
import type { LayerEntries } from '../../image/layer-entry.js';
import { MAX_SYMLINK_HOPS, baseName, isSameOrBelow, parentPath, resolveInRoot } from '../../image/paths.js';
import { TargetReadError, TargetUnavailableError, MAX_CHECKED_FILE_BYTES, MAX_PACKAGE_DATABASE_BYTES, type FileInfo, type Target } from './target.js';

const CONTENT_FOLDERS = ['/etc', '/usr/lib/os-release', '/var/lib/dpkg/status', '/var/lib/dpkg/status.d', '/lib/apk/db', '/usr/lib/sysctl.d', '/lib/sysctl.d', '/usr/lib/modprobe.d', '/lib/modprobe.d', '/usr/lib/systemd/system', '/lib/systemd/system', '/usr/local/lib/sysctl.d'];

interface ImageNode extends FileInfo {
  linkTarget?: string;
  content?: Buffer;
  /** Content was not kept: outside the folders checks read, or over the bound. */
  unread?: string;
}

function wantsContent(path: string): boolean {
  return CONTENT_FOLDERS.some((folder) => isSameOrBelow(path, folder));
}

export class ImageTarget implements Target {
  readonly kind = 'image' as const;
  readonly live = false;

  private constructor(
    readonly name: string,
    private readonly nodes: PathTree<ImageNode>,
  ) {}

  static async open(reference: string): Promise<ImageTarget> {
    const source = await openImage(reference);
    const merged = new PathTree<ImageNode>();
    merged.set('/', { type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 });
    try {
      const readLayer = async (entries: LayerEntries): Promise<{ nodes: Map<string, ImageNode>; whiteouts: string[]; opaque: string[] }> => {
        const nodes = new Map<string, ImageNode>();
        const whiteouts: string[] = [];
        const opaque: string[] = [];
        for await (const entry of entries) {
          const name = baseName(entry.path);
          if (name === '.wh..wh..opq') {
            opaque.push(parentPath(entry.path));
            continue;
          }
          if (name.startsWith('.wh.')) {
            whiteouts.push(`${parentPath(entry.path) === '/' ? '' : parentPath(entry.path)}/${name.slice(4)}`);
            continue;
          }
          const base = { mode: (entry.mode ?? 0o644) & 0o7777, uid: entry.uid ?? 0, gid: entry.gid ?? 0, size: entry.size };
          if (entry.kind === 'hardlink') {
            const linked = nodes.get(entry.linkTarget as string) ?? merged.get(entry.linkTarget as string);
            if (linked) nodes.set(entry.path, { ...linked });
            continue;
          }
          const type = entry.kind === 'file' || entry.kind === 'directory' || entry.kind === 'symlink' ? entry.kind : 'other';
          const node: ImageNode = { ...base, type, ...(entry.linkTarget === undefined ? {} : { linkTarget: entry.linkTarget }) };
          if (type === 'file') {
            const limit = entry.path.startsWith('/var/lib/dpkg') || entry.path.startsWith('/lib/apk') ? MAX_PACKAGE_DATABASE_BYTES : MAX_CHECKED_FILE_BYTES;
            if (!wantsContent(entry.path)) node.unread = 'file contents outside the configuration folders are not kept for image targets';
            else if (entry.size > limit) node.unread = `is ${entry.size} bytes, over the ${limit}-byte limit for checked files`;
            else node.content = await entry.read(limit);
          }
          nodes.set(entry.path, node);
        }
        return { nodes, whiteouts, opaque };
      };
      const indexes = source.layers.map((layer) => layer.index);
      const layers = source.readLayers ? await source.readLayers(indexes, (entries) => readLayer(entries)) : new Map(await Promise.all(indexes.map(async (index) => [index, await readLayer(source.openLayer(index))] as const)));
      for (const index of indexes) {
        const layer = layers.get(index);
        if (!layer) continue;
        for (const folder of layer.opaque) merged.clearChildren(folder);
        for (const path of layer.whiteouts) merged.deleteSubtree(path);
        // A folder entry keeps what lower layers put in it; anything else replaces the subtree.
        for (const [path, node] of layer.nodes) {
          if (node.type === 'directory') merged.set(path, node);
          else merged.replace(path, node);
        }
      }
    } catch (error) {
      if (error instanceof HostileInputError || error instanceof TargetUnavailableError) throw error;
      throw new TargetUnavailableError(`image:${reference}: ${(error as Error).message}`, { cause: error });
    } finally {
      await source.close();
    }
    return new ImageTarget(`image:${reference}`, merged);
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

  async close(): Promise<void> {}
}
