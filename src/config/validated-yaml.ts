/**
 * YAML configuration checked against a JSON Schema (gate file, ignore file, credentials,
 * exceptions, tollgate.yaml, policies): every mistake is a ConfigError pointing at the offending
 * node, `file:line:col: field: problem`, so a user fixes the file without guessing. ajv does the
 * validation; this module maps its findings back to YAML positions, which no library does for us,
 * and lets each kind of file word its problems in its own terms.
 *
 * Never expands or recurses without bound: aliases are capped, collections (block or flow) nested
 * deeper than any configuration needs are refused before the YAML library recurses into them, a
 * stack overflow in a library is still a ConfigError, and the text it is given is already
 * size-bounded by the read helper.
 */
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { Document } from 'yaml';
import { ConfigError, formatPosition, type ConfigProblemPlace } from './config-error.js';
import { yaml } from './yaml.js';

type AjvClass = typeof Ajv.default;

/** A field's path in the document: `['controls', 3, 'check']`. */
export type KeyPath = readonly (string | number)[];

/**
 * How a kind of file names places in its messages: `file:line:col` with `controls[0].check`, or
 * `file:line` with `fail.cvss.0` for the gate and ignore files, whose messages have had that form
 * since they were introduced (the CLI's tests match on it).
 */
export type PlaceStyle = 'file:line:col' | 'file:line';

/** One schema violation, before it is worded. */
export interface SchemaIssue {
  /** The ajv keyword that failed: `type`, `required`, `additionalProperties`, `enum`, `pattern`, ... */
  keyword: string;
  /** The value concerned; for an unknown field, that field; for a missing field, its parent. */
  path: (string | number)[];
  params: Record<string, unknown>;
  /** The value at `path` as written (undefined when missing). */
  value: unknown;
  /** For an unknown field: the fields the schema knows at that place. */
  known: string[];
  /** The default wording: `unknown field "x"`, `missing required field "x"`, `must be one of ...`. */
  problem: string;
}

/** A kind's own words for an issue, optionally about another node (`at`) and without a field name. */
export type Wording = string | { problem: string; at?: KeyPath; field?: false };

export interface YamlConfigOptions {
  style?: PlaceStyle;
  /** The kind's wording of a schema issue; undefined keeps the default. */
  wording?(issue: SchemaIssue): Wording | undefined;
}

export interface ValidatedYaml<T> {
  data: T;
  /** The position of the node at a path (`file:line:col`), for later messages and origins. */
  where(path: KeyPath): string;
  /** The place of a node as a message prefix: `file:line:col: controls[0].check`. */
  place(path: KeyPath): string;
  /**
   * A ConfigError about the node at a path, for checks a schema cannot express; `field: false`
   * leaves the field's name out (when the problem already names what it is about).
   */
  problem(path: KeyPath, problem: string, options?: { field?: false }): ConfigError;
}

const validators = new WeakMap<object, ValidateFunction>();

/**
 * Deeper than any configuration nests (a policy's check compositions reach a handful of levels),
 * far shallower than where the YAML library's recursive composer exhausts the stack, which it
 * reaches only after seconds of work on a hostile document. Block collections (indentation,
 * compact `- - - x`) and flow collections (`[`, `{`) are each bounded by it: flow collections
 * nest only inside block ones, so the composer never goes deeper than twice the bound.
 */
const MAX_DEPTH = 64;

/**
 * The offset where collections first nest deeper than the bounds, if they do. Block nesting is
 * counted from the columns where collections start: a `-` or `?` entry starts at its own column,
 * a mapping at the column of its first key, and an entry at a smaller column closes every
 * collection opened to its right. A sequence may sit at the column of the key it belongs to; that
 * level goes uncounted, so the true depth is at most twice the count, still far from the stack.
 */
function tooDeepAt(text: string): number | undefined {
  // The lexer is a generator: it stops with the first collection too deep, however long the text.
  let flowDepth = 0;
  const blockColumns: number[] = [];
  let offset = 0;
  let lineStart = 0;
  // The column where the current node began (its key, for a mapping), since the last line start or indicator.
  let nodeStart: number | undefined;
  for (const token of new (yaml().Lexer)().lex(text)) {
    // Control tokens mark the lexer's modes and stand for no source text.
    if (token.length === 1 && token < ' ' && token !== '\n' && token !== '\t' && token !== '\r') continue;
    const column = offset - lineStart;
    if (token === '[' || token === '{') {
      flowDepth += 1;
      if (flowDepth > MAX_DEPTH) return offset;
    } else if (token === ']' || token === '}') {
      flowDepth = Math.max(0, flowDepth - 1);
    }
    if (flowDepth === 0 && (token === '-' || token === '?' || token === ':')) {
      const starts = token === ':' ? (nodeStart ?? column) : column;
      while (blockColumns.length > 0 && (blockColumns[blockColumns.length - 1] as number) > starts) blockColumns.pop();
      if (blockColumns.length === 0 || blockColumns[blockColumns.length - 1] !== starts) {
        blockColumns.push(starts);
        if (blockColumns.length > MAX_DEPTH) return offset - (column - starts);
      }
      nodeStart = undefined;
    } else if (nodeStart === undefined && token.trim() !== '') {
      nodeStart = column;
    }
    offset += token.length;
    const newline = token.lastIndexOf('\n');
    if (newline >= 0) {
      lineStart = offset - token.length + newline + 1;
      nodeStart = undefined;
    }
  }
  return undefined;
}

/**
 * Runs one step of reading the document (parsing, conversion, validation); a stack overflow in
 * the libraries, which the depth bounds should make impossible, is still the user's document
 * refused, never an internal error.
 */
function guarded<T>(file: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof RangeError) throw new ConfigError({ file }, `the document is nested too deeply to read (${error.message}); refusing the document`);
    throw error;
  }
}

function validatorFor(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) {
    const require = createRequire(import.meta.url);
    const Ajv = (require('ajv') as { default: AjvClass }).default;
    // verbose: errors carry their schema, so an unknown field can be told the known ones.
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

function pathOf(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function fieldName(path: KeyPath, style: PlaceStyle): string | undefined {
  if (style === 'file:line') return path.length === 0 ? undefined : path.join('.');
  if (path.length === 0) return 'document';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function issueOf(error: ErrorObject, data: unknown): SchemaIssue {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const base = { keyword: error.keyword, params, known: [] as string[] };
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      return { ...base, path: [...path, field], value: valueAt(data, [...path, field]), known: Object.keys(properties ?? {}), problem: `unknown field "${field}"` };
    }
    case 'required':
      return { ...base, path, value: undefined, problem: `missing required field "${String(params.missingProperty)}"` };
    case 'enum':
      return { ...base, path, value: valueAt(data, path), problem: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}` };
    case 'const':
      return { ...base, path, value: valueAt(data, path), problem: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { ...base, path, value: valueAt(data, path), problem: error.message ?? error.keyword };
  }
}

/**
 * The most useful error of a failed validation: for a discriminated `oneOf` (check types), ajv
 * reports every branch; the deepest error is the one about what the user actually wrote.
 */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject {
  const meaningful = errors.filter((error) => !['oneOf', 'anyOf', 'if', 'then', 'else'].includes(error.keyword));
  const pool = meaningful.length > 0 ? meaningful : errors;
  // Deepest first; at equal depth a misspelt field explains a "missing field" better than the reverse.
  const rank = (error: ErrorObject): number => error.instancePath.split('/').length * 2 + (error.keyword === 'additionalProperties' ? 1 : 0);
  return pool.reduce((best, error) => (rank(error) > rank(best) ? error : best));
}

/** The offset of the key of a map entry (so an unknown or misspelt field is pointed at by name). */
function keyOffset(document: Document, path: KeyPath): number | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const { isMap, isScalar } = yaml();
  if (!isMap(parent)) return undefined;
  for (const item of parent.items) {
    if (isScalar(item.key) && item.key.value === last) return item.key.range?.[0];
  }
  return undefined;
}

/**
 * Parses `text` (the contents of `file`) and validates it against `schema`; the first problem
 * is thrown as a ConfigError, worded by `options.wording` when the kind has its own words for it.
 */
export function parseValidatedYaml<T>(text: string, file: string, schema: object, options: YamlConfigOptions = {}): ValidatedYaml<T> {
  const style = options.style ?? 'file:line:col';
  const { parseDocument, LineCounter } = yaml();
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const line = text.slice(0, deep).split('\n').length;
    const column = deep - text.lastIndexOf('\n', deep - 1);
    throw new ConfigError({ file, line, ...(style === 'file:line:col' ? { column } : {}) }, `collections nested more than ${MAX_DEPTH} levels deep; refusing the document`);
  }
  const lines = new LineCounter();
  const document = guarded(file, () => parseDocument(text, { uniqueKeys: true, prettyErrors: true, lineCounter: lines }));
  const position = (offset: number | undefined): Pick<ConfigProblemPlace, 'line' | 'column'> => {
    if (offset === undefined) return { line: 1, ...(style === 'file:line:col' ? { column: 1 } : {}) };
    const { line, col } = lines.linePos(offset);
    return { line, ...(style === 'file:line:col' ? { column: col } : {}) };
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const at = error?.linePos?.[0];
    const place: ConfigProblemPlace = at ? { file, line: at.line, ...(style === 'file:line:col' ? { column: at.col } : {}) } : { file, line: 1 };
    throw new ConfigError(place, `invalid YAML: ${error?.message.split('\n')[0] ?? 'parse error'}`);
  }
  // The node a path names (its value), else the nearest ancestor that exists.
  const offsetOf = (path: KeyPath): number | undefined => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0] ?? (depth > 0 ? keyOffset(document, path.slice(0, depth)) : undefined);
      if (offset !== undefined) return offset;
    }
    return undefined;
  };
  const placeOf = (path: KeyPath): ConfigProblemPlace => {
    const field = fieldName(path, style);
    return { file, ...position(offsetOf(path)), ...(field === undefined ? {} : { field }) };
  };
  const where = (path: KeyPath): string => formatPosition({ file, ...position(offsetOf(path)) });
  const place = (path: KeyPath): string => {
    const at = placeOf(path);
    return at.field === undefined ? formatPosition(at) : `${formatPosition(at)}: ${at.field}`;
  };
  const problem = (path: KeyPath, text: string, options: { field?: false } = {}): ConfigError => {
    const { field, ...at } = placeOf(path);
    return new ConfigError(options.field === false || field === undefined ? at : { ...at, field }, text);
  };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    if (error instanceof RangeError) throw new ConfigError({ file }, `the document is nested too deeply to read (${error.message}); refusing the document`);
    throw new ConfigError({ file }, `${(error as Error).message} (aliases expand too much; refusing the document)`);
  }
  const validate = validatorFor(schema);
  if (!guarded(file, () => validate(data))) {
    const error = mostSpecific(validate.errors ?? []);
    const issue = issueOf(error, data);
    const worded = options.wording?.(issue);
    const { problem: text, at, field }: Exclude<Wording, string> = worded === undefined ? { problem: issue.problem } : typeof worded === 'string' ? { problem: worded } : worded;
    const path = at ?? issue.path;
    // An unknown field is pointed at by its name; anything else at its value.
    const offset = at === undefined && error.keyword === 'additionalProperties' ? (keyOffset(document, path) ?? offsetOf(path)) : offsetOf(path);
    const name = field === false ? undefined : fieldName(path, style);
    throw new ConfigError({ file, ...position(offset), ...(name === undefined ? {} : { field: name }) }, text);
  }
  return { data: data as T, where, place, problem };
}
