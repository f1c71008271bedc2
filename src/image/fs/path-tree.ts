/**
 * A tree of absolute paths to values, so that a whole folder (a whiteout of a directory, an opaque
 * directory) can be removed in one step instead of scanning every key for a prefix. The storage
 * under layer-stack.ts; it knows nothing of layers or links.
 */
interface TreeNode<T> {
  children?: Map<string, TreeNode<T>>;
  value?: T;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

export class PathTree<T> {
  private readonly root: TreeNode<T> = {};

  private find(path: string): TreeNode<T> | undefined {
    let node: TreeNode<T> | undefined = this.root;
    for (const segment of segmentsOf(path)) {
      node = node.children?.get(segment);
      if (!node) return undefined;
    }
    return node;
  }

  get(path: string): T | undefined {
    return this.find(path)?.value;
  }

  /** Sets the value at `path`; the entries below it stay (a folder and its contents). */
  set(path: string, value: T): void {
    let node = this.root;
    for (const segment of segmentsOf(path)) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (!child) {
        child = {};
        node.children.set(segment, child);
      }
      node = child;
    }
    node.value = value;
  }

  /** Sets the value at `path` and drops everything below it (a non-folder replaces a folder). */
  replace(path: string, value: T): void {
    this.set(path, value);
    const node = this.find(path);
    if (node) delete node.children;
  }

  /** Removes `path` and everything below it. */
  deleteSubtree(path: string): void {
    const segments = segmentsOf(path);
    const last = segments.pop();
    if (last === undefined) {
      delete this.root.children;
      delete this.root.value;
      return;
    }
    const parent = this.find(`/${segments.join('/')}`);
    parent?.children?.delete(last);
  }

  /** Removes everything below `path`, keeping `path` itself. */
  clearChildren(path: string): void {
    const node = this.find(path);
    if (node) delete node.children;
  }

  /** Names directly below `path`, sorted; undefined when nothing is stored at or below it. */
  childNames(path: string): string[] | undefined {
    const node = this.find(path);
    if (!node) return undefined;
    return [...(node.children?.keys() ?? [])].sort();
  }

  *entries(): Generator<[string, T]> {
    const stack: [string, TreeNode<T>][] = [['', this.root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop() as [string, TreeNode<T>];
      if (node.value !== undefined) yield [path === '' ? '/' : path, node.value];
      if (node.children) for (const [segment, child] of node.children) stack.push([`${path}/${segment}`, child]);
    }
  }
}
