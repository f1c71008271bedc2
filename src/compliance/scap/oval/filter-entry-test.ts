/**
 * A file object's filters as a test on a file's facts (targets/tree-query.ts), so the target's
 * walk can leave out the files no filter would keep: world-writable, setuid, owned by none of the
 * known users. The test is a superset of what the filters keep, never narrower: an entity it
 * cannot say exactly (a path pattern, a size, a variable that did not resolve) lets every file
 * through, and the filters still judge every file that comes back.
 *
 * Exact leaves: the permission booleans (`suid` … `oexec`) as mode bits, `user_id`/`group_id`
 * equal to a value or to any of a variable's values (var_check "at least one"; "none satisfy" as
 * its negation), `type` (regular, directory, symbolic link). An include filter needs a superset of
 * its state, an exclude filter a subset of its state (the files it surely drops).
 */
import { ALL, NONE, and, not, or, type EntryTest } from '../../targets/tree-query.js';
import type { OvalEntity, OvalState } from './model.js';

const BITS: Record<string, number> = { suid: 0o4000, sgid: 0o2000, sticky: 0o1000, uread: 0o400, uwrite: 0o200, uexec: 0o100, gread: 0o40, gwrite: 0o20, gexec: 0o10, oread: 0o4, owrite: 0o2, oexec: 0o1 };
const TYPES: Record<string, EntryTest> = { regular: { kind: 'type', type: 'file' }, directory: { kind: 'type', type: 'directory' }, 'symbolic link': { kind: 'type', type: 'symlink' } };
/** A file item has one value per field: these entity checks judge it as its one comparison does. */
const SINGLE_VALUE_CHECKS = new Set(['all', 'at least one', 'only one']);
const ID = /^(0|[1-9]\d{0,9})$/;

export interface FilterOnFile {
  include: boolean;
  state: OvalState;
  /** The values each of the state's entities compares with; undefined when they did not resolve. */
  values: readonly (readonly string[] | undefined)[];
}

/** One entity exactly, or undefined when it cannot be said as a test on a file's facts. */
function exactLeaf(entity: OvalEntity, values: readonly string[] | undefined): EntryTest | undefined {
  if (entity.fields || entity.nil || !values || values.length === 0 || !SINGLE_VALUE_CHECKS.has(entity.entityCheck)) return undefined;
  const negated = entity.operation === 'not equal';
  if (entity.operation !== 'equals' && !negated) return undefined;
  // One value to compare with (a variable of one value compares as that value, except "none satisfy").
  const single = entity.varRef === undefined || (values.length === 1 && entity.varCheck !== 'none satisfy') ? values[0] : undefined;
  let test: EntryTest | undefined;
  const bit = BITS[entity.name];
  if (bit !== undefined) {
    if (entity.datatype !== 'boolean' || single === undefined) return undefined;
    const set = single === 'true' || single === '1';
    if (!set && single !== 'false' && single !== '0') return undefined;
    test = set ? { kind: 'mode', bits: bit } : not({ kind: 'mode', bits: bit });
  } else if (entity.name === 'user_id' || entity.name === 'group_id') {
    if ((entity.datatype !== 'int' && entity.datatype !== 'string') || !values.every((value) => ID.test(value) && Number(value) <= 0xffffffff)) return undefined;
    const kind = entity.name === 'user_id' ? 'uid' : 'gid';
    if (single !== undefined) test = { kind, ids: [Number(single)] };
    else if (negated) return undefined;
    else if (entity.varCheck === 'at least one') test = { kind, ids: [...new Set(values.map(Number))] };
    else if (entity.varCheck === 'none satisfy') return not({ kind, ids: [...new Set(values.map(Number))] });
    else return undefined;
  } else if (entity.name === 'type') {
    if (entity.datatype !== 'string' || single === undefined) return undefined;
    test = TYPES[single];
    if (!test) return undefined;
  } else return undefined;
  return negated ? not(test) : test;
}

/** Tests that hold for every file the state is true of (`superset`), and only for such files (`subset`). */
function stateBounds(state: OvalState, values: FilterOnFile['values']): { superset: EntryTest; subset: EntryTest } {
  if (state.entities.length === 0) return { superset: ALL, subset: ALL };
  const leaves = state.entities.map((entity, index) => exactLeaf(entity, values[index]));
  const known = leaves.filter((leaf): leaf is EntryTest => leaf !== undefined);
  const allKnown = known.length === leaves.length;
  if (state.operator === 'AND') return { superset: and(known), subset: allKnown ? and(known) : NONE };
  if (state.operator === 'OR') return { superset: allKnown ? or(known) : ALL, subset: or(known) };
  return { superset: ALL, subset: NONE };
}

/** A test every file the filters keep passes. */
export function filtersEntryTest(filters: readonly FilterOnFile[]): EntryTest {
  return and(
    filters.map((filter) => {
      const bounds = stateBounds(filter.state, filter.values);
      return filter.include ? bounds.superset : not(bounds.subset);
    }),
  );
}
