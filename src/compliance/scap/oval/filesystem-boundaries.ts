/**
 * OVAL's `recurse_file_system` behavior: which filesystems a file object's walk may enter.
 *
 * - `all` (the default): every folder below the start.
 * - `defined`: only the filesystem the start is on; a folder on another one (a mount point) is
 *   reported as a folder but not entered.
 * - `local`: only local filesystems; a folder on a network filesystem (NFS, CIFS, sshfs …) or on
 *   /proc or /sys is reported but not entered, and a start on one gives nothing.
 *
 * As OpenSCAP, on the device numbers of the target's mount table (targets/mount-table.ts): the
 * folders not entered are the mount points below the start whose device is not the start's
 * (`defined`) or not a local one (`local`). Every walk below applies the same boundary — the
 * cached listings, a tree query's answer, a pattern search — so all of them give the same items.
 * Links followed during a walk (`recurse="symlinks and directories"`) are judged by the path
 * they are reached by, not the folder they lead to.
 */
import { resolveInRoot } from '../../../image/paths.js';
import { isLocalFilesystem, type MountedFilesystem } from '../../targets/mount-table.js';
import type { CachedFiles } from './cached-files.js';
import type { OvalObject } from './model.js';
import { OvalCollectionError } from './test-types/test-type.js';

export type RecurseFileSystem = 'all' | 'local' | 'defined';

export interface WalkBoundary {
  /** The start itself is on a network filesystem and the walk is `local`: it gives no item. */
  readonly skipsStart: boolean;
  /** Folders below the start (as the walk names them) that are reported but not entered. */
  readonly notEntered: ReadonlySet<string>;
}

export const NO_BOUNDARY: WalkBoundary = { skipsStart: false, notEntered: new Set() };

export function recurseFileSystem(object: OvalObject): RecurseFileSystem {
  const value = object.behaviors.recurse_file_system ?? 'all';
  if (value === 'all' || value === 'local' || value === 'defined') return value;
  throw new OvalCollectionError(`${object.id}: recurse_file_system="${value}" is not one of all, local, defined`);
}

/** Whether some folder above `path` (not `path` itself) is one the walk does not enter. */
export function belowNotEntered(path: string, boundary: WalkBoundary): boolean {
  if (boundary.notEntered.size === 0) return false;
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    if (boundary.notEntered.has(path.slice(0, slash))) return true;
  }
  return false;
}

/** Whether `path` lies strictly below `folder`. */
function strictlyBelow(path: string, folder: string): boolean {
  return folder === '/' ? path !== '/' : path.startsWith(`${folder}/`);
}

/**
 * The boundary of a walk from `start` whose real path (links resolved) is `realStart`, over the
 * mounts in the kernel's order (a later mount on a path covers an earlier one).
 */
export function boundaryOf(start: string, realStart: string, mounts: readonly MountedFilesystem[], mode: RecurseFileSystem): WalkBoundary {
  if (mode === 'all' || mounts.length === 0) return NO_BOUNDARY;
  const visible = new Map<string, MountedFilesystem>();
  for (const mount of mounts) visible.set(mount.path, mount);
  // The filesystem a path is on: the deepest mount at or above it.
  let holder: MountedFilesystem | undefined;
  for (const mount of visible.values()) {
    if ((mount.path === realStart || strictlyBelow(realStart, mount.path)) && (!holder || mount.path.length > holder.path.length)) holder = mount;
  }
  // As OpenSCAP: the devices of every local mount.
  const localDevices = new Set([...visible.values()].filter(isLocalFilesystem).map((mount) => mount.device));
  const keeps = (device: string): boolean => (mode === 'defined' ? device === holder?.device : localDevices.has(device));
  const notEntered = new Set<string>();
  for (const mount of visible.values()) {
    if (!strictlyBelow(mount.path, realStart) || keeps(mount.device)) continue;
    // Named as the walk names it: below the start as given, not its real path.
    notEntered.add(realStart === '/' ? (start === '/' ? mount.path : `${start}${mount.path}`) : `${start}${mount.path.slice(realStart.length)}`);
  }
  const skipsStart = mode === 'local' && holder !== undefined && !localDevices.has(holder.device);
  return { skipsStart, notEntered };
}

const NOT_READ_YET = Symbol('not read yet');

/** A path of the target with every link in it resolved inside the view (as a walk from it reads it). */
export async function realPathOf(files: CachedFiles, path: string): Promise<string> {
  const links = new Map<string, string | undefined>();
  // resolveInRoot reads links synchronously: each link it asks for and has not been read yet is
  // read and the resolution starts over (a few rounds: one per link on the way).
  for (;;) {
    let wanted: string | undefined;
    try {
      return resolveInRoot(path, (candidate) => {
        if (links.has(candidate)) return links.get(candidate);
        wanted = candidate;
        throw NOT_READ_YET;
      });
    } catch (error) {
      if (error !== NOT_READ_YET || wanted === undefined) throw error;
    }
    const info = await files.stat(wanted);
    links.set(wanted, info?.type === 'symlink' ? await files.target.readLink(wanted) : undefined);
  }
}

/** The boundary of an object's walk from `start`; the mount table is read once per scan. */
export async function walkBoundary(object: OvalObject, start: string, files: CachedFiles): Promise<WalkBoundary> {
  const mode = recurseFileSystem(object);
  if (mode === 'all') return NO_BOUNDARY;
  let mounts: MountedFilesystem[];
  try {
    mounts = await files.mounts();
  } catch (error) {
    throw new OvalCollectionError(`${object.id}: recurse_file_system="${mode}" needs the target's mount table, which could not be read: ${(error as Error).message}`);
  }
  if (mounts.length === 0) return NO_BOUNDARY;
  // A start whose links loop or leave the view gives no walk anyway: judged by its own path.
  const realStart = await realPathOf(files, start).catch(() => start);
  return boundaryOf(start, realStart, mounts, mode);
}
