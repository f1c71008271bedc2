/**
 * Installed gem specifications (`specifications/*.gemspec`), which RubyGems writes as Ruby code
 * (`Gem::Specification#to_ruby`). They are never executed: only their data lines are read —
 * `s.name = "rack".freeze`, `s.version = "2.2.22"`, `s.platform = "java".freeze`,
 * `s.licenses = ["MIT".freeze]` after `Gem::Specification.new do |s|`, with RubyGems' own
 * `# stub: <name> <version> <platform> <paths>` header as the fallback. A value that is not a plain
 * string literal (`Foo::VERSION`, string interpolation, a method call) is not guessed at: a file
 * with no literal name and version is skipped with a warning.
 *
 * Bounded: lines are read one at a time and matched by anchored patterns without nested
 * repetition; the file size is bounded by the analyzer.
 */
import type { AnalyzerResult } from '../analyzer.js';
import type { PackageRecord } from '../../model/package.js';
import { schemeForPackageType } from '../../ecosystems/list.js';

const gemScheme = schemeForPackageType('gem');

/** A gem name as RubyGems allows it (`Gem::Specification#validate_name`): letters, digits, `.`, `_`, `-`. */
export const GEM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** `Gem::Specification.new do |spec|` or `Gem::Specification.new { |spec|`: the block variable. */
const SPEC_BLOCK = /^\s*Gem::Specification\.new\s*(?:\(\s*\)\s*)?(?:do|\{)\s*\|\s*([a-z_][A-Za-z0-9_]*)\s*\|/;

/** `# stub: rack 2.2.22 ruby lib`: the first line RubyGems reads without loading the file. */
const STUB = /^# stub: (\S+) (\S+) (\S+)/;

/**
 * A Ruby string literal as RubyGems writes one: `"..."` without interpolation (`#{`, `#@`, `#$`
 * make it code, not data), `'...'`, or `%q<...>` / `%q(...)` / `%q{...}` / `%q[...]`; optionally
 * `.freeze`. Each alternative's characters are disjoint from its delimiters, so matching is linear.
 */
const STRING_LITERAL = /^(?:"((?:[^"\\#]|\\.|#(?![{@$]))*)"|'((?:[^'\\]|\\.)*)'|%q<([^<>\\]*)>|%q\(([^()\\]*)\)|%q\{([^{}\\]*)\}|%q\[([^[\]\\]*)\])(?:\.freeze)?/;

/** Lines longer than this are not data lines RubyGems writes; they are skipped, unread. */
const MAX_LINE = 64 * 1024;

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** The text of the string literal at the start of `text`, with its length; undefined when it is anything else. */
function literalAt(text: string): { value: string; length: number } | undefined {
  const match = STRING_LITERAL.exec(text);
  if (!match) return undefined;
  const [whole, double, single, ...quoted] = match;
  const value = double !== undefined ? unescape(double) : single !== undefined ? unescape(single) : quoted.find((group) => group !== undefined);
  return value === undefined ? undefined : { value, length: whole.length };
}

export function rubyStringLiteral(text: string): string | undefined {
  return literalAt(text)?.value;
}

/** The value of `<variable>.<field> = <value>` on one line, after the `=`; trailing `if ...` modifiers ignored. */
function assignment(line: string, variable: string, field: string): string | undefined {
  const prefix = `${variable}.${field}`;
  const trimmed = line.trimStart();
  if (!trimmed.startsWith(prefix)) return undefined;
  const rest = trimmed.slice(prefix.length).trimStart();
  if (!rest.startsWith('=') || rest.startsWith('==')) return undefined;
  return rest.slice(1).trimStart();
}

/** `"1.0"`, `Gem::Version.new("1.0")`. */
function versionValue(value: string): string | undefined {
  const wrapped = /^Gem::Version\.new\(\s*(.*)\)/.exec(value);
  return rubyStringLiteral(wrapped ? (wrapped[1] as string) : value);
}

/** `["MIT".freeze, "Ruby".freeze]` or a single `"MIT"`. */
function licensesValue(value: string): string[] | undefined {
  const single = rubyStringLiteral(value);
  if (single !== undefined) return [single];
  if (!value.startsWith('[')) return undefined;
  const licenses: string[] = [];
  let rest = value.slice(1).trimStart();
  while (licenses.length < 32 && rest !== '' && !rest.startsWith(']')) {
    const literal = literalAt(rest);
    if (!literal) return undefined;
    licenses.push(literal.value);
    rest = rest.slice(literal.length).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
  }
  return licenses.length ? licenses : undefined;
}

interface Fields {
  name?: string;
  version?: string;
  platform?: string;
  licenses?: string[];
}

function readFields(text: string): { fields: Fields; stub?: RegExpExecArray; sawBlock: boolean } {
  const fields: Fields = {};
  let stub: RegExpExecArray | undefined;
  let variable: string | undefined;
  let start = 0;
  for (let lineNumber = 0; start <= text.length; lineNumber += 1) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    const line = stop - start > MAX_LINE ? '' : text.slice(start, stop);
    start = stop + 1;
    if (lineNumber < 3 && !stub) stub = STUB.exec(line) ?? undefined;
    if (variable === undefined) {
      variable = SPEC_BLOCK.exec(line)?.[1];
      continue;
    }
    fields.name ??= ifDefined(assignment(line, variable, 'name'), rubyStringLiteral);
    fields.version ??= ifDefined(assignment(line, variable, 'version'), versionValue);
    fields.platform ??= ifDefined(assignment(line, variable, 'platform'), rubyStringLiteral);
    fields.licenses ??= ifDefined(assignment(line, variable, 'licenses'), licensesValue) ?? ifDefined(assignment(line, variable, 'license'), licensesValue);
  }
  return { fields, ...(stub ? { stub } : {}), sawBlock: variable !== undefined };
}

function ifDefined<T>(value: string | undefined, read: (value: string) => T | undefined): T | undefined {
  return value === undefined ? undefined : read(value);
}

/** One installed gem from its specification; a file that is not a RubyGems specification is a warning. */
export function parseGemspec(text: string, location: string): AnalyzerResult {
  const { fields, stub, sawBlock } = readFields(text);
  const name = fields.name ?? stub?.[1];
  const version = fields.version ?? stub?.[2];
  if (!sawBlock && !stub) return { warnings: ['not a gem specification (no Gem::Specification.new block); skipped'] };
  if (name === undefined || version === undefined) return { warnings: ['no literal name and version in this gem specification (it computes them, and gemspecs are never run); skipped'] };
  if (!GEM_NAME.test(name)) return { warnings: [`gem name ${JSON.stringify(name.slice(0, 100))} is not a valid gem name; skipped`] };
  if (!gemScheme.isValid(version)) return { warnings: [`${name}: version ${JSON.stringify(version.slice(0, 100))} is not a gem version; skipped`] };
  const platform = fields.platform ?? (stub?.[3] !== undefined && stub[3] !== 'ruby' ? stub[3] : undefined);
  const record: PackageRecord = {
    type: 'gem',
    name,
    version: version.trim(),
    location,
    ...(platform && platform !== 'ruby' ? { architecture: platform } : {}),
    ...(fields.licenses ? { licenses: fields.licenses } : {}),
  };
  return { packages: [record] };
}
