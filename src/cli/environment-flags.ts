/**
 * On/off flags from `TOLLGATE_*` variables, read strictly. Commander turns a flag on whenever its
 * variable is set at all, so `TOLLGATE_IGNORE_UNFIXED=false` would hide unfixed findings and
 * `TOLLGATE_REGISTRY_INSECURE=0` would allow plain HTTP: a pipeline that meant "off" gets "on".
 * Here the variable's value decides: true/1/yes/on turn the flag on, false/0/no/off turn it off
 * (case-insensitive), an empty value counts as not set, and anything else is a usage error naming
 * the variable. Runs before the configuration file is applied, so a variable still outranks it.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

const ON = new Set(['true', '1', 'yes', 'on']);
const OFF = new Set(['false', '0', 'no', 'off']);

/** The flag's state from a variable's value; undefined when the value means "not set". */
export function parseBooleanVariable(name: string, value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (word === '') return undefined;
  if (ON.has(word)) return true;
  if (OFF.has(word)) return false;
  throw new UsageError(`${name}="${value}" is not an on/off value: use true or false (1/0, yes/no, on/off)`);
}

/** Re-reads every on/off flag of `command` that commander took from its variable. */
export function applyBooleanVariables(command: Command, env: NodeJS.ProcessEnv = process.env): void {
  for (const option of command.options) {
    if (!option.isBoolean() || option.negate || !option.envVar) continue;
    const attribute = option.attributeName();
    if (command.getOptionValueSource(attribute) !== 'env') continue;
    const state = parseBooleanVariable(option.envVar, env[option.envVar] ?? '');
    if (state === undefined) command.setOptionValueWithSource(attribute, option.defaultValue, 'default');
    else command.setOptionValueWithSource(attribute, state, 'env');
  }
}
