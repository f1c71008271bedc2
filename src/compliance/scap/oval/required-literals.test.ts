/**
 * The literal prefilter of pattern walks never refuses a subject the PCRE engine matches: checked
 * on the shapes of path patterns the SSG content uses and on random patterns (fast-check), with the
 * PCRE engine as the oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPcre } from '../pcre/index.js';
import { mayMatch, requiredLiterals } from './required-literals.js';

describe('requiredLiterals', () => {
  it('finds the literal text each alternative of a content path pattern needs', () => {
    expect(requiredLiterals('/proc/sys/kernel/(osrelease|arch)')).toEqual(['/proc/sys/kernel/']);
    expect(requiredLiterals('^\\/(|s)bin|^\\/usr\\/(|local\\/)(|s)bin|^\\/usr\\/libexec')).toEqual(['bin', '/usr/', '/usr/libexec']);
    expect(requiredLiterals('^/etc/ssh/sshd_config\\.d/.*\\.conf$')).toEqual(['/etc/ssh/sshd_config.d/']);
    expect(requiredLiterals('^/etc/sysctl.d/[^/]+\\.conf$')).toEqual(['/etc/sysctl']);
    // An optional or repeated character is not required as written.
    expect(requiredLiterals('^/etc/cron\\.d?/x')).toEqual(['/etc/cron.']);
    expect(requiredLiterals('ab{2}c')).toEqual(['a']);
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
    const atom = fc.oneof(
      fc.constantFrom('a', 'b', '/', '\\.', '\\/', '.', '\\d', '[ab]', '[^a]', '(a|b)', '(|b)', '(ab)'),
      fc.constantFrom('a', 'b', '/').map((char) => `${char}`),
    );
    const piece = fc.tuple(atom, fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{1,2}')).map(([a, q]) => `${a}${q}`);
    const branch = fc.tuple(fc.constantFrom('', '^'), fc.array(piece, { minLength: 1, maxLength: 6 }), fc.constantFrom('', '$')).map(([start, pieces, end]) => `${start}${pieces.join('')}${end}`);
    const pattern = fc.array(branch, { minLength: 1, maxLength: 3 }).map((branches) => branches.join('|'));
    const subject = fc.stringMatching(/^[ab/.1]{0,8}$/);
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
