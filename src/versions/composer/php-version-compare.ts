/**
 * PHP's `version_compare()` (ext/standard/versioning.c), which Composer's `Comparator` applies to
 * normalised versions. Ported rule by rule because Composer's order is exactly this function's:
 * the version is canonicalised (`-`, `_`, `+` and other non-alphanumerics become `.`, and a `.` is
 * put between a digit and a non-digit), then compared segment by segment: two numbers numerically
 * (as C `long`s, so a longer run of digits saturates), two words by their "special form"
 * (`dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < a number < `pl` = `p`; any other word first,
 * matched by prefix as PHP does: `patch` counts as `p`), a word against a number as its special
 * form against a number. When one version runs out, a number left over makes the longer one
 * greater, a word left over is compared with a number.
 */

/** The order of a word in PHP's table, by prefix as `strncmp(word, form, strlen(form))` matches. */
const SPECIAL_FORMS: readonly [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialFormOrder(word: string): number {
  for (const [form, order] of SPECIAL_FORMS) if (word.startsWith(form)) return order;
  return -1;
}

function compareSpecialForms(a: string, b: string): number {
  return Math.sign(specialFormOrder(a) - specialFormOrder(b));
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isAlphanumeric(char: string): boolean {
  return isDigit(char) || (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

/** `php_canonicalize_version`: the first character is kept as it is, as PHP keeps it. */
export function canonicalizePhpVersion(version: string): string {
  if (version === '') return '';
  const out: string[] = [version[0] as string];
  let previous = version[0] as string;
  for (let i = 1; i < version.length; i += 1) {
    const char = version[i] as string;
    const last = out[out.length - 1];
    const digitBefore = isDigit(previous);
    const nonDigitBefore = !isDigit(previous) && previous !== '.';
    if (char === '-' || char === '_' || char === '+') {
      if (last !== '.') out.push('.');
    } else if ((nonDigitBefore && isDigit(char)) || (digitBefore && !isDigit(char) && char !== '.')) {
      if (last !== '.') out.push('.');
      out.push(char);
    } else if (!isAlphanumeric(char)) {
      if (last !== '.') out.push('.');
    } else {
      out.push(char);
    }
    previous = char;
  }
  return out.join('');
}

const LONG_MAX = 9223372036854775807n;

/** `strtol` of a segment that starts with a digit, saturating at LONG_MAX as glibc does. */
function leadingNumber(segment: string): bigint {
  const digits = /^[0-9]+/.exec(segment)?.[0] ?? '0';
  const value = BigInt(digits);
  return value > LONG_MAX ? LONG_MAX : value;
}

function compareSegment(a: string, b: string): number {
  if (isDigit(a[0]) && isDigit(b[0])) {
    const x = leadingNumber(a);
    const y = leadingNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (!isDigit(a[0]) && !isDigit(b[0])) return compareSpecialForms(a, b);
  return isDigit(a[0]) ? compareSpecialForms('#N#', b) : compareSpecialForms(a, '#N#');
}

/** `version_compare($a, $b)`: -1, 0 or 1. */
export function phpVersionCompare(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const left = a.startsWith('#') ? a : canonicalizePhpVersion(a);
  const right = b.startsWith('#') ? b : canonicalizePhpVersion(b);
  let p1 = 0;
  let p2 = 0;
  // The positions of the dots ending the current segments; null once a version has no more dots.
  let n1: number | null = 0;
  let n2: number | null = 0;
  let compare = 0;
  while (p1 < left.length && p2 < right.length && n1 !== null && n2 !== null) {
    const dot1 = left.indexOf('.', p1);
    const dot2 = right.indexOf('.', p2);
    n1 = dot1 === -1 ? null : dot1;
    n2 = dot2 === -1 ? null : dot2;
    compare = compareSegment(left.slice(p1, n1 ?? undefined), right.slice(p2, n2 ?? undefined));
    if (compare !== 0) break;
    if (n1 !== null) p1 = n1 + 1;
    if (n2 !== null) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (n1 !== null) {
      const rest = left.slice(p1);
      compare = isDigit(rest[0]) ? 1 : phpVersionCompare(rest, '#N#');
    } else if (n2 !== null) {
      const rest = right.slice(p2);
      compare = isDigit(rest[0]) ? -1 : phpVersionCompare('#N#', rest);
    }
  }
  return compare;
}
