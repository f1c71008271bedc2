/**
 * PAM service files (/etc/pam.d/<service>): `type control module [arguments]` lines, with `-type`
 * (ignore a missing module), bracketed controls, `@include <file>` (Debian) and the `include` and
 * `substack` controls followed into the files they name, so a check sees the stack PAM runs.
 */
import type { Target } from '../targets/target.js';
import { TargetReadError } from '../../image/fs/fs-view.js';
import { readLines, withoutComment } from './text-files.js';

export interface PamEntry {
  type: string;
  control: string;
  /** The module's file name (`pam_unix.so`), whatever folder the line names. */
  module: string;
  arguments: string[];
  file: string;
  line: number;
}

const MAX_INCLUDE_DEPTH = 16;

function tokens(text: string): string[] {
  const result: string[] = [];
  const pattern = /\[[^\]]*\]|\S+/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) result.push(match[0]);
  return result;
}

export async function parsePamService(target: Target, file: string, depth = 0): Promise<PamEntry[]> {
  if (depth > MAX_INCLUDE_DEPTH) throw new TargetReadError(file, 'failed', `PAM includes nested deeper than ${MAX_INCLUDE_DEPTH} levels (a loop?)`);
  const entries: PamEntry[] = [];
  const folder = file.slice(0, file.lastIndexOf('/')) || '/';
  // Continuation lines (a trailing backslash) are joined first.
  const lines = await readLines(target, file);
  for (let index = 0; index < lines.length; index += 1) {
    const current = lines[index];
    if (!current) continue;
    let text = current.text;
    while (text.endsWith('\\') && index + 1 < lines.length) text = text.slice(0, -1) + ' ' + (lines[++index]?.text ?? '');
    text = withoutComment(text);
    if (text === '') continue;
    const parts = tokens(text);
    if (parts[0] === '@include' && parts[1]) {
      entries.push(...(await parsePamService(target, `${folder}/${parts[1]}`, depth + 1)));
      continue;
    }
    if (parts.length < 3) continue;
    const type = (parts[0] as string).replace(/^-/, '').toLowerCase();
    const control = parts[1] as string;
    if (control === 'include' || control === 'substack') {
      entries.push(...(await parsePamService(target, `${folder}/${parts[2]}`, depth + 1)).filter((entry) => entry.type === type));
      continue;
    }
    const modulePath = parts[2] as string;
    entries.push({ type, control, module: modulePath.slice(modulePath.lastIndexOf('/') + 1), arguments: parts.slice(3), file: current.file, line: current.line });
  }
  return entries;
}
