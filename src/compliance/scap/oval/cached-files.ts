/**
 * The filesystem as one evaluation session sees it: every stat, folder listing and file read is
 * done once and shared by every object (OpenSCAP walks the tree again for each rule; this is the
 * "collect once" of the SCAP issue). And the resolution of OVAL file objects — path/filename or
 * filepath, with equals or pattern match, and the recurse behaviors — into the files they name.
 * Paths are the target's; nothing is read outside the target's view, /proc and /sys are never
 * walked (a pattern is searched from its literal prefix, as OpenSCAP does).
 */
import { MAX_CHECKED_FILE_BYTES, TargetReadError, type FileInfo, type Target } from '../../targets/target.js';
import { OvalCollectionError, entityNamed, type CollectContext } from './test-types/test-type.js';
import type { OvalEntity, OvalObject } from './model.js';

/** Most directory entries one session walks; past this the object is an error, never a silent part. */
export const MAX_WALKED_ENTRIES = 2_000_000;
/** Symbolic links to folders followed along one recursion path (Linux stops at 40 in one lookup). */
export const MAX_LINKS_FOLLOWED = 8;
const NEVER_WALKED = new Set(['/proc', '/sys', '/dev', '/run']);

export interface ResolvedFile {
  filepath: string;
  path: string;
  /** Undefined for a directory item (filename xsi:nil). */
  filename?: string;
  info: FileInfo;
}

export class CachedFiles {
  private readonly stats = new Map<string, Promise<FileInfo | undefined>>();
  private readonly listings = new Map<string, Promise<string[] | undefined>>();
  private readonly contents = new Map<string, Promise<Buffer>>();
  private walked = 0;

  constructor(private readonly target: Target) {}

  stat(path: string): Promise<FileInfo | undefined> {
    let value = this.stats.get(path);
    if (!value) {
      value = this.target.stat(path);
      this.stats.set(path, value);
    }
    return value;
  }

  listDir(path: string): Promise<string[] | undefined> {
    let value = this.listings.get(path);
    if (!value) {
      value = this.target.listDir(path).then((names) => {
        this.walked += names?.length ?? 0;
        if (this.walked > MAX_WALKED_ENTRIES) throw new OvalCollectionError(`more than ${MAX_WALKED_ENTRIES} directory entries walked`);
        return names;
      });
      this.listings.set(path, value);
    }
    return value;
  }

  readFile(path: string): Promise<Buffer> {
    let value = this.contents.get(path);
    if (!value) {
      value = this.target.readFile(path, MAX_CHECKED_FILE_BYTES);
      this.contents.set(path, value);
    }
    return value;
  }

  /** A file's text, or undefined when it vanished or is not a regular file. */
  async readText(path: string): Promise<string | undefined> {
    try {
      return (await this.readFile(path)).toString('utf8');
    } catch (error) {
      if (error instanceof TargetReadError && (error.failure === 'not-found' || error.failure === 'not-a-file')) return undefined;
      throw error;
    }
  }
}

export function joinPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

function splitPath(filepath: string): [string, string] {
  const slash = filepath.lastIndexOf('/');
  return [slash <= 0 ? '/' : filepath.slice(0, slash), filepath.slice(slash + 1)];
}

/** The folder a pattern's matches must all lie under: its literal prefix up to the last slash. */
export function literalFolder(pattern: string): string {
  if (!pattern.startsWith('^')) return '/';
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next === undefined || /[0-9A-Za-z]/.test(next)) break;
      prefix += next;
      i++;
    } else if ('.[]()*+?{}|^$'.includes(char)) {
      if ('*?{'.includes(char)) prefix = prefix.slice(0, -1);
      break;
    } else prefix += char;
  }
  const slash = prefix.lastIndexOf('/');
  return slash <= 0 ? '/' : prefix.slice(0, slash);
}

/** Every path under `start` (itself included) for which `keep` holds, depth-first; symbolic links are not followed. */
async function walk(files: CachedFiles, start: string, keep: (path: string, info: FileInfo) => boolean, signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const stack = [start];
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const path = stack.pop() as string;
    const info = await files.stat(path);
    if (!info) continue;
    if (keep(path, info)) found.push(path);
    if (info.type !== 'directory' || (NEVER_WALKED.has(path) && path !== start)) continue;
    const names = (await files.listDir(path)) ?? [];
    const children = names.map((name) => joinPath(path, name));
    // Warm the stat cache for the whole folder at once: the view answers several stats in parallel.
    await Promise.all(children.map((child) => files.stat(child).catch(() => undefined)));
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as string);
  }
  return found;
}

async function candidates(entity: OvalEntity, context: CollectContext, wantType: 'directory' | 'file'): Promise<string[]> {
  const values = await context.entityValues(entity);
  if (entity.operation === 'equals') return [...new Set(values)];
  if (entity.operation === 'pattern match') {
    const found = new Set<string>();
    for (const pattern of values) {
      const regex = context.pcre.compile(pattern);
      const keep = (path: string, info: FileInfo): boolean => (wantType === 'directory' ? info.type === 'directory' : info.type !== 'directory') && regex.test(path);
      for (const path of await walk(context.files, literalFolder(pattern), keep, context.signal)) found.add(path);
    }
    return [...found].sort();
  }
  throw new OvalCollectionError(`${entity.name} with operation "${entity.operation}" is not supported for file objects`);
}

/** Folders below (recurse_direction down) or above (up) a folder, to max_depth (-1: unlimited). */
async function recurse(folder: string, object: OvalObject, context: CollectContext): Promise<string[]> {
  const direction = object.behaviors.recurse_direction ?? 'none';
  const maxDepth = Number(object.behaviors.max_depth ?? '-1');
  const recurseKind = object.behaviors.recurse ?? 'symlinks and directories';
  const folders = [folder];
  if (direction === 'none' || maxDepth === 0) return folders;
  if (direction === 'up') {
    let current = folder;
    for (let depth = 1; current !== '/' && (maxDepth < 0 || depth <= maxDepth); depth++) {
      current = splitPath(current)[0];
      folders.push(current);
    }
    return folders;
  }
  // [folder, depth, links followed on the way]: a link loop (a/b -> ..) makes new paths forever,
  // so no more than MAX_LINKS_FOLLOWED links are followed along one path.
  const queue: [string, number, number][] = [[folder, 0, 0]];
  const seen = new Set([folder]);
  for (let next = 0; next < queue.length; next++) {
    if (next % 256 === 0) context.signal?.throwIfAborted();
    const [current, depth, links] = queue[next] as [string, number, number];
    if (maxDepth >= 0 && depth >= maxDepth) continue;
    const children = ((await context.files.listDir(current)) ?? []).map((name) => joinPath(current, name));
    const infos = await Promise.all(children.map((child) => context.files.stat(child)));
    for (const [index, child] of children.entries()) {
      const info = infos[index];
      let isFolder = info?.type === 'directory' && recurseKind !== 'symlinks';
      const viaLink = info?.type === 'symlink';
      if (viaLink && recurseKind !== 'directories' && links < MAX_LINKS_FOLLOWED) {
        // Follow a link to a folder only inside the view; the view refuses links out of the root.
        isFolder = (await context.files.listDir(child).catch(() => undefined)) !== undefined;
      }
      if (isFolder && !seen.has(child) && !NEVER_WALKED.has(child)) {
        seen.add(child);
        folders.push(child);
        queue.push([child, depth + 1, viaLink ? links + 1 : links]);
      }
    }
  }
  return folders;
}

/** The files (or, with filename nil, folders) an OVAL file-style object names, each once, in path order. */
export async function resolveFileObject(object: OvalObject, context: CollectContext): Promise<ResolvedFile[]> {
  const filepath = entityNamed(object, 'filepath');
  const resolved: ResolvedFile[] = [];
  if (filepath) {
    for (const path of await candidates(filepath, context, 'file')) {
      const info = await context.files.stat(path);
      const [folder, name] = splitPath(path);
      if (info) resolved.push({ filepath: path, path: folder, filename: name, info });
    }
    return resolved;
  }
  const pathEntity = entityNamed(object, 'path');
  if (!pathEntity) throw new OvalCollectionError(`${object.id}: neither filepath nor path`);
  const filename = entityNamed(object, 'filename');
  const folders = new Set<string>();
  for (const start of await candidates(pathEntity, context, 'directory')) {
    const info = await context.files.stat(start);
    if (!info) continue;
    for (const folder of await recurse(start, object, context)) folders.add(folder);
  }
  for (const folder of [...folders].sort()) {
    if (!filename || filename.nil) {
      const info = await context.files.stat(folder);
      if (info) resolved.push({ filepath: folder, path: folder, info });
      continue;
    }
    if (filename.operation === 'equals' && !filename.varRef) {
      const path = joinPath(folder, filename.value);
      const info = await context.files.stat(path);
      if (info) resolved.push({ filepath: path, path: folder, filename: filename.value, info });
      continue;
    }
    const names: string[] = [];
    for (const name of (await context.files.listDir(folder)) ?? []) if (await context.entityMatches(filename, name)) names.push(name);
    const infos = await Promise.all(names.map((name) => context.files.stat(joinPath(folder, name))));
    for (const [index, name] of names.entries()) {
      const info = infos[index];
      if (info) resolved.push({ filepath: joinPath(folder, name), path: folder, filename: name, info });
    }
  }
  return resolved;
}
