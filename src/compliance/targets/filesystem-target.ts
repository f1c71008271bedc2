/**
 * A target backed by a folder of this machine: `local` (the root `/`, a live system) and
 * `dir:<path>` (a root filesystem, not live). Every read goes through DirectoryFs, which resolves
 * paths inside the root with its own symlinks, never the scanning host's, and bounds every read;
 * commands run only on the live system.
 */
import { realpath, stat } from 'node:fs/promises';
import { DirectoryFs } from '../../image/fs/directory-fs.js';
import { runLocalCommand } from './local-command.js';
import { FindUnavailableError, findLocalTrees, findUsable } from './local-find-walk.js';
import { readLocalMountTable, type MountTableReader, type MountedFilesystem } from './mount-table.js';
import { findLocalQueries } from './local-find-query.js';
import { walkLocalTrees } from './local-tree-walk.js';
import { TargetUnavailableError, type CommandResult, type RunOptions, type Target, type TargetKind } from './target.js';
import type { TreeQuerier, TreeQuery } from './tree-query.js';
import type { TreeWalker, TreeWalkResult, TreeWalkRoot, WalkedEntry } from './tree-walker.js';
import { ViewTarget } from './view-target.js';

export class FilesystemTarget extends ViewTarget implements Target, TreeWalker, TreeQuerier, MountTableReader {
  private readonly directory: DirectoryFs;

  constructor(
    readonly kind: TargetKind,
    readonly name: string,
    root: string,
    readonly live: boolean,
  ) {
    const directory = new DirectoryFs(root);
    super(directory);
    this.directory = directory;
  }

  readonly followsRootLinks = true;

  /**
   * How trees are walked: `find` beside the scan (local-find-walk.ts) where this machine's `find`
   * can, else in this process (local-tree-walk.ts). Both report the same and never leave the root.
   */
  walker: 'find' | 'in-process' = findUsable() ? 'find' : 'in-process';

  async walkTrees(roots: readonly TreeWalkRoot[], prune: readonly string[], visit: (entry: WalkedEntry) => void, options: { maxEntries: number; signal?: AbortSignal }): Promise<TreeWalkResult> {
    if (this.walker === 'find') {
      try {
        return await findLocalTrees(this.directory, roots, prune, visit, options);
      } catch (error) {
        if (!(error instanceof FindUnavailableError)) throw error;
        // find went away or refused to walk after all: in-process from here on (an entry reported
        // twice is kept once by the cache, which adopts each folder's names once).
        this.walker = 'in-process';
      }
    }
    return walkLocalTrees(this.directory, roots, prune, visit, options);
  }

  /** Through `find` only: without it there is nothing to gain over the walk, and the caller walks. */
  queryTrees(queries: readonly TreeQuery[], prune: readonly string[], options: { maxEntries: number; signal?: AbortSignal }): Promise<WalkedEntry[] | undefined>[] | undefined {
    if (this.walker !== 'find') return undefined;
    return findLocalQueries(this.directory, queries, prune, options).map((answer) =>
      answer.catch((error: unknown) => {
        if (!(error instanceof FindUnavailableError)) throw error;
        this.walker = 'in-process';
        return undefined;
      }),
    );
  }

  /** This host's mounts at and below the root, as paths of the target: the root's own folders are this host's. */
  mountTable(): Promise<MountedFilesystem[]> {
    return readLocalMountTable(this.directory.root);
  }

  /** `local`: this host, live. */
  static local(): FilesystemTarget {
    return new FilesystemTarget('local', 'local', '/', true);
  }

  /** `dir:<path>`: a root filesystem on this host, named by its real path. */
  static async openDirectory(spec: string): Promise<FilesystemTarget> {
    const dir = spec.slice('dir:'.length);
    let root: string;
    try {
      root = await realpath(dir);
      if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new TargetUnavailableError(`target ${spec}: ${dir} is not a readable folder`);
    }
    return new FilesystemTarget('dir', `dir:${root}`, root, false);
  }

  get run(): ((command: string, options: RunOptions) => Promise<CommandResult>) | undefined {
    return this.live ? (command, options) => runLocalCommand(command, options) : undefined;
  }

  async close(): Promise<void> {}
}
