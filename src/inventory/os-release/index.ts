/**
 * Operating system identification from `etc/os-release`, `usr/lib/os-release`,
 * `etc/alpine-release` and `etc/debian_version`. Each file gives what it knows; resolve.ts
 * combines them with the right precedence.
 *
 * os-release is shell-compatible `KEY=value` with single quotes, double quotes (with backslash
 * escapes of `$ " \ \``) and unquoted values; anything else on a line is ignored.
 */
import type { Analyzer, AnalyzerResult } from '../analyzer.js';
import type { OsInfo } from '../../model/package.js';

/** Parses os-release assignments. Unknown syntax is skipped, never thrown. */
export function parseOsRelease(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, key, raw] = match as unknown as [string, string, string];
    let value: string;
    if (raw.startsWith('"')) {
      const end = raw.lastIndexOf('"');
      if (end <= 0) continue;
      value = raw.slice(1, end).replace(/\\([$"\\`])/g, '$1');
    } else if (raw.startsWith("'")) {
      const end = raw.lastIndexOf("'");
      if (end <= 0) continue;
      value = raw.slice(1, end);
    } else {
      value = raw.replace(/\\(.)/g, '$1');
    }
    values.set(key, value);
  }
  return values;
}

function osFromOsRelease(text: string): OsInfo | undefined {
  const values = parseOsRelease(text);
  const family = values.get('ID')?.toLowerCase();
  if (!family) return undefined;
  const version = values.get('VERSION_ID') ?? '';
  let codename = values.get('VERSION_CODENAME');
  if (!codename) codename = /\(([A-Za-z]+)\)/.exec(values.get('VERSION') ?? '')?.[1]?.toLowerCase();
  const idLike = values.get('ID_LIKE')?.split(/\s+/).filter(Boolean);
  return {
    family,
    version,
    ...(codename ? { codename } : {}),
    ...(values.get('PRETTY_NAME') ? { prettyName: values.get('PRETTY_NAME') as string } : {}),
    ...(idLike?.length ? { idLike } : {}),
    ...(values.get('PLATFORM_ID') ? { platformId: values.get('PLATFORM_ID') as string } : {}),
  };
}

export const osReleaseAnalyzer: Analyzer = {
  id: 'os-release',
  version: 2,
  patterns: ['etc/os-release', 'usr/lib/os-release', 'etc/alpine-release', 'etc/debian_version'],
  maxFileSize: 64 * 1024,
  analyze({ path, content }): AnalyzerResult {
    const text = content.toString('utf8');
    if (path.endsWith('os-release')) {
      const os = osFromOsRelease(text);
      return os ? { os } : { warnings: ['no ID in os-release; ignored'] };
    }
    const first = text.split(/\r?\n/)[0]?.trim() ?? '';
    if (first === '') return {};
    if (path === '/etc/alpine-release') return { os: { family: 'alpine', version: first } };
    return { os: { family: 'debian', version: first } };
  },
};
