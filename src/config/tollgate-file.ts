/**
 * Loading tollgate.yaml (docs/schema/tollgate.schema.json), the CLI's option file: a mapping of
 * option names (as written on the command line, without `--`) to values, with sections named for
 * commands (`image: { scan: { ... } }`). Which names are options only the CLI knows: it applies
 * the tree and refuses unknown keys (src/cli/config-file.ts); this module reads and checks the
 * shape.
 */
import { existsSync } from 'node:fs';
import { readConfigText } from './read-config-file.js';
import { loadConfigSchema } from './schemas.js';
import { parseValidatedYaml } from './validated-yaml.js';

export const DEFAULT_CONFIG_FILES = ['tollgate.yaml', '.tollgate.yaml'];

export type ConfigTree = Record<string, unknown>;

export function parseConfigFile(text: string, file: string): ConfigTree {
  const { data } = parseValidatedYaml<ConfigTree | null>(text, file, loadConfigSchema('tollgate'), {
    wording: (issue) => (issue.path.length === 0 && issue.keyword === 'type' ? 'the configuration must be a mapping of option names to values' : undefined),
  });
  return data ?? {};
}

/** The named file, else the first default file present in the working folder, else nothing. */
export function loadConfigFile(file: string | undefined): { file?: string; tree: ConfigTree } {
  const chosen = file ?? DEFAULT_CONFIG_FILES.find((candidate) => existsSync(candidate));
  if (!chosen) return { tree: {} };
  return { file: chosen, tree: parseConfigFile(readConfigText(chosen, 'configuration file'), chosen) };
}
