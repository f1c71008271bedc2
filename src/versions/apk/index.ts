/**
 * Alpine (apk) package version ordering, as apk-tools 3 defines it:
 * `N(.N)*[a-z](_suffix[N])*[~hash](-rN)`, e.g. `1.36.1-r15`, `3.0.12_rc1-r0`, `0.1_pre2~1a2b`.
 *
 * The version is read as tokens of ranked kinds (first number < `.`-number < letter < suffix <
 * suffix number < commit hash < `-r` revision < end) and compared token by token:
 * - numbers compare numerically, except that a `.`-component where either side starts with `0`
 *   compares as a byte string (`1.05 < 1.1`, `1.005 < 1.05`);
 * - suffixes: alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p;
 * - when the versions agree up to the point where one goes on, a pre-release suffix makes that
 *   one older; otherwise the one whose next token has the lower kind rank is newer
 *   (`1.0.1 > 1.0a > 1.0`, `1.0-r1 > 1.0`).
 *
 * apk-tools 2.14 (Alpine up to 3.22) differs only for a zero component directly followed by a
 * suffix or letter (it orders `1.0_rc1` after `1.0`); this module follows the current definition.
 * Written by hand: no npm library implements apk ordering.
 */
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

const enum Kind {
  InitialNumber = 0,
  Number = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  CommitHash = 5,
  Revision = 6,
  End = 7,
}

interface Token {
  kind: Kind;
  /** The token's characters (digits, letter, suffix name or hash). */
  text: string;
  /** Suffix rank, for Suffix tokens. */
  rank?: number;
}

const SUFFIX_RANK: Readonly<Record<string, number>> = { alpha: 1, beta: 2, pre: 3, rc: 4, cvs: 6, svn: 7, git: 8, hg: 9, p: 10 };
/** Rank of "no suffix": suffixes below it are pre-releases. */
const NO_SUFFIX = 5;

/** Tokens of a valid version ending with an End token, or undefined when the version is invalid. */
export function tokenizeApk(version: string): Token[] | undefined {
  const tokens: Token[] = [];
  let position = 0;
  const digits = (): string => {
    const start = position;
    while (position < version.length && version[position]! >= '0' && version[position]! <= '9') position += 1;
    return version.slice(start, position);
  };
  const first = digits();
  if (first === '') return undefined;
  tokens.push({ kind: Kind.InitialNumber, text: first });
  while (position < version.length) {
    const previous = (tokens[tokens.length - 1] as Token).kind;
    const c = version[position] as string;
    if (c >= 'a' && c <= 'z') {
      if (previous > Kind.Number) return undefined;
      tokens.push({ kind: Kind.Letter, text: c });
      position += 1;
    } else if (c === '.') {
      if (previous > Kind.Number) return undefined;
      position += 1;
      const text = digits();
      if (text === '') return undefined;
      tokens.push({ kind: Kind.Number, text });
    } else if (c >= '0' && c <= '9') {
      if (previous !== Kind.Suffix) return undefined;
      tokens.push({ kind: Kind.SuffixNumber, text: digits() });
    } else if (c === '_') {
      if (previous > Kind.SuffixNumber) return undefined;
      position += 1;
      const start = position;
      while (position < version.length && version[position]! >= 'a' && version[position]! <= 'z') position += 1;
      const name = version.slice(start, position);
      const rank = SUFFIX_RANK[name];
      if (rank === undefined) return undefined;
      tokens.push({ kind: Kind.Suffix, text: name, rank });
    } else if (c === '~') {
      if (previous >= Kind.CommitHash) return undefined;
      position += 1;
      const start = position;
      while (position < version.length && /[0-9a-f]/.test(version[position] as string)) position += 1;
      if (position === start) return undefined;
      tokens.push({ kind: Kind.CommitHash, text: version.slice(start, position) });
    } else if (c === '-') {
      if (previous >= Kind.Revision || version[position + 1] !== 'r') return undefined;
      position += 2;
      const text = digits();
      if (text === '') return undefined;
      tokens.push({ kind: Kind.Revision, text });
    } else {
      return undefined;
    }
  }
  tokens.push({ kind: Kind.End, text: '' });
  return tokens;
}

function compareNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Byte-wise comparison, a shorter string first when one is a prefix of the other. */
function compareBytes(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = a.charCodeAt(i) - b.charCodeAt(i);
    if (difference !== 0) return Math.sign(difference);
  }
  return Math.sign(a.length - b.length);
}

function compareTokens(a: Token, b: Token): number {
  switch (a.kind) {
    case Kind.Number:
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareBytes(a.text, b.text);
      return compareNumbers(a.text, b.text);
    case Kind.InitialNumber:
    case Kind.SuffixNumber:
    case Kind.Revision:
      return compareNumbers(a.text, b.text);
    case Kind.Letter:
      return compareBytes(a.text, b.text);
    case Kind.Suffix:
      return Math.sign((a.rank ?? 0) - (b.rank ?? 0));
    default:
      return compareBytes(a.text, b.text);
  }
}

function compareTokenLists(left: Token[], right: Token[]): number {
  let i = 0;
  while ((left[i] as Token).kind === (right[i] as Token).kind && (left[i] as Token).kind !== Kind.End) {
    const order = compareTokens(left[i] as Token, right[i] as Token);
    if (order !== 0) return order;
    i += 1;
  }
  const a = left[i] as Token;
  const b = right[i] as Token;
  if (a.kind === b.kind) return 0;
  if (a.kind === Kind.Suffix && (a.rank ?? 0) < NO_SUFFIX) return -1;
  if (b.kind === Kind.Suffix && (b.rank ?? 0) < NO_SUFFIX) return 1;
  return a.kind > b.kind ? -1 : 1;
}

function tokensOrThrow(version: string): Token[] {
  const tokens = version.length <= 1024 ? tokenizeApk(version) : undefined;
  if (!tokens) throw new InvalidVersionError('apk', version);
  return tokens;
}

export const apk: VersionScheme = {
  id: 'apk',
  isValid: (version) => version.length <= 1024 && tokenizeApk(version) !== undefined,
  compare: (a, b) => compareTokenLists(tokensOrThrow(a), tokensOrThrow(b)),
};
