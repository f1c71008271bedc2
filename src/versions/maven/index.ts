/**
 * Maven version ordering: the semantics of Maven's `ComparableVersion` (maven-artifact 3.8), which
 * is how Maven resolves ranges and how OSV's `Maven` ecosystem orders versions.
 *
 * A version is lower-cased and split into items: numbers and qualifiers, separated by `.` or `-`
 * and at every switch between digits and letters. `-` and a digit/letter switch open a nested list,
 * so `1-1` and `1.1` differ. Trailing "null" items (0, the empty qualifier and its aliases `ga`,
 * `final`, `release`, empty lists) are dropped from every list, so `1.0.0` equals `1`. Known
 * qualifiers order alpha < beta < milestone < rc (= cr) < snapshot < "" < sp, any other qualifier
 * comes after those (ordered as text), and `a1`, `b1`, `m1` are alpha-1, beta-1, milestone-1.
 *
 * Written here rather than taken from a library: no npm package implements ComparableVersion with
 * the nested-list rules this one is checked against (the real maven-artifact jar, in the tests).
 * Never recurses on untrusted depth: parsing is one loop and comparison walks lists with an
 * explicit stack bound by the version's length, which isValid caps.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

/**
 * A number of any size. Maven keeps numbers of up to 9 digits, up to 18 and more in three item
 * types, and a number of a larger type is newer than any of a smaller one. The type is chosen by
 * the digits left after leading zeros are stripped, and a run of zeros only is not stripped: so
 * `0000000000` (ten zeros) is a long and newer than `1`. `size` keeps that type, `digits` the value.
 */
interface NumberItem {
  readonly kind: 'number';
  /** 0: up to 9 digits, 1: up to 18, 2: more. */
  readonly size: 0 | 1 | 2;
  /** The value, without leading zeros: `0` for zero. */
  readonly digits: string;
}
interface QualifierItem {
  readonly kind: 'qualifier';
  /** The qualifier's sort key: a known qualifier's rank, or `7-<text>` for any other. */
  readonly key: string;
}
interface ListItem {
  readonly kind: 'list';
  readonly items: Item[];
}
type Item = NumberItem | QualifierItem | ListItem;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
/** The rank of the empty qualifier: a release. */
const RELEASE_KEY = String(QUALIFIERS.indexOf(''));

function qualifierKey(value: string): string {
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

function qualifier(text: string, followedByDigit: boolean): QualifierItem {
  let value = text;
  if (followedByDigit && value.length === 1) value = value === 'a' ? 'alpha' : value === 'b' ? 'beta' : value === 'm' ? 'milestone' : value;
  value = Object.hasOwn(ALIASES, value) ? (ALIASES[value] as string) : value;
  return { kind: 'qualifier', key: qualifierKey(value) };
}

function number(text: string): NumberItem {
  const stripped = text.replace(/^0+/, '');
  const kept = stripped === '' ? text : stripped;
  return { kind: 'number', size: kept.length <= 9 ? 0 : kept.length <= 18 ? 1 : 2, digits: stripped === '' ? '0' : stripped };
}

const ZERO = number('0');

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? number(text) : qualifier(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return item.digits === '0';
  if (item.kind === 'qualifier') return item.key === RELEASE_KEY;
  return item.items.length === 0;
}

/** Drops trailing null items, stopping at the first non-null item that is not a list. */
function normalize(list: ListItem): void {
  const { items } = list;
  for (let index = items.length - 1; index >= 0; index--) {
    const last = items[index] as Item;
    if (isNull(last)) items.splice(index, 1);
    else if (last.kind !== 'list') break;
  }
}

const isDigitCode = (code: number): boolean => code >= 0x30 && code <= 0x39;

export function parseMavenVersion(version: string): ListItem {
  const text = version.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const open = (): void => {
    const nested: ListItem = { kind: 'list', items: [] };
    list.items.push(nested);
    list = nested;
    stack.push(nested);
  };
  let isDigit = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x2e /* . */ || code === 0x2d /* - */) {
      list.items.push(index === start ? ZERO : parseItem(isDigit, text.slice(start, index)));
      start = index + 1;
      if (code === 0x2d) open();
    } else if (isDigitCode(code)) {
      if (!isDigit && index > start) {
        // A qualifier after other items of its list starts a list of its own (`1.0.alpha1`).
        if (list.items.length > 0) open();
        list.items.push(qualifier(text.slice(start, index), true));
        start = index;
        open();
      }
      isDigit = true;
    } else {
      if (isDigit && index > start) {
        list.items.push(parseItem(true, text.slice(start, index)));
        start = index;
        open();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.items.length > 0) open();
    list.items.push(parseItem(isDigit, text.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop() as ListItem);
  return root;
}

const sign = (value: number): number => (value < 0 ? -1 : value > 0 ? 1 : 0);

function compareNumbers(a: NumberItem, b: NumberItem): number {
  if (a.size !== b.size) return sign(a.size - b.size);
  const [x, y] = [a.digits, b.digits];
  return x.length === y.length ? sign(x < y ? -1 : x > y ? 1 : 0) : sign(x.length - y.length);
}

/**
 * Maven's item comparison. Lists are compared with an explicit stack of iterators: a version of
 * thousands of `-` separated parts nests thousands of lists, and recursion would exhaust the stack.
 */
function compareItems(left: Item | undefined, right: Item | undefined): number {
  if (left === undefined) return right === undefined ? 0 : -compareWithNull(right);
  if (right === undefined) return compareWithNull(left);
  if (left.kind === 'number') {
    if (right.kind === 'number') return compareNumbers(left, right);
    return 1; // a number is newer than a qualifier and than a list: 1.1 > 1-1, 1.1 > 1-sp
  }
  if (left.kind === 'qualifier') {
    if (right.kind === 'qualifier') return sign(left.key < right.key ? -1 : left.key > right.key ? 1 : 0);
    return -1; // a qualifier is older than a number and than a list
  }
  if (right.kind === 'number') return -1;
  if (right.kind === 'qualifier') return 1;
  return compareLists(left, right);
}

/** An item against nothing (the other version ended): is it newer than the end, or as old? */
function compareWithNull(item: Item): number {
  if (item.kind === 'number') return item.digits === '0' ? 0 : 1;
  if (item.kind === 'qualifier') return sign(item.key < RELEASE_KEY ? -1 : item.key > RELEASE_KEY ? 1 : 0);
  // A list against nothing: its first item that is not as old as the end decides (MNG-6964).
  const pending: { items: Item[]; at: number }[] = [{ items: item.items, at: 0 }];
  while (pending.length > 0) {
    const top = pending[pending.length - 1] as { items: Item[]; at: number };
    if (top.at >= top.items.length) {
      pending.pop();
      continue;
    }
    const next = top.items[top.at++] as Item;
    if (next.kind === 'list') pending.push({ items: next.items, at: 0 });
    else {
      const result = compareWithNull(next);
      if (result !== 0) return result;
    }
  }
  return 0;
}

function compareLists(left: ListItem, right: ListItem): number {
  const pending: { left: Item[]; right: Item[]; at: number }[] = [{ left: left.items, right: right.items, at: 0 }];
  while (pending.length > 0) {
    const top = pending[pending.length - 1] as { left: Item[]; right: Item[]; at: number };
    if (top.at >= top.left.length && top.at >= top.right.length) {
      pending.pop();
      continue;
    }
    const l = top.left[top.at];
    const r = top.right[top.at];
    top.at++;
    if (l?.kind === 'list' && r?.kind === 'list') {
      pending.push({ left: l.items, right: r.items, at: 0 });
      continue;
    }
    const result = compareItems(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

/**
 * Any printable ASCII without spaces, up to 256 characters: Maven itself accepts any string, but a
 * version longer than that, or with controls or non-ASCII digits (which Java's `isDigit` would
 * count), is no version a published artifact has.
 */
function isValid(version: string): boolean {
  return version.length > 0 && version.length <= 256 && /^[\x21-\x7e]+$/.test(version);
}

export const maven: VersionScheme = {
  id: 'maven',
  isValid,
  compare(a, b) {
    if (!isValid(a)) throw new InvalidVersionError('maven', a);
    if (!isValid(b)) throw new InvalidVersionError('maven', b);
    return compareLists(parseMavenVersion(a), parseMavenVersion(b));
  },
};
