/**
 * SCAP content installed in the usual places (`/usr/share/xml/scap/ssg/content/`, where Debian's
 * ssg-* and RHEL's scap-security-guide put it), for `tollgate compliance policies`. Listing reads
 * each data stream's profile ids and titles with a light textual scan instead of a full parse: a
 * full parse of every shipped data stream takes seconds, and a listing evaluates nothing (the
 * file is parsed, hostile-safe, when it is used as a policy).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const SCAP_CONTENT_DIRS = ['/usr/share/xml/scap/ssg/content', '/usr/share/scap-security-guide'];
const MAX_LISTED_BYTES = 64 * 1024 * 1024;

export interface InstalledScapContent {
  file: string;
  profiles: { id: string; title: string }[];
}

function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Profile ids and titles of a data stream's text (the Profile elements' first title). */
export function profilesInText(text: string): { id: string; title: string }[] {
  const profiles: { id: string; title: string }[] = [];
  const profile = /<(?:[\w.-]+:)?Profile\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?Profile>/g;
  for (let match = profile.exec(text); match; match = profile.exec(text)) {
    const title = /<(?:[\w.-]+:)?title\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?title>/.exec(match[2] ?? '')?.[1] ?? '';
    profiles.push({ id: match[1] ?? '', title: decode(title.replace(/\s+/g, ' ').trim()) });
  }
  return profiles;
}

/** Source data streams (`*-ds.xml`) in the given folders, with their profiles; missing folders are skipped. */
export function installedScapContent(dirs: readonly string[] = SCAP_CONTENT_DIRS): InstalledScapContent[] {
  const found: InstalledScapContent[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((candidate) => candidate.endsWith('-ds.xml')).sort()) {
      const file = path.join(dir, name);
      try {
        if (statSync(file).size > MAX_LISTED_BYTES) continue;
        found.push({ file, profiles: profilesInText(readFileSync(file, 'utf8')) });
      } catch {
        // An unreadable file is not listed; using it as a policy names the error.
      }
    }
  }
  return found;
}
