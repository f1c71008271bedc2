/**
 * The JSON Schemas of compliance files, shipped in docs/schema/ (they are the documentation of
 * the formats) and read from there at run time, through the one loader of config schemas.
 */
import { loadConfigSchema } from '../../config/schemas.js';
import { packagePath } from '../../package-root.js';

export type SchemaName = 'policy' | 'credentials' | 'exceptions';

export function loadSchema(name: SchemaName): object {
  return loadConfigSchema(name);
}

/** Folder of the policies shipped with Tollgate. */
export function builtinPolicyDir(): string {
  return packagePath('policies');
}
