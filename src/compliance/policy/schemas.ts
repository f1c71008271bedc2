/**
 * The JSON Schemas of compliance files, shipped in docs/schema/ (they are the documentation of
 * the formats) and read from there at run time.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-root.js';
const loaded = new Map<string, object>();

export type SchemaName = 'policy' | 'credentials' | 'exceptions';

export function loadSchema(name: SchemaName): object {
  let schema = loaded.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(packagePath('docs', 'schema', `${name}.schema.json`), 'utf8')) as object;
    loaded.set(name, schema);
  }
  return schema;
}

/** Folder of the policies shipped with Tollgate. */
export function builtinPolicyDir(): string {
  return packagePath('policies');
}
