/**
 * The read-only view of a filesystem that inventory and compliance read through, the same for a
 * container image's merged layers, a folder of this machine and a host over SSH: stat a path, read
 * a file, read a link, list a folder. Paths are absolute paths inside the view's root, never of
 * the scanning host.
 *
 * A view never reads outside its root: an absolute link is root-relative, and a link that climbs
 * above the root is refused with a TargetReadError, never clamped or followed on the host.
 */

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileInfo {
  type: FileType;
  /** Permission bits including setuid/setgid/sticky (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Last modification, whole seconds since the epoch, where the view knows it (folders and SSH do; images do not). */
  mtime?: number;
}

export interface FsView {
  /** Facts about the path itself (lstat: a symlink is reported as one); undefined when it does not exist. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** A file's bytes, following symlinks inside the root; throws TargetReadError. */
  readFile(path: string, maxBytes: number): Promise<Buffer>;
  /** A symlink's raw target; undefined when the path is not a symlink or does not exist. */
  readLink(path: string): Promise<string | undefined>;
  /** Names in a folder, sorted; undefined when the folder does not exist. */
  listDir(path: string): Promise<string[] | undefined>;
  /**
   * Optional: a folder's names (sorted) with each entry's facts (lstat; undefined for an entry
   * that vanished meanwhile), the folder resolved once rather than once per entry. The same
   * answer as listDir and a stat per name; a walk of a whole tree calls this once per folder.
   */
  listDirInfo?(path: string): Promise<FolderListing | undefined>;
}

export interface FolderListing {
  names: string[];
  infos: (FileInfo | undefined)[];
}

export type ReadFailure = 'not-found' | 'permission-denied' | 'too-large' | 'not-a-file' | 'symlink-loop' | 'outside-root' | 'failed';

/** One path could not be read: whoever needed it reports this reason (a compliance control is ERROR with it). */
export class TargetReadError extends Error {
  constructor(
    readonly path: string,
    readonly failure: ReadFailure,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'TargetReadError';
  }
}

/** A folder's names and facts: from the view's listDirInfo, or a listing and a stat per name (an entry that vanished meanwhile has none). */
export async function listWithInfo(view: FsView, path: string): Promise<FolderListing | undefined> {
  if (view.listDirInfo) return view.listDirInfo(path);
  const names = await view.listDir(path);
  if (!names) return undefined;
  const infos = await Promise.all(names.map((name) => view.stat(path === '/' ? `/${name}` : `${path}/${name}`).catch(() => undefined)));
  return { names, infos };
}

/** A file's bytes, or undefined when it does not exist; every other failure is thrown. */
export async function readIfPresent(view: FsView, path: string, maxBytes: number): Promise<Buffer | undefined> {
  try {
    return await view.readFile(path, maxBytes);
  } catch (error) {
    if (error instanceof TargetReadError && error.failure === 'not-found') return undefined;
    throw error;
  }
}
