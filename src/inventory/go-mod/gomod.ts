/**
 * Parses go.mod files: the data only, never running `go`.
 *
 * go.mod (https://go.dev/ref/mod#go-mod-file): one directive per line or a parenthesised block of
 * them (`require ( … )`); tokens are bare words or Go string literals (`"…"`, `` `…` ``); `//` starts a
 * comment, and `// indirect` after a requirement marks it indirect. The directives read: `module`,
 * `go`, `require`, `replace` (`old [version] => new [version]`, a new path without a version being a
 * folder), `exclude`. Others (`toolchain`, `retract`, `godebug`, `tool`, …) are skipped. A line that
 * does not parse is a warning, never a failure of the file.
 */

export interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
}

export interface Replacement {
  path: string;
  /** The replaced version; absent when every version is replaced. */
  version?: string;
  newPath: string;
  /** Absent for a replacement by a folder. */
  newVersion?: string;
}

export interface GoModFile {
  module?: string;
  /** The `go` directive: `1.19`, `1.21.0`. */
  goVersion?: string;
  requires: Requirement[];
  replaces: Replacement[];
  excludes: { path: string; version: string }[];
  warnings: string[];
}

const MAX_WARNINGS = 20;

/** A line's tokens and its trailing comment; undefined when a string literal is not closed. */
function tokenize(line: string): { tokens: string[]; comment: string } | undefined {
  const tokens: string[] = [];
  let index = 0;
  while (index < line.length) {
    const char = line[index] as string;
    if (char === ' ' || char === '\t' || char === '\r') {
      index++;
    } else if (line.startsWith('//', index)) {
      return { tokens, comment: line.slice(index + 2).trim() };
    } else if (char === '"' || char === '`') {
      let end = index + 1;
      while (end < line.length && line[end] !== char) end += char === '"' && line[end] === '\\' ? 2 : 1;
      if (end >= line.length) return undefined;
      const literal = line.slice(index, end + 1);
      let value: string;
      if (char === '`') value = literal.slice(1, -1);
      else {
        try {
          value = JSON.parse(literal) as string;
        } catch {
          return undefined;
        }
      }
      tokens.push(value);
      index = end + 1;
    } else if (char === '(' || char === ')') {
      tokens.push(char);
      index++;
    } else {
      let end = index;
      while (end < line.length && !' \t\r()"`'.includes(line[end] as string) && !line.startsWith('//', end)) end++;
      tokens.push(line.slice(index, end));
      index = end;
    }
  }
  return { tokens, comment: '' };
}

function isIndirect(comment: string): boolean {
  return comment === 'indirect' || comment.startsWith('indirect;');
}

export function parseGoMod(text: string): GoModFile {
  const file: GoModFile = { requires: [], replaces: [], excludes: [], warnings: [] };
  const warn = (line: number, problem: string): void => {
    if (file.warnings.length < MAX_WARNINGS) file.warnings.push(`go.mod line ${line}: ${problem}; skipped`);
  };
  let block: string | undefined;
  const lines = text.split('\n');
  for (let number = 1; number <= lines.length; number++) {
    const parsed = tokenize(lines[number - 1] as string);
    if (!parsed) {
      warn(number, 'an unterminated string');
      continue;
    }
    let { tokens } = parsed;
    if (tokens.length === 0) continue;
    if (block !== undefined) {
      if (tokens[0] === ')') {
        block = undefined;
        continue;
      }
    } else if (tokens.length >= 2 && tokens[tokens.length - 1] === '(') {
      if (tokens.length !== 2) warn(number, 'a block opened after more than a verb');
      block = tokens[0];
      continue;
    }
    const verb = block ?? (tokens[0] as string);
    if (block === undefined) tokens = tokens.slice(1);
    switch (verb) {
      case 'module':
        if (tokens.length === 1) file.module = tokens[0];
        else warn(number, 'a module directive without one path');
        break;
      case 'go':
        if (tokens.length === 1) file.goVersion = tokens[0];
        else warn(number, 'a go directive without one version');
        break;
      case 'require':
        if (tokens.length === 2) file.requires.push({ path: tokens[0] as string, version: tokens[1] as string, indirect: isIndirect(parsed.comment) });
        else warn(number, 'a requirement without a module path and a version');
        break;
      case 'exclude':
        if (tokens.length === 2) file.excludes.push({ path: tokens[0] as string, version: tokens[1] as string });
        else warn(number, 'an exclusion without a module path and a version');
        break;
      case 'replace': {
        const arrow = tokens.indexOf('=>');
        const left = arrow < 0 ? [] : tokens.slice(0, arrow);
        const right = arrow < 0 ? [] : tokens.slice(arrow + 1);
        if (left.length < 1 || left.length > 2 || right.length < 1 || right.length > 2) {
          warn(number, 'a replacement not of the form `old [version] => new [version]`');
          break;
        }
        file.replaces.push({ path: left[0] as string, ...(left[1] ? { version: left[1] } : {}), newPath: right[0] as string, ...(right[1] ? { newVersion: right[1] } : {}) });
        break;
      }
      default:
        // toolchain, retract, godebug, tool, ignore: nothing about which modules are built.
        break;
    }
  }
  if (block !== undefined) warn(lines.length, `the ${block} block is not closed`);
  return file;
}
