/**
 * The YAML library, loaded on first use: most runs read no YAML file, and loading it costs a
 * noticeable part of a warm scan's start-up.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

type YamlModule = typeof Yaml;

let loaded: YamlModule | undefined;

export function yaml(): YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loaded;
}
