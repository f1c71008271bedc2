/**
 * The schema a worker's uploaded result is checked against: the model's published compliance
 * result schema (docs/schema/compliance-result.schema.json, the document `tollgate compliance scan
 * --format json` writes), with the gate's verdict optional — a worker uploads what it observed; the
 * connector judges it with its own gate. Inlined without its `$id`, so the request validator and
 * the OpenAPI document take it as it is.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-root.js';

let schema: Record<string, unknown> | undefined;

export function uploadedResultSchema(): Record<string, unknown> {
  if (!schema) {
    const published = JSON.parse(readFileSync(packagePath('docs', 'schema', 'compliance-result.schema.json'), 'utf8')) as Record<string, unknown>;
    const { $schema: _dialect, $id: _id, required, ...rest } = published;
    schema = { ...rest, required: (required as string[]).filter((name) => name !== 'verdict') };
  }
  return schema;
}
