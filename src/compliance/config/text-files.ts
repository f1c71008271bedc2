/**
 * Reading configuration text from a target: bounded, refusing binary content, split into numbered
 * lines, and globs expanded on the target (`/etc/ssh/sshd_config.d/*.conf`) in the order the
 * programs that read them use (sorted by name).
 */
import picomatch from 'picomatch';
import { TargetReadError } from '../../image/fs/fs-view.js';
import { MAX_CHECKED_FILE_BYTES, type Target } from '../targets/target.js';

export interface NumberedLine {
  file: string;
  line: number;
  text: string;
}

const GLOB_CHARS = /[*?[]/;
/** Bound on files one glob may name, so a hostile tree cannot make a check read without end. */
const MAX_GLOB_MATCHES = 10_000;

export async function readText(target: Target, file: string): Promise<string> {
  const bytes = await target.readFile(file, MAX_CHECKED_FILE_BYTES);
  if (bytes.subarray(0, 8192).includes(0)) throw new TargetReadError(file, 'not-a-file', 'holds binary data, not text');
  return bytes.toString('utf8');
}

export function numberLines(file: string, text: string): NumberedLine[] {
  return text.split(/\r?\n/).map((line, index) => ({ file, line: index + 1, text: line }));
}

export async function readLines(target: Target, file: string): Promise<NumberedLine[]> {
  return numberLines(file, await readText(target, file));
}

/** Reads a file's lines, or undefined when it does not exist. */
export async function readLinesIfPresent(target: Target, file: string): Promise<NumberedLine[] | undefined> {
  try {
    return await readLines(target, file);
  } catch (error) {
    if (error instanceof TargetReadError && error.failure === 'not-found') return undefined;
    throw error;
  }
}

/** The existing paths a pattern names, sorted; a pattern without glob characters names itself if present. */
export async function expandGlob(target: Target, pattern: string): Promise<string[]> {
  const segments = pattern.split('/').filter((segment) => segment !== '');
  let current = ['/'];
  for (const segment of segments) {
    const next: string[] = [];
    for (const folder of current) {
      if (!GLOB_CHARS.test(segment)) {
        next.push(folder === '/' ? `/${segment}` : `${folder}/${segment}`);
        continue;
      }
      const names = await target.listDir(folder);
      const matches = picomatch(segment, { dot: false });
      for (const name of names ?? []) if (matches(name)) next.push(folder === '/' ? `/${name}` : `${folder}/${name}`);
      if (next.length > MAX_GLOB_MATCHES) throw new TargetReadError(pattern, 'too-large', `names more than ${MAX_GLOB_MATCHES} files`);
    }
    current = next;
  }
  const existing: string[] = [];
  for (const candidate of current.sort()) if (await target.stat(candidate)) existing.push(candidate);
  return existing;
}

/** Strips a `#` comment and surrounding blanks. */
export function withoutComment(text: string): string {
  const hash = text.indexOf('#');
  return (hash === -1 ? text : text.slice(0, hash)).trim();
}
