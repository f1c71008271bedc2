/**
 * Property-based fuzzing (fast-check, bounded runs) of the parsers of what a user types or a
 * pipeline sets: duration expressions, boolean variables, severity lists, `env.NAME` values. Each,
 * on any input, returns a value or throws a UsageError naming what was wrong; nothing else escapes.
 * Duration expressions are also checked against an independent evaluation of the same grammar.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { resolveEnvValue } from '../util/env-values.js';
import { parseSeverityList } from '../util/severity-list.js';
import { evaluateDurationExpression } from './duration-expression.js';
import { parseBooleanVariable } from './environment-flags.js';

const RUNS = { numRuns: 400 };

/** Strings built from the tokens these parsers know, with arbitrary characters between them. */
const tokenSoup = (tokens: readonly string[]) => fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 3 }), fc.constantFrom('\u0000', '\u001b[2J', '\ud800', ' ', '\n')), { maxLength: 40 }).map((parts) => parts.join(''));

function onlyUsageErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
  }
}

describe('parsers of flags and variables fuzzed', () => {
  it('duration expressions: a number or a usage error, never a crash, on any input', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup(['1', '2', '60', '0.5', '+', '-', '*', '/', '(', ')', '9'.repeat(400)]), fc.nat(200).map((depth) => `${'('.repeat(depth)}1${')'.repeat(depth)}`)), (text) => {
        onlyUsageErrors(() => {
          const value = evaluateDurationExpression(text, '--timeout');
          expect(Number.isFinite(value)).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('duration expressions compute what arithmetic computes', () => {
    const expression: fc.Arbitrary<{ text: string; value: number }> = fc.letrec<{ node: { text: string; value: number } }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer({ min: 1, max: 500 }).map((n) => ({ text: String(n), value: n })),
        fc.tuple(tie('node'), fc.constantFrom('+', '*'), tie('node')).map(([a, op, b]) => ({ text: `(${a.text}${op}${b.text})`, value: op === '+' ? a.value + b.value : a.value * b.value })),
      ),
    })).node;
    fc.assert(
      fc.property(expression, ({ text, value }) => {
        let result: number | undefined;
        try {
          result = evaluateDurationExpression(text, '--timeout');
        } catch (error) {
          // Deeply nested or too large for a timer: refused, never wrong.
          expect(error).toBeInstanceOf(UsageError);
          return;
        }
        expect(result).toBeCloseTo(value, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('boolean variables: true, false, or a usage error naming the variable', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup(['true', 'FALSE', 'Yes', 'no', '1', '0', 'on', 'off']), fc.string()), (value) => {
        try {
          const parsed = parseBooleanVariable('TOLLGATE_QUIET', value);
          expect([true, false, undefined]).toContain(parsed);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).toContain('TOLLGATE_QUIET');
        }
      }),
      RUNS,
    );
  });

  it('severity lists: known severities only, or a usage error', () => {
    fc.assert(
      fc.property(tokenSoup(['CRITICAL', 'high', 'Medium', 'LOW', 'NEGLIGIBLE', 'UNKNOWN', '5', '1', ',', ' ']), (text) => {
        onlyUsageErrors(() => {
          for (const severity of parseSeverityList(text)) expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NEGLIGIBLE', 'UNKNOWN']).toContain(severity);
        });
      }),
      RUNS,
    );
  });

  it('env.NAME values: the variable, the literal, or a usage error', () => {
    fc.assert(
      fc.property(tokenSoup(['env.', 'HOST', 'env.HOST', 'env.MISSING', '.', '$']), (value) => {
        onlyUsageErrors(() => {
          const resolved = resolveEnvValue(value, 'target', { HOST: 'db.example' });
          expect(typeof resolved).toBe('string');
        });
      }),
      RUNS,
    );
  });
});
