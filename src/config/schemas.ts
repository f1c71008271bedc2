/**
 * The JSON Schemas of the files Tollgate reads (gate, ignore, credentials, exceptions,
 * tollgate.yaml, policies), shipped in docs/schema/: they are the documentation of the formats,
 * editors validate against them, and the loaders read them from there at run time so the two can
 * never disagree.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.js';

export type ConfigSchemaName = 'gate' | 'ignore' | 'credentials' | 'exceptions' | 'tollgate' | 'policy';

const loaded = new Map<ConfigSchemaName, object>();

export function loadConfigSchema(name: ConfigSchemaName): object {
  let schema = loaded.get(name);
  if (!schema) {
    // Shipped with the package, not user input: a missing or broken schema is an installation fault.
    schema = JSON.parse(readFileSync(packagePath('docs', 'schema', `${name}.schema.json`), 'utf8')) as object;
    loaded.set(name, schema);
  }
  return schema;
}
