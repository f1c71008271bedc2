/**
 * The literal prefilter of pattern walks never refuses a subject the PCRE engine matches: checked
 * on the shapes of path patterns the SSG content uses and on random patterns (fast-check), with the
 * PCRE engine as the oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPcre } from '../pcre/index.js';
import { mayMatch, requiredLiterals, requiredPrefixes } from './required-literals.js';

/** Random patterns of a few alternatives (each starting with one of `starts`), and subjects over their alphabet. */
function randomPatterns(starts: readonly string[]): { pattern: fc.Arbitrary<string>; subject: fc.Arbitrary<string> } {
  const atom = fc.constantFrom('a', 'b', '/', '\\.', '\\/', '.', '\\d', '[ab]', '[^a]', '(a|b)', '(|b)', '(ab)', '(a/|b.)', '(ab|b(a|/))', '(a|^b)');
  const piece = fc.tuple(atom, fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{1,2}')).map(([a, q]) => `${a}${q}`);
  const branch = fc.tuple(fc.constantFrom(...starts), fc.array(piece, { minLength: 1, maxLength: 6 }), fc.constantFrom('', '$')).map(([start, pieces, end]) => `${start}${pieces.join('')}${end}`);
  return { pattern: fc.array(branch, { minLength: 1, maxLength: 3 }).map((branches) => branches.join('|')), subject: fc.stringMatching(/^[ab/.1]{0,8}$/) };
}

describe('requiredLiterals', () => {
  it('finds the literal text each alternative of a content path pattern needs', () => {
    expect(requiredLiterals('/proc/sys/kernel/(osrelease|arch)')).toEqual(['/proc/sys/kernel/']);
    expect(requiredLiterals('^\\/(|s)bin|^\\/usr\\/(|local\\/)(|s)bin|^\\/usr\\/libexec')).toEqual(['bin', '/usr/', '/usr/libexec']);
    expect(requiredLiterals('^/etc/ssh/sshd_config\\.d/.*\\.conf$')).toEqual(['/etc/ssh/sshd_config.d/']);
    expect(requiredLiterals('^/etc/sysctl.d/[^/]+\\.conf$')).toEqual(['/etc/sysctl']);
    // An optional or repeated character is not required as written.
    expect(requiredLiterals('^/etc/cron\\.d?/x')).toEqual(['/etc/cron.']);
    expect(requiredLiterals('ab{2}c')).toEqual(['a']);
    // A branch that is one group: a literal of one of its alternatives.
    expect(requiredLiterals('^(/etc/chrony/chrony.conf|/etc/chrony/chrony.d/.+\\.conf)$')).toEqual(['/etc/chrony/chrony', '/etc/chrony/chrony']);
    expect(requiredLiterals('^(a|.*)$')).toBeUndefined();
  });

  it('gives no condition where it cannot be sure: inline options, quoting, an alternative without a literal', () => {
    expect(requiredLiterals('(?i)^/etc/Passwd$')).toBeUndefined();
    expect(requiredLiterals('\\Q/etc\\E')).toBeUndefined();
    expect(requiredLiterals('^/etc/x|.*')).toBeUndefined();
    expect(requiredLiterals('^/etc/(x')).toBeUndefined();
    expect(mayMatch('.*')('anything')).toBe(true);
  });

  it('never refuses a subject the PCRE engine matches (random patterns and subjects)', async () => {
    const pcre = await loadPcre();
    const { pattern, subject } = randomPatterns(['', '^']);
    fc.assert(
      fc.property(pattern, fc.array(subject, { minLength: 1, maxLength: 8 }), (source, subjects) => {
        const regex = pcre.compile(source);
        const possible = mayMatch(source);
        for (const text of subjects) if (regex.test(text)) expect(possible(text), `${source} on ${text}`).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('requiredPrefixes', () => {
  it('expands the small literal groups of anchored content patterns', () => {
    expect(requiredPrefixes('^\\/(|s)bin|^\\/usr\\/(|local\\/)(|s)bin|^\\/usr\\/libexec')?.sort()).toEqual(['/bin', '/sbin', '/usr/bin', '/usr/libexec', '/usr/local/bin', '/usr/local/sbin', '/usr/sbin'].sort());
    expect(requiredPrefixes('^(/etc/chrony/chrony.conf|/etc/chrony/chrony.d/.+\\.conf)$')).toEqual(['/etc/chrony/chrony']);
    expect(requiredPrefixes('^(/etc/a\\.conf|/etc/b/.+)$')).toEqual(['/etc/a.conf', '/etc/b/']);
    expect(requiredPrefixes('^/etc/cron\\.d?/x')).toEqual(['/etc/cron.']);
    expect(requiredPrefixes('^/a+b')).toEqual(['/a']);
  });

  it('gives none for a pattern with an alternative that is not anchored', () => {
    expect(requiredPrefixes('/etc/(ssh|ssh/sshd_config.d)')).toBeUndefined();
    expect(requiredPrefixes('^/etc|/usr')).toBeUndefined();
    expect(requiredPrefixes('(?i)^/etc')).toBeUndefined();
  });

  it('every subject the PCRE engine matches starts with one of them (random anchored patterns)', async () => {
    const pcre = await loadPcre();
    const { pattern, subject } = randomPatterns(['^']);
    fc.assert(
      fc.property(pattern, fc.array(subject, { minLength: 1, maxLength: 8 }), (source, subjects) => {
        const regex = pcre.compile(source);
        const prefixes = requiredPrefixes(source);
        expect(prefixes).toBeDefined();
        for (const text of subjects) if (regex.test(text)) expect(prefixes?.some((prefix) => text.startsWith(prefix)), `${source} on ${text}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
