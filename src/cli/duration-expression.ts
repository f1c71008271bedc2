/**
 * Durations written as numbers or arithmetic (`30`, `2*60`, `1.5 * 60 + 10`), as the connectors
 * accept for polling and timeouts. Evaluated by a small recursive-descent parser over + - * / and
 * parentheses — never `eval`, which would run whatever a pipeline variable holds.
 */
import { UsageError } from '../errors.js';
import { MAX_TIMER_MS } from '../util/timers.js';

/** Parentheses and signs nested deeper than this are refused: the parser recurses on them, and a pipeline variable must not overflow the stack. */
const MAX_NESTING = 32;


export function evaluateDurationExpression(text: string, flag: string): number {
  const tokens = text.match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let position = 0;
  let depth = 0;
  const fail = (why: string): never => {
    throw new UsageError(`${flag} "${text}": ${why} (write minutes as a number or an expression such as 2*60)`);
  };
  const peek = (): string | undefined => tokens[position];
  const nested = (inner: () => number): number => {
    if (++depth > MAX_NESTING) fail(`nests parentheses or signs more than ${MAX_NESTING} deep`);
    try {
      return inner();
    } finally {
      depth -= 1;
    }
  };
  const primary = (): number => {
    const token = tokens[position++];
    if (token === undefined) return fail('ends too early');
    if (token === '(') {
      const value = nested(sum);
      if (tokens[position++] !== ')') fail('a parenthesis is not closed');
      return value;
    }
    if (token === '-') return -nested(primary);
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

/**
 * A duration given in `unit` milliseconds as a timer's milliseconds, refused (a usage error naming
 * the flag) past what a timer can wait: a longer one would fire at once instead of never.
 */
export function timerMilliseconds(value: number, unitMs: number, flag: string, unitName: string): number {
  const ms = value * unitMs;
  if (ms > MAX_TIMER_MS) throw new UsageError(`${flag}: ${value} ${unitName} is longer than the longest time limit, ${Math.floor(MAX_TIMER_MS / unitMs).toLocaleString('en')} ${unitName}`);
  return ms;
}
