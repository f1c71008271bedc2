import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPcre, PcreSyntaxError } from './index.js';

describe('PCRE through WebAssembly', () => {
  it('accepts what JavaScript RegExp rejects: mid-pattern (?i) and (?-i) toggles, \\h, [^]]', async () => {
    const pcre = await loadPcre();
    const pattern = pcre.compile('^\\s*(?i)foo(?-i)Bar[^]]\\h+(\\d+)', { multiline: true });
    const match = pattern.exec('x\n  FOOBarz \t 42\n');
    expect(match?.groups).toEqual(['  FOOBarz \t 42', '42']);
    expect(pattern.test('  FOOBAR] 1')).toBe(false);
    const inlineToggle = '(?i)foo';
    expect(() => new RegExp(inlineToggle)).toThrow();
  });

  it('multiline decides whether ^ and $ match at line breaks; dotall whether . crosses them', async () => {
    const pcre = await loadPcre();
    expect(pcre.compile('^b$').test('a\nb\nc')).toBe(false);
    expect(pcre.compile('^b$', { multiline: true }).test('a\nb\nc')).toBe(true);
    expect(pcre.compile('a.b').test('a\nb')).toBe(false);
    expect(pcre.compile('a.b', { dotall: true }).test('a\nb')).toBe(true);
  });

  it('matches an empty subject and finds every match, advancing past empty ones', async () => {
    const pcre = await loadPcre();
    expect(pcre.compile('^$').test('')).toBe(true);
    expect(pcre.compile('x*').matchAll('axxb').map((m) => m.groups[0])).toEqual(['', 'xx', '', '']);
    expect(pcre.compile('^(\\w+)=(\\d+)?$', { multiline: true }).matchAll('a=1\nb=\nc=3').map((m) => m.groups)).toEqual([
      ['a=1', 'a', '1'],
      ['b=', 'b', undefined],
      ['c=3', 'c', '3'],
    ]);
  });

  it('rejects a bad pattern with its offset, never crashes', async () => {
    const pcre = await loadPcre();
    expect(() => pcre.compile('(abc')).toThrow(PcreSyntaxError);
    try {
      pcre.compile('a(?<');
    } catch (error) {
      expect((error as PcreSyntaxError).offset).toBeGreaterThan(0);
    }
  });

  it('finds exactly the matches RegExp finds for patterns both dialects read the same (property)', async () => {
    const pcre = await loadPcre();
    // Anchors are left out: PCRE's ^ does not match after a final newline, RegExp's does (tested above).
    const atoms = fc.constantFrom('a', 'b', '\\d', '[ab]', '.', 'a*', 'b+', '(a|b)', '\\s', 'a?', '[^a]');
    fc.assert(
      fc.property(fc.array(atoms, { minLength: 1, maxLength: 6 }), fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '\n'), maxLength: 20 }), (parts, subject) => {
        const source = parts.join('');
        const expected = [...subject.matchAll(new RegExp(source, 'gm'))].map((m) => [m.index, m[0]]);
        const actual = pcre.compile(source, { multiline: true }).matchAll(subject).map((m) => [m.start, m.groups[0]]);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('test() agrees with exec() on every subject, short or long, one after the other (property)', async () => {
    const pcre = await loadPcre();
    const patterns = ['^\\w+', 'a$', '^[^.].*', '(?i)AB', 'b{2,}', '^$'].map((source) => pcre.compile(source));
    const longSubject = (unit: string): fc.Arbitrary<string> => fc.tuple(fc.string({ unit: fc.constantFrom(unit), minLength: 16 * 1024, maxLength: 16 * 1024 + 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '\n'), maxLength: 4 })).map(([head, tail]) => head + tail);
    const subject = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', 'A', '.', '_', ' ', '\n'), maxLength: 12 }), longSubject('x'), longSubject('b'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(patterns.length - 1), subject), { minLength: 1, maxLength: 8 }), (cases) => {
        for (const [which, text] of cases) {
          const pattern = patterns[which] as (typeof patterns)[number];
          expect(pattern.test(text)).toBe(pattern.exec(text) !== undefined);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a subject too large for the engine is a clear error, not a crash', async () => {
    const pcre = await loadPcre();
    expect(() => pcre.compile('x').test('a'.repeat(20 * 1024 * 1024))).toThrow(/no memory/);
    expect(pcre.compile('x').test('x')).toBe(true);
  });
});
