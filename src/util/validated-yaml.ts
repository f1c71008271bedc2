/**
 * YAML documents checked against a JSON Schema (policies, credentials, exceptions): every mistake
 * is reported as `file:line:col: field: problem`, pointing at the offending node, so a user fixes
 * the file without guessing. ajv does the validation; this module only maps its findings back to
 * YAML positions, which no library does for us.
 */
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';
import { yaml } from './yaml.js';

type AjvClass = typeof Ajv.default;

const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) {
    const require = createRequire(import.meta.url);
    const Ajv = (require('ajv') as { default: AjvClass }).default;
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

export interface ValidatedYaml<T> {
  data: T;
  /** `file:line` of the node at a path (`['controls', 3, 'check']`), for later messages. */
  where(path: readonly (string | number)[]): string;
}

function pathOf(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function fieldName(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'document';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}

function describe(error: ErrorObject): { path: (string | number)[]; message: string } {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: `unknown field "${String(params.additionalProperty)}"` };
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path, message: error.message ?? error.keyword };
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

export function parseValidatedYaml<T>(text: string, file: string, schema: object): ValidatedYaml<T> {
  const { parseDocument, LineCounter } = yaml();
  const lines = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true, lineCounter: lines });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const position = error?.linePos?.[0];
    throw new UsageError(`${file}:${position ? `${position.line}:${position.col}` : '1'}: invalid YAML: ${error?.message.split('\n')[0]}`);
  }
  const position = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  // The node a path names (its value), else the nearest ancestor that exists.
  const where = (path: readonly (string | number)[]): string => {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0] ?? (depth > 0 ? findKeyNode(document, path.slice(0, depth)) : undefined);
      if (offset !== undefined) return position(offset);
    }
    return `${file}:1:1`;
  };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message} (aliases expand too much; refusing the document)`);
  }
  const validate = validatorFor(schema);
  if (!validate(data)) {
    const error = mostSpecific(validate.errors ?? []);
    const { path, message } = describe(error);
    // An unknown field is pointed at by its name; anything else at its value.
    const at = error.keyword === 'additionalProperties' ? (() => {
      const offset = findKeyNode(document, path);
      return offset === undefined ? where(path) : position(offset);
    })() : where(path);
    throw new UsageError(`${at}: ${fieldName(path)}: ${message}`);
  }
  return { data: data as T, where };
}

/** The offset of the key of a map entry (so an unknown or misspelt field is pointed at by name). */
function findKeyNode(document: ReturnType<ReturnType<typeof yaml>['parseDocument']>, path: readonly (string | number)[]): number | undefined {
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
