/**
 * Parses the module information text of a Go binary (what `go version -m` prints), line by line:
 *
 *     path    example.com/app/cmd/server
 *     mod     example.com/app    v1.2.0    h1:...
 *     dep     golang.org/x/text  v0.3.7    h1:...
 *     =>      ../text            (devel)
 *     build   GOARCH=amd64
 *
 * Columns are tab-separated; a `=>` line replaces the module on the line before it. Build settings
 * are `key=value`, either side quoted in Go syntax when it holds spaces, tabs, quotes or `=`.
 * Format from Go's `runtime/debug` (ParseBuildInfo); the code is ours. A malformed line is a warning
 * and is skipped, never a failure of the whole binary.
 */

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface GoModuleInfo {
  /** The main package's import path (`path` line). */
  path?: string;
  /** The main module (`mod` line). */
  main?: GoModule;
  deps: GoModule[];
  /** `build` settings by key, in the order they appear. */
  settings: Map<string, string>;
  warnings: string[];
}

/** Go's `strconv.Unquote` for the two quotings the build lines use; undefined when malformed. */
function unquote(text: string): string | undefined {
  if (text.length >= 2 && text.startsWith('`') && text.endsWith('`')) {
    const inner = text.slice(1, -1);
    return inner.includes('`') ? undefined : inner.replaceAll('\r', '');
  }
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    // Go's double-quoted strings escape as JSON's do, plus \a \v \x.. \u.... \U........ and octal:
    // the settings worth keeping never use those, so anything JSON cannot read is dropped.
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The quoted prefix of `text` (a Go string literal at its start), or undefined. */
function quotedPrefix(text: string): string | undefined {
  const quote = text[0];
  if (quote === '`') {
    const end = text.indexOf('`', 1);
    return end < 0 ? undefined : text.slice(0, end + 1);
  }
  for (let index = 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return text.slice(0, index + 1);
  }
  return undefined;
}

function parseSetting(setting: string): [string, string] | string {
  let key: string | undefined;
  let rawValue: string;
  if (setting.startsWith('"') || setting.startsWith('`')) {
    const rawKey = quotedPrefix(setting);
    if (!rawKey || setting[rawKey.length] !== '=') return 'a malformed quoted key';
    key = unquote(rawKey);
    rawValue = setting.slice(rawKey.length + 1);
  } else {
    const equals = setting.indexOf('=');
    if (equals <= 0) return "no key before '='";
    key = setting.slice(0, equals);
    rawValue = setting.slice(equals + 1);
  }
  if (key === undefined) return 'a malformed quoted key';
  const value = rawValue.startsWith('"') || rawValue.startsWith('`') ? unquote(rawValue) : rawValue;
  if (value === undefined) return 'a malformed quoted value';
  return [key, value];
}

function moduleOf(columns: string[]): GoModule | undefined {
  if (columns.length !== 2 && columns.length !== 3) return undefined;
  const [path = '', version = '', sum = ''] = columns;
  if (path === '') return undefined;
  return { path, version, ...(sum ? { sum } : {}) };
}

/** Most warnings kept per binary: a corrupt text must not make a list as long as itself. */
const MAX_WARNINGS = 20;

export function parseModuleInfo(text: string): GoModuleInfo {
  const info: GoModuleInfo = { deps: [], settings: new Map(), warnings: [] };
  const warn = (line: number, problem: string): void => {
    if (info.warnings.length < MAX_WARNINGS) info.warnings.push(`module information line ${line}: ${problem}; skipped`);
  };
  let last: GoModule | undefined;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const kind = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (kind) {
      case 'path':
        info.path = rest;
        last = undefined;
        break;
      case 'mod':
      case 'dep': {
        const module = moduleOf(rest.split('\t'));
        if (!module) {
          warn(lineNumber, `a ${kind} line without a module path and version`);
          last = undefined;
          break;
        }
        if (kind === 'mod') info.main = module;
        else info.deps.push(module);
        last = module;
        break;
      }
      case '=>': {
        const columns = rest.split('\t');
        if (columns.length !== 3 || columns[0] === '') warn(lineNumber, 'a replacement without three columns');
        else if (!last) warn(lineNumber, 'a replacement with no module before it');
        else {
          const [path = '', version = '', sum = ''] = columns;
          last.replace = { path, version, ...(sum ? { sum } : {}) };
        }
        last = undefined;
        break;
      }
      case 'build': {
        const setting = parseSetting(rest);
        if (typeof setting === 'string') warn(lineNumber, setting);
        else info.settings.set(setting[0], setting[1]);
        last = undefined;
        break;
      }
      default:
        warn(lineNumber, `an unknown line kind ${JSON.stringify(kind.slice(0, 20))}`);
        last = undefined;
    }
  }
  return info;
}
