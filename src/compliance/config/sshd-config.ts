/**
 * sshd_config with sshd's own semantics: keywords are case-insensitive, the first value given for
 * a keyword wins, `Include` reads files (globs, relative to /etc/ssh) in place, and lines after a
 * `Match` apply only to the connections it matches, so they never count as the global setting.
 * A `Match` block opened in an included file ends with that file.
 */
import { expandGlob, readLines, type NumberedLine } from './text-files.js';
import type { Target } from '../targets/target.js';
import { TargetReadError } from '../../image/fs/fs-view.js';

export interface ConfigSetting {
  value: string;
  file: string;
  line: number;
  /** The `Match` criteria the line sits under; undefined for global lines. */
  match?: string;
}

export interface SshdConfig {
  /** Global settings, first one of each keyword (lower-cased). */
  global: Map<string, ConfigSetting>;
  /** Every setting under a Match block, in order. */
  matched: (ConfigSetting & { key: string })[];
  files: string[];
}

const MAX_INCLUDE_DEPTH = 16;
/** Files one sshd_config may pull in through Include, and the bytes they may hold in all. */
export const MAX_INCLUDED_FILES = 512;
export const MAX_INCLUDED_BYTES = 16 * 1024 * 1024;

function splitDirective(text: string): { key: string; value: string } | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const match = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(trimmed);
  if (!match) return { key: trimmed.toLowerCase(), value: '' };
  let value = (match[2] as string).trim();
  // A trailing comment is not part of the value; quoted values keep their spaces.
  // By index: /\s+#.*$/ costs quadratic time on a value of many spaces.
  if (!value.startsWith('"')) {
    const comment = /\s#/.exec(value);
    if (comment) value = value.slice(0, comment.index).trimEnd();
  }
  else value = value.replace(/^"([^"]*)".*$/, '$1');
  return { key: (match[1] as string).toLowerCase(), value };
}

/**
 * Reads `file` and what it includes. Includes are bounded: nesting depth, distinct files and their
 * total size; a file included again under the same Match context adds nothing (the first value of
 * each keyword already won), so it is read once, and each glob is expanded once. 2,000 Include
 * lines each naming 2,000 files cost 2,000 reads, not 4 million.
 */
export async function parseSshdConfig(target: Target, file = '/etc/ssh/sshd_config'): Promise<SshdConfig> {
  const config: SshdConfig = { global: new Map(), matched: [], files: [] };
  const globs = new Map<string, string[]>();
  const visited = new Set<string>();
  const distinct = new Set<string>();
  let bytes = 0;
  const readBounded = async (path: string, from: string): Promise<NumberedLine[]> => {
    if (!distinct.has(path)) {
      distinct.add(path);
      if (distinct.size > MAX_INCLUDED_FILES) throw new TargetReadError(from, 'failed', `Include pulls in more than ${MAX_INCLUDED_FILES} files`);
    }
    const lines = await readLines(target, path);
    for (const line of lines) bytes += line.text.length + 1;
    if (bytes > MAX_INCLUDED_BYTES) throw new TargetReadError(from, 'failed', `Include pulls in more than ${MAX_INCLUDED_BYTES / 1024 / 1024} MiB of configuration`);
    return lines;
  };
  const ancestors: string[] = [];
  const visit = async (path: string, lines: NumberedLine[], depth: number, inheritedMatch: string | undefined): Promise<void> => {
    config.files.push(path);
    ancestors.push(path);
    let match = inheritedMatch;
    for (const line of lines) {
      const directive = splitDirective(line.text);
      if (!directive) continue;
      if (directive.key === 'match') {
        match = directive.value.toLowerCase() === 'all' ? undefined : directive.value;
        continue;
      }
      if (directive.key === 'include') {
        if (depth >= MAX_INCLUDE_DEPTH) throw new TargetReadError(path, 'failed', `Include nested deeper than ${MAX_INCLUDE_DEPTH} levels (a loop?)`);
        for (const pattern of directive.value.split(/\s+/).filter(Boolean)) {
          const absolute = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
          let expanded = globs.get(absolute);
          if (!expanded) {
            expanded = await expandGlob(target, absolute);
            globs.set(absolute, expanded);
          }
          for (const included of expanded) {
            if (ancestors.includes(included)) throw new TargetReadError(path, 'failed', `Include loop: ${included} includes itself`);
            const context = `${included}\u0000${match ?? ''}`;
            if (visited.has(context)) continue;
            visited.add(context);
            await visit(included, await readBounded(included, path), depth + 1, match);
          }
        }
        continue;
      }
      const setting: ConfigSetting = { value: directive.value, file: line.file, line: line.line };
      if (match !== undefined) config.matched.push({ ...setting, key: directive.key, match });
      else if (!config.global.has(directive.key)) config.global.set(directive.key, setting);
    }
    ancestors.pop();
  };
  await visit(file, await readBounded(file, file), 0, undefined);
  return config;
}
