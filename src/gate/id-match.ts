/**
 * Matching advisory ids as users write them (exact ids or globs such as `CVE-2024-*`) against a
 * finding through every id it is known by: its primary id, its aliases and its advisory ids.
 */
import picomatch from 'picomatch';
import type { Finding } from '../model/finding.js';

export type IdMatcher = (id: string) => boolean;

export function compileIdPattern(pattern: string): IdMatcher {
  const upper = pattern.trim().toUpperCase();
  if (!/[*?[\]]/.test(upper)) return (id) => id.toUpperCase() === upper;
  const regex = picomatch.makeRe(upper, { nocase: true, dot: true });
  return (id) => regex.test(id.toUpperCase());
}

export function findingIds(finding: Finding): string[] {
  return [finding.id, ...finding.aliases, ...finding.advisoryIds];
}

/** The first of `patterns` that names the finding by any of its ids, or undefined. */
export function matchingIdPattern(finding: Finding, patterns: readonly { text: string; match: IdMatcher }[]): string | undefined {
  const ids = findingIds(finding);
  return patterns.find((pattern) => ids.some((id) => pattern.match(id)))?.text;
}
