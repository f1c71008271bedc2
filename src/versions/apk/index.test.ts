import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHostileInput, checkTotalOrder } from '../test-support/properties.js';
import { apk } from './index.js';

/**
 * Cases from apk-tools' published version test data (`a op b`), a selection covering every rule:
 * leading zeros, letters, pre and post suffixes, repeated suffixes, commit hashes, revisions.
 */
const PUBLISHED = `
2.34 > 0.1.0_alpha
0.1.0_alpha2 > 0.1.0_alpha
1.1 > 1.1_alpha1
1.2.1 > 1.2
1.2 < 1.3_alpha
1.3_alpha2 < 1.3_alpha3
2.3.0b-r1 < 2.3.0b-r2
0.12.3 > 0.12
0.12 < 0.13_beta1
1.2.11 < 1.2.12.1
3.1_p16 < 3.1_p17
1.06-r6 < 006
006 > 1.0.0
1.2.2-r1 > 1.2.2
2.59 < 20050718-r1
3.9.8-r5 > 2.01.01_alpha10
1.0 > 0.99.3.20040818
1.00_beta2 > 0.9.2
7.15.1-r1 > 1.02
1.02 < 1.03-r1
4.2.52_p2-r1 < 4.2.52_p4-r2
1.05-r18 < 1.05-r19
20060720 > 3.0.20060720
2.5.1-r8 < 2.5.1a-r1
20040401 > 2.0.0_rc3-r1
3.0.0-r2 < 021109-r3
0.9.16-r1 < 3.9_pre20060124
3.9_pre20060124 > 0.01
1.1.7 < 6b-r7
0.10.0-r1 > 0.10.0
0.10.0 < 0.10.1_rc1
1.1a < 1.3a
0.15.1b-r2 > 0.15.1b
22.7.3-r1 > 22.7
2.1_pre20 < 2.1_pre26
2.10.1 > 02.08.01b
1.6d > 1.2.07.8
1.2.07.8 < 1.2.12.04
0.59s-r11 < 0.65
0.20070118 < 0.20070207_rc1
3.7_p1 > 1.3
4.5_p1-r1 > 4.5_p1
0.9.8c-r1 < 0.9.8d
1.7 < 1.7b
1.8.5 < 1.8.5_p2
0.98 < 1.00
2.9.11_pre20051101-r3 > 2.9.11_pre20051101
1.6.8_p12-r1 > 1.6.8_p9-r2
0.9.28-r2 < 0.9.28.1
104-r11 > 104-r9
20040406-r1 > 2.12r-r4
2.12r-r4 < 2.12r-r5
7.0.17 < 7.0.174
1.3-r0 < 1.3.1-r0
1.3_pre1-r1 < 1.3.2
1.0_p10-r0 > 1.0_p9-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
2.0.6 = 2.0.6
1.05 < 1.1
1.005 < 1.05
1.0 > 1
1.0_rc1 < 1.0
1.0_p1 > 1.0
1.0a > 1.0
1.0-r1 > 1.0
1.0.1 > 1.0a
1.0~1234 < 1.0~2345
1.0~1234-r1 < 1.0~2345-r0
1.0~1234-r1 > 1.0~1234-r0
`
  .trim()
  .split('\n')
  .map((line) => line.split(' ') as [string, string, string]);

const component = fc.constantFrom('0', '1', '2', '10', '01', '001', '9');
export const apkVersion = fc
  .tuple(
    fc.constantFrom('0', '1', '2', '3', '10'),
    fc.array(component, { maxLength: 3 }),
    fc.option(fc.constantFrom('a', 'b', 'z'), { nil: undefined }),
    fc.array(fc.tuple(fc.constantFrom('alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'), fc.option(fc.constantFrom('1', '2', '10'), { nil: undefined })), { maxLength: 2 }),
    fc.option(fc.constantFrom('1a2b', 'ff', '0'), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  )
  .map(([first, rest, letter, suffixes, hash, revision]) =>
    [first, ...rest.map((c) => `.${c}`), letter ?? '', ...suffixes.map(([name, n]) => `_${name}${n ?? ''}`), hash ? `~${hash}` : '', revision === undefined ? '' : `-r${revision}`].join(''),
  );

describe('apk ordering', () => {
  it.each(PUBLISHED)('%s %s %s', (a, op, b) => {
    const expected = op === '<' ? -1 : op === '>' ? 1 : 0;
    expect(apk.compare(a, b)).toBe(expected);
    expect(apk.compare(b, a)).toBe(-expected || 0);
  });

  // Validity cases from the same published data.
  it.each(['1.2', '0.1_pre2', '0.1_pre2~1234abcd', '0.1_p1_pre2', '0.1_alpha1_pre2', '0.1_git20240101_pre1'])('accepts %j', (version) => {
    expect(apk.isValid(version)).toBe(true);
  });

  it.each(['', '0.1bc', '0.1bc1', '0.1a1', '0.1a.1', '0.1_pre2~', '0.1_pre2~1234xbcd', '0.1_pre2~1234abcd_pre1', '0.1_pre2-r1~1234xbcd', '0.1_foobar', '0.1_foobar1', '0.1-pre1.1', '0.1-r', '0.1-r2_pre1', '0.1-r2_p3_pre1', '0.1-r2-r3', '0.1-r2.1', '.1', 'a', '_pre1', '-r1', '0.1_', '0.1_-r0', '0.1__alpha', '0.1_1_alpha', '1..2'])('refuses %j', (version) => {
    expect(apk.isValid(version)).toBe(false);
    expect(() => apk.compare(version, '1.0')).toThrow(/invalid apk version/);
  });

  it('accepts every generated version and orders them totally', () => checkTotalOrder(apk, apkVersion));
  it('survives hostile input', () => checkHostileInput(apk));

  it('orders suffixes alpha < beta < pre < rc < release < cvs < svn < git < hg < p', () => {
    const order = ['1.0_alpha', '1.0_beta', '1.0_pre', '1.0_rc', '1.0', '1.0_cvs', '1.0_svn', '1.0_git', '1.0_hg', '1.0_p'];
    expect([...order].reverse().sort((a, b) => apk.compare(a, b))).toEqual(order);
  });
});
