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

function splitDirective(text: string): { key: string; value: string } | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const match = /^([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(trimmed);
  if (!match) return { key: trimmed.toLowerCase(), value: '' };
  let value = (match[2] as string).trim();
  // A trailing comment is not part of the value; quoted values keep their spaces.
  if (!value.startsWith('"')) value = value.replace(/\s+#.*$/, '');
  else value = value.replace(/^"([^"]*)".*$/, '$1');
  return { key: (match[1] as string).toLowerCase(), value };
}

export async function parseSshdConfig(target: Target, file = '/etc/ssh/sshd_config'): Promise<SshdConfig> {
  const config: SshdConfig = { global: new Map(), matched: [], files: [] };
  const visit = async (path: string, lines: NumberedLine[], depth: number, inheritedMatch: string | undefined): Promise<void> => {
    config.files.push(path);
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
          for (const included of await expandGlob(target, absolute)) await visit(included, await readLines(target, included), depth + 1, match);
        }
        continue;
      }
      const setting: ConfigSetting = { value: directive.value, file: line.file, line: line.line };
      if (match !== undefined) config.matched.push({ ...setting, key: directive.key, match });
      else if (!config.global.has(directive.key)) config.global.set(directive.key, setting);
    }
  };
  await visit(file, await readLines(target, file), 0, undefined);
  return config;
}
