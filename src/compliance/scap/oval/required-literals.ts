/**
 * A cheap necessary condition for a PCRE pattern to match: for each top-level alternative, the
 * longest run of literal characters every match of it contains. A walk of a host with ~700k paths
 * asks `path.includes(literal)` first and runs the PCRE engine only on the few paths that pass.
 * Conservative by construction: a run ends at anything that is not a plain literal (a class, a
 * group, an escape class, a quantifier takes the character before it away), and a pattern with
 * inline options (`(?i)`), quoting (`\Q…\E`) or an alternative without a literal gives no condition.
 */

const SPECIAL = '.^$[]()*+?{}|\\';

/** Top-level alternatives of a pattern, or undefined when its brackets do not balance. */
function alternatives(pattern: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (char === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) return undefined;
      i = end;
    } else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) {
      parts.push(pattern.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  parts.push(pattern.slice(start));
  return parts;
}

/** Index of the `]` closing the class opened at `open` (`[]…]` and `[^]…]` hold a literal `]`), or -1. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

/** Index of the `)` closing the group opened at `open`, or -1. */
function groupEnd(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (char === '[') {
      i = classEnd(pattern, i);
      if (i < 0) return -1;
    } else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The longest literal run every match of one alternative contains ('' when there is none). */
function longestRun(branch: string): string | undefined {
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < branch.length; i++) {
    const char = branch[i] as string;
    if (char === '\\') {
      const next = branch[i + 1];
      if (next === undefined) return undefined;
      i++;
      if (/[0-9A-Za-z]/.test(next)) end();
      else run += next;
    } else if (char === '[') {
      end();
      i = classEnd(branch, i);
      if (i < 0) return undefined;
    } else if (char === '(') {
      end();
      i = groupEnd(branch, i);
      if (i < 0) return undefined;
    } else if (char === '?' || char === '*' || char === '{') {
      // The character (or group) before is optional or repeated: it is not required as written.
      run = run.slice(0, -1);
      end();
      if (char === '{') {
        const close = branch.indexOf('}', i);
        if (close > 0) i = close;
      }
    } else if (char === '+') end();
    else if (SPECIAL.includes(char)) end();
    else run += char;
  }
  end();
  return best;
}

/**
 * The literals of which every match contains at least one, or undefined when there is no such
 * condition (a pattern with inline options, an alternative with no literal run, a malformed pattern).
 */
export function requiredLiterals(pattern: string): string[] | undefined {
  if (pattern.includes('(?') || pattern.includes('\\Q')) return undefined;
  const branches = alternatives(pattern);
  if (!branches) return undefined;
  const literals: string[] = [];
  for (const branch of branches) {
    const run = longestRun(branch);
    if (run) {
      literals.push(run);
      continue;
    }
    // A branch that is one group (`^(/etc/a|/etc/b/.+)$`): one of the group's alternatives' literals.
    const inner = wholeGroup(branch);
    const nested = inner === undefined ? undefined : requiredLiterals(inner);
    if (!nested) return undefined;
    literals.push(...nested);
  }
  return literals;
}

/** The inside of a branch that is one group and nothing else but anchors, or undefined. */
function wholeGroup(branch: string): string | undefined {
  const body = branch.replace(/^\^+/, '').replace(/(?<!\\)\$+$/, '');
  if (!body.startsWith('(') || groupEnd(body, 0) !== body.length - 1) return undefined;
  return body.slice(1, -1);
}

/** A test that is false only where the pattern cannot match (true when nothing is known). */
export function mayMatch(pattern: string): (subject: string) => boolean {
  const literals = requiredLiterals(pattern);
  if (!literals) return () => true;
  return (subject) => literals.some((literal) => subject.includes(literal));
}

/** Most prefixes one pattern is expanded into; past it, the prefixes found so far stand (shorter, still required). */
const MAX_PREFIXES = 64;

/** The text of a pattern piece made only of literal characters, or undefined. */
function literalText(piece: string): string | undefined {
  let text = '';
  for (let i = 0; i < piece.length; i++) {
    const char = piece[i] as string;
    if (char === '\\') {
      const next = piece[i + 1];
      if (next === undefined || /[0-9A-Za-z]/.test(next)) return undefined;
      text += next;
      i++;
    } else if (SPECIAL.includes(char)) return undefined;
    else text += char;
  }
  return text;
}

/**
 * The texts one of which starts every match of an anchored pattern piece (after its `^`): literal
 * characters, and groups whose alternatives are literal (`(|s)bin` gives `bin` and `sbin`), up to
 * the first thing that is not; a group with other alternatives adds each one's own prefixes and ends there.
 */
function prefixesOf(text: string): string[] {
  let prefixes = [''];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    // Whether the character at `at` is one of `set` (none past the end).
    const isAt = (at: number, set: string): boolean => text[at] !== undefined && set.includes(text[at] as string);
    if (char === '\\') {
      const next = text[i + 1];
      if (next === undefined || /[0-9A-Za-z]/.test(next) || isAt(i + 2, '?*{')) return prefixes;
      prefixes = prefixes.map((prefix) => prefix + next);
      if (isAt(i + 2, '+')) return prefixes;
      i++;
    } else if (char === '(') {
      const end = groupEnd(text, i);
      if (end < 0 || isAt(end + 1, '?*{+')) return prefixes;
      const inner = alternatives(text.slice(i + 1, end));
      if (!inner) return prefixes;
      const literal = inner.map(literalText);
      const expanded = prefixes.flatMap((prefix) => inner.flatMap((alternative, index) => (literal[index] !== undefined ? [prefix + literal[index]] : prefixesOf(alternative.startsWith('^') ? '' : alternative).map((rest) => prefix + rest))));
      if (expanded.length > MAX_PREFIXES) return prefixes;
      prefixes = expanded;
      if (literal.some((value) => value === undefined)) return prefixes;
      i = end;
    } else if (SPECIAL.includes(char) || isAt(i + 1, '?*{')) return prefixes;
    else {
      prefixes = prefixes.map((prefix) => prefix + char);
      if (isAt(i + 1, '+')) return prefixes;
    }
  }
  return prefixes;
}

/**
 * Texts of which every match starts with one, for a pattern whose every alternative is anchored
 * (`^\/(|s)bin|^\/usr\/libexec` gives `/bin`, `/sbin`, `/usr/libexec`); undefined when some
 * alternative is not anchored or the pattern has inline options or quoting. A walk leaves out the
 * folders no such text can lead into.
 */
export function requiredPrefixes(pattern: string): string[] | undefined {
  if (pattern.includes('(?') || pattern.includes('\\Q')) return undefined;
  const branches = alternatives(pattern);
  if (!branches || !branches.every((branch) => branch.startsWith('^'))) return undefined;
  const prefixes = [...new Set(branches.flatMap((branch) => prefixesOf(branch.replace(/^\^+/, ''))))];
  return prefixes.length > MAX_PREFIXES ? undefined : prefixes;
}
