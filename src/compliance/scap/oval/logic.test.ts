import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCheck, combine, existence, negate } from './logic.js';
import type { OvalResult } from './model.js';

const results = fc.constantFrom<OvalResult>('true', 'false', 'error', 'unknown', 'not evaluated', 'not applicable');
const booleans = fc.constantFrom<OvalResult>('true', 'false');

describe('OVAL result algebra', () => {
  it('AND and OR follow De Morgan over true/false (property)', () => {
    fc.assert(
      fc.property(fc.array(booleans, { minLength: 1, maxLength: 8 }), (values) => {
        expect(negate(combine('AND', values), true)).toBe(combine('OR', values.map((value) => negate(value, true))));
      }),
    );
  });

  it('the order of results never changes a combination (property)', () => {
    fc.assert(
      fc.property(fc.array(results, { minLength: 1, maxLength: 8 }), fc.constantFrom('AND', 'OR', 'ONE', 'XOR' as const), (values, operator) => {
        expect(combine(operator, [...values].reverse())).toBe(combine(operator, values));
      }),
    );
  });

  it('a false decides AND and a true decides OR even beside an error; otherwise the error wins', () => {
    expect(combine('AND', ['error', 'false'])).toBe('false');
    expect(combine('AND', ['error', 'true'])).toBe('error');
    expect(combine('OR', ['error', 'true'])).toBe('true');
    expect(combine('OR', ['error', 'false'])).toBe('error');
    expect(combine('ONE', ['true', 'true', 'error'])).toBe('false');
    expect(combine('XOR', ['true', 'false', 'true'])).toBe('false');
    expect(combine('AND', ['not applicable', 'true'])).toBe('true');
    expect(combine('AND', ['not applicable'])).toBe('not applicable');
  });

  it('negation swaps only true and false', () => {
    expect(negate('error', true)).toBe('error');
    expect(negate('not evaluated', true)).toBe('not evaluated');
  });

  it('check and check_existence tables', () => {
    expect(applyCheck('none satisfy', ['false', 'false'])).toBe('true');
    expect(applyCheck('only one', ['true', 'false'])).toBe('true');
    expect(applyCheck('at least one', ['false', 'unknown'])).toBe('unknown');
    expect(existence('none_exist', 0)).toBe('true');
    expect(existence('only_one_exists', 2)).toBe('false');
    expect(existence('any_exist', 0)).toBe('true');
  });
});
