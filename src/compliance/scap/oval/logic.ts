/**
 * OVAL's result algebra (OVAL 5.11 Core, "Operator", "Check", "ExistenceEnumeration"): combining
 * results with AND/OR/ONE/XOR, negation, and the truth tables of check and check_existence.
 * Pure functions over result values; nothing here reads a target.
 */
import type { OvalCheck, OvalExistence, OvalOperator, OvalResult } from './model.js';

interface Counts {
  true: number;
  false: number;
  error: number;
  unknown: number;
  'not evaluated': number;
  'not applicable': number;
}

function count(results: readonly OvalResult[]): Counts {
  const counts: Counts = { true: 0, false: 0, error: 0, unknown: 0, 'not evaluated': 0, 'not applicable': 0 };
  for (const result of results) counts[result]++;
  return counts;
}

/** The first of error, unknown, not evaluated present among the results, else undefined. */
function undetermined(c: Counts): OvalResult | undefined {
  if (c.error > 0) return 'error';
  if (c.unknown > 0) return 'unknown';
  if (c['not evaluated'] > 0) return 'not evaluated';
  return undefined;
}

/** Combines results with an operator; 'not applicable' results are left out, all of them gives 'not applicable'. */
export function combine(operator: OvalOperator, results: readonly OvalResult[]): OvalResult {
  const c = count(results);
  if (results.length === 0 || c['not applicable'] === results.length) return results.length === 0 ? 'unknown' : 'not applicable';
  switch (operator) {
    case 'AND':
      if (c.false > 0) return 'false';
      return undetermined(c) ?? 'true';
    case 'OR':
      if (c.true > 0) return 'true';
      return undetermined(c) ?? 'false';
    case 'ONE':
      if (c.true > 1) return 'false';
      if (c.true === 1) return undetermined(c) ?? 'true';
      return undetermined(c) ?? 'false';
    case 'XOR': {
      const open = undetermined(c);
      if (open) return open;
      return c.true % 2 === 1 ? 'true' : 'false';
    }
  }
}

export function negate(result: OvalResult, negated: boolean): OvalResult {
  if (!negated) return result;
  if (result === 'true') return 'false';
  if (result === 'false') return 'true';
  return result;
}

/** check="…" across the per-item (or per-value) results. */
export function applyCheck(check: OvalCheck, results: readonly OvalResult[]): OvalResult {
  const c = count(results);
  const relevant = results.length - c['not applicable'];
  if (relevant === 0) return results.length === 0 ? 'unknown' : 'not applicable';
  switch (check) {
    case 'all':
      if (c.false > 0) return 'false';
      return undetermined(c) ?? 'true';
    case 'at least one':
      if (c.true > 0) return 'true';
      return undetermined(c) ?? 'false';
    case 'none satisfy':
      if (c.true > 0) return 'false';
      return undetermined(c) ?? 'true';
    case 'only one':
      if (c.true > 1) return 'false';
      if (c.true === 1) return undetermined(c) ?? 'true';
      return undetermined(c) ?? 'false';
  }
}

/** check_existence over the number of items found (all collected items have status "exists"). */
export function existence(check: OvalExistence, found: number): OvalResult {
  switch (check) {
    case 'all_exist':
    case 'at_least_one_exists':
      return found >= 1 ? 'true' : 'false';
    case 'any_exist':
      return 'true';
    case 'none_exist':
      return found === 0 ? 'true' : 'false';
    case 'only_one_exists':
      return found === 1 ? 'true' : 'false';
  }
}
