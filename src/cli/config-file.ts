/**
 * Configuration from tollgate.yaml (read and checked by src/config/tollgate-file.ts), applied
 * under the command line and the environment: precedence is flag > `TOLLGATE_*` variable > file >
 * built-in default.
 *
 * The file maps option names (as written on the command line, without `--`) to values. Keys at
 * the top level apply to every command that has that option; a section named for a command
 * (`image: { scan: { ... } }`) applies to that command only. An unknown key is a usage error,
 * so a typo never silently does nothing. Never reads a file.
 */
import type { Command } from 'commander';
import type { ConfigTree } from '../config/tollgate-file.js';
import { UsageError } from '../errors.js';

/** Options a configuration file may not set: a file in a scanned repository must not decide what is trusted. */
const COMMAND_LINE_ONLY = new Set(['db-trusted-key', 'db-insecure-skip-verify']);

function isMapping(value: unknown): value is ConfigTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function commandPath(command: Command): string[] {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names;
}

function allOptionNames(root: Command): Set<string> {
  const names = new Set<string>();
  const visit = (command: Command): void => {
    for (const option of command.options) names.add(option.long?.replace(/^--(no-)?/, '') ?? '');
    command.commands.forEach(visit);
  };
  visit(root);
  return names;
}

function allCommandNames(root: Command): Set<string> {
  const names = new Set<string>();
  const visit = (command: Command): void => {
    for (const child of command.commands) {
      names.add(child.name());
      visit(child);
    }
  };
  visit(root);
  return names;
}

/**
 * Applies the configuration to `command`'s options whose value came from nowhere but a default.
 * Call from a preAction hook, after commander has applied flags and environment variables.
 */
export function applyConfig(command: Command, tree: ConfigTree, file: string): void {
  const root = ((): Command => {
    let current = command;
    while (current.parent) current = current.parent;
    return current;
  })();
  const known = allOptionNames(root);
  const commands = allCommandNames(root);
  for (const key of Object.keys(tree)) {
    if (!known.has(key) && !commands.has(key)) throw new UsageError(`${file}: unknown key "${key}"`);
  }
  let section: ConfigTree | undefined = tree;
  const layers: ConfigTree[] = [tree];
  for (const name of commandPath(command)) {
    const next: unknown = section?.[name];
    section = isMapping(next) ? next : undefined;
    if (section) layers.push(section);
  }
  const own = new Map(command.options.map((option) => [option.long?.replace(/^--(no-)?/, '') ?? '', option]));
  if (layers.length > 1) {
    const commandSection = layers[layers.length - 1] as ConfigTree;
    for (const key of Object.keys(commandSection)) {
      if (!own.has(key)) throw new UsageError(`${file}: "${key}" is not an option of "${commandPath(command).join(' ')}"`);
    }
  }
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (COMMAND_LINE_ONLY.has(key)) throw new UsageError(`${file}: "${key}" is taken from the command line only: which database signatures to trust is never read from a file`);
      const option = own.get(key);
      if (!option || isMapping(value)) continue;
      const attribute = option.attributeName();
      const source = command.getOptionValueSource(attribute);
      if (source !== undefined && source !== 'default' && source !== 'config') continue;
      // Lists are handed to the option's parser item by item, as repeated flags would be.
      const items = Array.isArray(value) ? value : [value];
      let parsed: unknown = undefined;
      for (const item of items) {
        if (typeof item === 'boolean' || !option.parseArg) parsed = Array.isArray(value) && !option.parseArg ? value : item;
        else parsed = option.parseArg(String(item), parsed as never);
      }
      command.setOptionValueWithSource(attribute, parsed, 'config');
    }
  }
}
