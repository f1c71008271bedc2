/**
 * The comparison operators of checks: eq, ne, lt, le, gt, ge, in, regex, present, absent.
 * Numbers compare as numbers when both sides are numeric (`022` equals `22`, octal modes are
 * written as such by policies that need them), otherwise as text.
 */
import type { ExpectedValue, Operator } from '../policy/policy-types.js';

const NUMBER = /^[+-]?\d+(\.\d+)?$/;

function equal(actual: string, expected: string | number | boolean, ignoreCase: boolean): boolean {
  const wanted = String(expected);
  if (NUMBER.test(actual.trim()) && NUMBER.test(wanted)) return Number(actual) === Number(wanted);
  return ignoreCase ? actual.toLowerCase() === wanted.toLowerCase() : actual === wanted;
}

export function compareValue(actual: string | undefined, operator: Operator, expected: ExpectedValue | undefined, ignoreCase = false): boolean {
  if (operator === 'present') return actual !== undefined;
  if (operator === 'absent') return actual === undefined;
  if (actual === undefined) return false;
  switch (operator) {
    case 'eq':
      return equal(actual, expected as string, ignoreCase);
    case 'ne':
      return !equal(actual, expected as string, ignoreCase);
    case 'in':
      return (expected as (string | number)[]).some((value) => equal(actual, value, ignoreCase));
    case 'regex':
      return new RegExp(String(expected), ignoreCase ? 'i' : '').test(actual);
    default: {
      if (!NUMBER.test(actual.trim())) return false;
      const left = Number(actual);
      const right = Number(expected);
      if (operator === 'lt') return left < right;
      if (operator === 'le') return left <= right;
      if (operator === 'gt') return left > right;
      return left >= right;
    }
  }
}

const WORDS: Record<Operator, string> = { eq: '', ne: 'not ', lt: '< ', le: '<= ', gt: '> ', ge: '>= ', in: 'one of ', regex: 'matching ', present: 'set', absent: 'not set' };

/** How an expectation reads in evidence: `0`, `>= 14`, `one of [no, prohibit-password]`. */
export function describeExpected(operator: Operator, expected: ExpectedValue | undefined): string {
  if (operator === 'present' || operator === 'absent') return WORDS[operator];
  if (operator === 'in') return `${WORDS.in}[${(expected as (string | number)[]).join(', ')}]`;
  if (operator === 'regex') return `${WORDS.regex}/${String(expected)}/`;
  return `${WORDS[operator]}${String(expected)}`;
}
