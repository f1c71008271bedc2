/**
 * The published JSON schemas (docs/schema/) describe exactly the documents the model's types
 * describe: a field added to a type and not to its schema (or the other way round), a changed
 * enumeration or a field turned optional fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createGenerator, type SchemaGenerator } from 'ts-json-schema-generator';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPLIANCE_SCHEMA_VERSION, COMPLIANCE_VERDICT_SCHEMA_VERSION, SCAN_RESULT_SCHEMA_VERSION, VERDICT_SCHEMA_VERSION } from './index.js';
import { shapeDifferences, shapeOf } from './test-support/schema-shape.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Each published document: its schema file, the type it describes, the version constant it carries. */
const DOCUMENTS = [
  { file: 'scan-result.schema.json', type: 'ScanResult', version: SCAN_RESULT_SCHEMA_VERSION },
  { file: 'verdict.schema.json', type: 'AggregateVerdict', version: VERDICT_SCHEMA_VERSION },
  { file: 'compliance-result.schema.json', type: 'ComplianceJsonDocument', version: COMPLIANCE_SCHEMA_VERSION },
] as const;

function published(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO, 'docs', 'schema', file), 'utf8')) as Record<string, unknown>;
}

let generator: SchemaGenerator;
beforeAll(() => {
  generator = createGenerator({ path: path.join(REPO, 'src/model/index.ts'), tsconfig: path.join(REPO, 'tsconfig.json'), type: '*', skipTypeCheck: true, expose: 'export', topRef: false, jsDoc: 'none' });
}, 60_000);

function fromTypes(type: string): Record<string, unknown> {
  return generator.createSchema(type) as Record<string, unknown>;
}

describe('published schemas', () => {
  for (const document of DOCUMENTS) {
    it(`docs/schema/${document.file} accepts the same shape as the ${document.type} type`, () => {
      const schema = published(document.file);
      const types = fromTypes(document.type);
      expect(shapeDifferences(shapeOf(schema, schema), shapeOf(types, types))).toEqual([]);
    });

    it(`docs/schema/${document.file} names schemaVersion ${document.version}`, () => {
      const properties = published(document.file).properties as Record<string, { const?: unknown }>;
      expect(properties.schemaVersion?.const).toBe(document.version);
    });
  }

  it('the compliance verdict inside the compliance JSON names its own schemaVersion', () => {
    const verdict = (published('compliance-result.schema.json').properties as Record<string, { properties: Record<string, { const?: unknown }> }>).verdict;
    expect(verdict?.properties.schemaVersion?.const).toBe(COMPLIANCE_VERDICT_SCHEMA_VERSION);
  });
});

describe('the shape comparison', () => {
  const schema = published('scan-result.schema.json');
  const types = (): Record<string, unknown> => fromTypes('ScanResult');

  it('finds a field the types have and the schema lacks', () => {
    const edited = structuredClone(schema);
    delete (edited.properties as Record<string, unknown>).warnings;
    (edited.required as string[]).splice((edited.required as string[]).indexOf('warnings'), 1);
    expect(shapeDifferences(shapeOf(edited, edited), shapeOf(types(), types()))).toEqual(['$.warnings: in the types, not in the published schema']);
  });

  it('finds a changed enumeration, a field turned optional and a changed type', () => {
    const edited = structuredClone(schema);
    const defs = edited.$defs as Record<string, Record<string, unknown>>;
    defs.severity = { enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] };
    (edited.required as string[]).splice((edited.required as string[]).indexOf('scannedAt'), 1);
    ((edited.properties as Record<string, Record<string, unknown>>).tool as { properties: Record<string, unknown> }).properties.version = { type: 'integer' };
    const differences = shapeDifferences(shapeOf(edited, edited), shapeOf(types(), types()));
    expect(differences).toContain('$.scannedAt: optional in the published schema, required in the types');
    expect(differences).toContain('$.tool.version: the published schema says a number, the types say a string');
    expect(differences.some((line) => line.includes('severity') && line.includes('NEGLIGIBLE'))).toBe(true);
  });
});
