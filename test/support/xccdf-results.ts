/**
 * Rule results out of an XCCDF 1.2 results document (OpenSCAP's `--results`, Tollgate's
 * `--xccdf-results`), read the same way for both tools so they are compared like for like.
 */
import { readFile } from 'node:fs/promises';

/** Rule id -> result of every rule-result except notselected. */
export async function readRuleResults(file: string): Promise<Map<string, string>> {
  const text = await readFile(file, 'utf8');
  const results = new Map<string, string>();
  for (const match of text.matchAll(/<(?:[\w.-]+:)?rule-result\b[^>]*\bidref="([^"]+)"[^>]*>\s*<(?:[\w.-]+:)?result>([^<]+)<\/(?:[\w.-]+:)?result>/g)) {
    if (match[2] !== 'notselected' && match[1]) results.set(match[1], match[2] ?? '');
  }
  return results;
}
