/**
 * The comparison operators of checks: eq, ne, lt, le, gt, ge, in, regex, present, absent — their
 * types, their JSON Schema, what a policy must satisfy to use them, and how they compare.
 * Numbers compare as numbers when both sides are numeric (`022` equals `22`, octal modes are
 * written as such by policies that need them), otherwise as text.
 */
import { UsageError } from '../../errors.js';
import type { SchemaFragment } from './check-type.js';
import { patternProblem, patternTest, type PatternOptions } from './policy-pattern.js';

export const OPERATORS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'regex', 'present', 'absent'] as const;
export type Operator = (typeof OPERATORS)[number];
export type ScalarValue = string | number | boolean;
export type ExpectedValue = ScalarValue | (string | number)[];

export const OPERATOR_SCHEMA: SchemaFragment = { enum: [...OPERATORS] };
export const EXPECTED_VALUE_SCHEMA: SchemaFragment = {
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: ['string', 'number'] } }],
};

const NUMERIC_OPERATORS: readonly Operator[] = ['lt', 'le', 'gt', 'ge'];

/**
 * A pattern of a policy must compile for the linear-time engine (policy-pattern.ts): refused at
 * load time, naming the control, never an ERROR on every target nor a backtracking run.
 */
export function requireRegex(pattern: string, where: string, field: string, options: PatternOptions = {}): void {
  const problem = patternProblem(pattern, options);
  if (problem) throw new UsageError(`${where}: ${field}: invalid regular expression: ${problem}`);
}

/** An operator needs the value it compares with, in the shape it compares. */
export function requireOperatorValue(operator: Operator, value: unknown, where: string, field: string): void {
  if (operator === 'present' || operator === 'absent') return;
  if (value === undefined) throw new UsageError(`${where}: ${field}: operator "${operator}" needs a value`);
  if (operator === 'in' && !Array.isArray(value)) throw new UsageError(`${where}: ${field}: operator "in" needs a list of values`);
  if (operator !== 'in' && Array.isArray(value)) throw new UsageError(`${where}: ${field}: operator "${operator}" takes one value, not a list`);
  if (NUMERIC_OPERATORS.includes(operator) && !Number.isFinite(Number(value))) throw new UsageError(`${where}: ${field}: operator "${operator}" compares numbers; "${String(value)}" is not a number`);
  if (operator === 'regex') requireRegex(String(value), where, field);
}

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
      return patternTest(String(expected), actual, { ignoreCase });
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
