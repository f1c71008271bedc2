import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { ConfigError } from './config-error.js';
import { loadConfigSchema, type ConfigSchemaName } from './schemas.js';
import { parseValidatedYaml } from './validated-yaml.js';

const SCHEMA = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    level: { enum: ['low', 'high'] },
    items: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { id: { type: 'string' } } } },
  },
};

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the document was accepted');
}

describe('YAML checked against a JSON Schema', () => {
  it('returns the data and the position of any node', () => {
    const source = parseValidatedYaml<{ name: string; items: { id: string }[] }>('name: x\nitems:\n  - id: a\n  - id: b\n', 'f.yaml', SCHEMA);
    expect(source.data).toEqual({ name: 'x', items: [{ id: 'a' }, { id: 'b' }] });
    expect(source.where(['items', 1])).toBe('f.yaml:4:5');
    expect(source.where(['items', 1, 'missing'])).toBe('f.yaml:4:5');
    expect(source.place(['items', 1, 'id'])).toBe('f.yaml:4:9: items[1].id');
    expect(source.problem(['name'], 'is taken').message).toBe('f.yaml:1:7: name: is taken');
  });

  it('points at an unknown field by its name, at a wrong value by the value, at a missing field by its parent', () => {
    expect(errorOf(() => parseValidatedYaml('name: x\nitems:\n  - idd: a\n', 'f.yaml', SCHEMA))).toMatchObject({ message: 'f.yaml:3:5: items[0].idd: unknown field "idd"', line: 3, column: 5, field: 'items[0].idd', problem: 'unknown field "idd"' });
    expect(errorOf(() => parseValidatedYaml('name: x\nlevel: medium\n', 'f.yaml', SCHEMA)).message).toBe('f.yaml:2:8: level: must be one of "low", "high"');
    expect(errorOf(() => parseValidatedYaml('level: low\n', 'f.yaml', SCHEMA)).message).toBe('f.yaml:1:1: document: missing required field "name"');
  });

  it('lets a kind word a problem, place it elsewhere and leave the field out, and name lines only', () => {
    const error = errorOf(() =>
      parseValidatedYaml('name: x\nitems:\n  - id: 3\n', 'f.yaml', SCHEMA, {
        style: 'file:line',
        wording: (issue) => (issue.keyword === 'type' ? { problem: `"${String(issue.value)}" is not an id`, at: issue.path.slice(0, 2), field: false } : undefined),
      }),
    );
    expect(error).toMatchObject({ message: 'f.yaml:3: "3" is not an id', line: 3, column: undefined, field: undefined });
    expect(errorOf(() => parseValidatedYaml('name: x\nitems:\n  - id: 3\n', 'f.yaml', SCHEMA, { style: 'file:line' })).message).toBe('f.yaml:3: items.0.id: must be string');
  });

  it('refuses invalid YAML, duplicate keys, alias bombs and deep nesting with the place, never a crash', () => {
    expect(errorOf(() => parseValidatedYaml('name: [x\n', 'f.yaml', SCHEMA)).message).toMatch(/^f\.yaml:\d+:\d+: invalid YAML: /);
    expect(errorOf(() => parseValidatedYaml('name: x\nname: y\n', 'f.yaml', SCHEMA)).message).toMatch(/^f\.yaml:2:1: invalid YAML: Map keys must be unique/);
    const bomb = 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nname: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    expect(errorOf(() => parseValidatedYaml(bomb, 'f.yaml', SCHEMA)).message).toMatch(/^f\.yaml: .*refusing the document/);
    const deep = `name: x\nitems: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const started = Date.now();
    expect(errorOf(() => parseValidatedYaml(deep, 'f.yaml', SCHEMA)).message).toBe('f.yaml:2:72: collections nested more than 64 levels deep; refusing the document');
    expect(Date.now() - started).toBeLessThan(1000);
    // Brackets inside strings, comments and plain words are text, not nesting.
    const text = `name: "${'['.repeat(100)}"\n# ${'{'.repeat(100)}\nitems: [{ id: '${'['.repeat(100)}' }]\n`;
    expect(parseValidatedYaml(text, 'f.yaml', SCHEMA).data).toMatchObject({ name: '['.repeat(100) });
  });

  it('refuses block collections nested too deep (compact sequences, indented mappings) quickly, with the place, never a crash', () => {
    // About 2 bytes a level: half a million levels in 1 MiB, where the YAML library overflows its stack.
    const compact = `name: x\nitems:\n${'- '.repeat(512 * 1024)}x\n`;
    let started = Date.now();
    expect(errorOf(() => parseValidatedYaml(compact, 'f.yaml', SCHEMA)).message).toBe('f.yaml:3:129: collections nested more than 64 levels deep; refusing the document');
    expect(errorOf(() => parseValidatedYaml(`${'- '.repeat(512 * 1024)}x\n`, 'f.yaml', SCHEMA)).message).toBe('f.yaml:1:129: collections nested more than 64 levels deep; refusing the document');
    expect(Date.now() - started).toBeLessThan(1000);
    const indented = Array.from({ length: 2000 }, (_, level) => `${' '.repeat(level)}k:\n`).join('');
    started = Date.now();
    expect(errorOf(() => parseValidatedYaml(`name: x\nitems:\n${indented}`, 'f.yaml', SCHEMA))).toMatchObject({ line: 67, column: 65, problem: 'collections nested more than 64 levels deep; refusing the document' });
    const mixed = Array.from({ length: 2000 }, (_, level) => `${' '.repeat(level * 2)}- k:\n`).join('');
    expect(errorOf(() => parseValidatedYaml(mixed, 'f.yaml', SCHEMA)).problem).toBe('collections nested more than 64 levels deep; refusing the document');
    expect(Date.now() - started).toBeLessThan(1000);
    // As deep as the bound allows (64 levels of mappings and sequences) is read as written; one more is not.
    const nested = (levels: number): string => `name: x\nitems:\n  - id: a\n${Array.from({ length: levels }, (_, level) => `${' '.repeat(level)}k:\n`).join('')}${' '.repeat(levels)}- - x\n`;
    expect(errorOf(() => parseValidatedYaml(nested(62), 'f.yaml', SCHEMA)).message).toBe('f.yaml:4:1: k: unknown field "k"');
    expect(errorOf(() => parseValidatedYaml(nested(63), 'f.yaml', SCHEMA)).message).toBe('f.yaml:67:66: collections nested more than 64 levels deep; refusing the document');
  });

  it('turns a stack overflow in the libraries into a ConfigError naming the file', () => {
    // A schema that refers to itself without end overflows the validator's stack on any document.
    const endless = { anyOf: [{ $ref: '#' }] };
    const error = errorOf(() => parseValidatedYaml('name: x\n', 'f.yaml', endless));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^f\.yaml: the document is nested too deeply to read \(.*\); refusing the document$/);
  });

  it('throws only usage errors, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((value) => JSON.stringify(value))), (text) => {
        try {
          parseValidatedYaml(text, 'f.yaml', SCHEMA);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the shipped schemas', () => {
  const names: ConfigSchemaName[] = ['gate', 'ignore', 'credentials', 'exceptions', 'tollgate', 'policy'];

  it.each(names)('%s.schema.json is published like the others and compiles under strict checking', (name) => {
    const schema = loadConfigSchema(name) as Record<string, unknown>;
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://tollgate.dev/schema/${name}.v1.json`, title: expect.any(String), description: expect.any(String) });
    // An empty document is valid or refused by the schema; a schema ajv cannot compile would throw something else.
    try {
      parseValidatedYaml('', `${name}.yaml`, schema);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
    }
  });
});
