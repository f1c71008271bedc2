/**
 * A scan as a pipeline step holds it: which scan (`image scan` or `compliance scan`), what it
 * scans (image references or the target) and the flags as the user wrote them. Read from a
 * command line by the real scan commands' own definitions, so every flag `image scan` or
 * `compliance scan` accepts is accepted here, with the same usage errors, and no flag list is kept
 * twice. Also the list of every scan flag as a CI input (`scanInputs`), from which the GitHub
 * Action's inputs are generated. Never runs a scan.
 */
import { Command, CommanderError, type Option } from 'commander';
import { UsageError } from '../../errors.js';
import { registerComplianceCommand } from './compliance.js';
import { registerImageCommand } from './image.js';

export type ScanCommand = 'image' | 'compliance';
export const SCAN_COMMANDS: readonly ScanCommand[] = ['image', 'compliance'];

/** One flag as given: `--fail-on HIGH` is `{ flag: '--fail-on', values: ['HIGH'] }`; a switch has no values. */
export interface GivenFlag {
  /** The long flag as the CLI spells it, `--no-cache` included. */
  readonly flag: string;
  /** The option's input name (commander's attribute: `failOn`, `cache` for `--no-cache`). */
  readonly attribute: string;
  /** Each occurrence's text, in order; empty for a switch. */
  readonly values: readonly string[];
  /** A switch that turns something off (`--no-cache`). */
  readonly negate: boolean;
}

export interface ScanInvocation {
  readonly command: ScanCommand;
  /** Image references for `image`, the target (at most one) for `compliance`. */
  readonly subjects: readonly string[];
  readonly flags: readonly GivenFlag[];
}

/** The two scan commands as the CLI defines them, on a program that throws instead of printing or exiting. */
function scanCommands(): Record<ScanCommand, Command> {
  const program = new Command('tollgate').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerImageCommand(program);
  registerComplianceCommand(program);
  const scan = (name: ScanCommand): Command => {
    const found = program.commands.find((command) => command.name() === name)?.commands.find((command) => command.name() === 'scan');
    if (!found) throw new Error(`the CLI has no "${name} scan" command`);
    return found;
  };
  return { image: scan('image'), compliance: scan('compliance') };
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

function findOption(command: Command, token: string): Option | undefined {
  return command.options.find((option) => option.long === token || option.short === token);
}

/**
 * Reads `image scan <refs...> [flags]` or `compliance scan [target] [flags]`. The flags are checked
 * by the command itself (an unknown flag, a bad severity, a missing value are usage errors naming
 * the flag); the text of each is kept as written, so the step says what the user said.
 */
export async function readScanInvocation(words: readonly string[]): Promise<ScanInvocation> {
  const [name, verb, ...rest] = words;
  if (!SCAN_COMMANDS.includes(name as ScanCommand) || verb !== 'scan') {
    throw new UsageError(`the step runs a scan: write "image scan <refs...> [flags]" or "compliance scan [target] [flags]" after the snippet's own flags (got "${words.slice(0, 2).join(' ')}")`);
  }
  const command = name as ScanCommand;
  const definition = scanCommands()[command];
  definition.action(() => undefined);
  try {
    await definition.parseAsync([...rest], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(`${command} scan: ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  const subjects: string[] = [];
  const flags = new Map<string, { flag: string; attribute: string; values: string[]; negate: boolean }>();
  for (let index = 0; index < rest.length; index += 1) {
    const token = rest[index] ?? '';
    if (token === '--') {
      subjects.push(...rest.slice(index + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      subjects.push(token);
      continue;
    }
    const equals = token.startsWith('--') ? token.indexOf('=') : -1;
    const head = equals === -1 ? (token.startsWith('--') ? token : token.slice(0, 2)) : token.slice(0, equals);
    const option = findOption(definition, head);
    if (!option?.long) throw new UsageError(`${command} scan: unknown option '${head}'`);
    const entry = flags.get(option.long) ?? { flag: option.long, attribute: option.attributeName(), values: [], negate: option.negate };
    flags.set(option.long, entry);
    if (!takesValue(option)) continue;
    if (equals !== -1) entry.values.push(token.slice(equals + 1));
    else if (!token.startsWith('--') && token.length > 2) entry.values.push(token.slice(2));
    else {
      entry.values.push(rest[index + 1] ?? '');
      index += 1;
    }
  }
  if (command === 'image' && subjects.length === 0) throw new UsageError('image scan: name at least one image');
  return { command, subjects, flags: [...flags.values()] };
}

/** A scan flag as a CI input: the union of both scan commands' flags, each once. */
export interface ScanInput {
  /** The flag without its dashes, `--no-` removed: `fail-on`, `cache`. */
  readonly name: string;
  /** commander's attribute name, the camelCase input of Azure DevOps and Jenkins: `failOn`. */
  readonly attribute: string;
  readonly flag: string;
  readonly description: string;
  readonly takesValue: boolean;
  readonly negate: boolean;
  readonly commands: readonly ScanCommand[];
}

export function scanInputs(): ScanInput[] {
  const commands = scanCommands();
  const inputs = new Map<string, { name: string; attribute: string; flag: string; description: string; takesValue: boolean; negate: boolean; commands: ScanCommand[] }>();
  for (const command of SCAN_COMMANDS) {
    for (const option of commands[command].options) {
      if (!option.long || option.hidden) continue;
      const name = option.long.replace(/^--(no-)?/, '');
      const known = inputs.get(option.long);
      if (known) known.commands.push(command);
      else inputs.set(option.long, { name, attribute: option.attributeName(), flag: option.long, description: option.description, takesValue: takesValue(option), negate: option.negate, commands: [command] });
    }
  }
  return [...inputs.values()];
}
