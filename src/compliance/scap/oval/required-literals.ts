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
    if (!run) return undefined;
    literals.push(run);
  }
  return literals;
}

/** A test that is false only where the pattern cannot match (true when nothing is known). */
export function mayMatch(pattern: string): (subject: string) => boolean {
  const literals = requiredLiterals(pattern);
  if (!literals) return () => true;
  return (subject) => literals.some((literal) => subject.includes(literal));
}
