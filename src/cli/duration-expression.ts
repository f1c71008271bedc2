/**
 * Durations written as numbers or arithmetic (`30`, `2*60`, `1.5 * 60 + 10`), as the connectors
 * accept for polling and timeouts. Evaluated by a small recursive-descent parser over + - * / and
 * parentheses — never `eval`, which would run whatever a pipeline variable holds.
 */
import { UsageError } from '../errors.js';

export function evaluateDurationExpression(text: string, flag: string): number {
  const tokens = text.match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let position = 0;
  const fail = (why: string): never => {
    throw new UsageError(`${flag} "${text}": ${why} (write minutes as a number or an expression such as 2*60)`);
  };
  const peek = (): string | undefined => tokens[position];
  const primary = (): number => {
    const token = tokens[position++];
    if (token === undefined) return fail('ends too early');
    if (token === '(') {
      const value = sum();
      if (tokens[position++] !== ')') fail('a parenthesis is not closed');
      return value;
    }
    if (token === '-') return -primary();
    if (!/^\d/.test(token)) return fail(`unexpected "${token}"`);
    return Number(token);
  };
  const product = (): number => {
    let value = primary();
    while (peek() === '*' || peek() === '/') {
      const operator = tokens[position++];
      const right = primary();
      if (operator === '/' && right === 0) fail('division by zero');
      value = operator === '*' ? value * right : value / right;
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (peek() === '+' || peek() === '-') value = tokens[position++] === '+' ? value + product() : value - product();
    return value;
  };
  if (tokens.length === 0) fail('is empty');
  const value = sum();
  if (position !== tokens.length) fail(`unexpected "${tokens[position]}"`);
  if (!Number.isFinite(value) || value <= 0) fail('must be a positive number');
  return value;
}
