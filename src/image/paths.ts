/**
 * Paths inside an image root. Entry names from archives are normalised to absolute form
 * (`/etc/os-release`); a name that climbs out of the root is refused. Symlinks are followed with
 * the image root as `/`, never the host's: an absolute target is root-relative, and a relative
 * target that climbs above the root is refused rather than clamped, because no honest image needs
 * the scanner to follow such a link.
 *
 * Never touches the filesystem: resolution asks the caller for link targets.
 */
import { HostileInputError } from '../errors.js';

/** Maximum symlinks followed while resolving one path, as the Linux kernel's limit. */
export const MAX_SYMLINK_HOPS = 40;

/**
 * Normalises an archive entry name to `/a/b` (no `.`, no empty segments, no trailing slash).
 * Returns `/` for the root itself. Throws HostileInputError for a `..` segment.
 */
export function normalizeEntryPath(name: string, context: string): string {
  if (name.includes('\0')) throw new HostileInputError(`${context}: entry name contains a NUL byte`);
  const parts: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      throw new HostileInputError(`${context}: entry "${name}" climbs out of the image root with ".."`);
    }
    parts.push(segment);
  }
  return `/${parts.join('/')}`;
}

/** The folder part of an absolute path: `/a/b` -> `/a`, `/a` -> `/`. */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** True when `path` is `folder` itself or lies below it. */
export function isSameOrBelow(path: string, folder: string): boolean {
  if (folder === '/') return true;
  return path === folder || path.startsWith(`${folder}/`);
}

/**
 * Resolves `path` inside the root, following symlinks in every component.
 * `readLink(p)` returns the raw target when `p` is a symlink, undefined otherwise.
 * Throws HostileInputError on a loop or on a link that climbs above the root.
 */
export function resolveInRoot(path: string, readLink: (path: string) => string | undefined): string {
  let pending = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift() as string;
    if (segment === '..') {
      if (resolved.length === 0) {
        throw new HostileInputError(`symlink while resolving "${path}" points above the image root`);
      }
      resolved.pop();
      continue;
    }
    if (segment === '.' || segment === '') continue;
    resolved.push(segment);
    const current = `/${resolved.join('/')}`;
    const target = readLink(current);
    if (target === undefined) continue;
    hops += 1;
    if (hops > MAX_SYMLINK_HOPS) {
      throw new HostileInputError(`too many levels of symbolic links resolving "${path}" (a loop at "${current}"?)`);
    }
    resolved.pop();
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter((part) => part !== '' && part !== '.'), ...pending];
  }
  return `/${resolved.join('/')}`;
}
