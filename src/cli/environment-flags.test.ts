import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseBooleanVariable } from './environment-flags.js';
import { buildProgram } from './program.js';

/** Every command of the real program with the on/off flags that have a TOLLGATE_* variable. */
function commandsWithBooleanVariables(root: Command): { path: string[]; command: Command; options: Option[] }[] {
  const found: { path: string[]; command: Command; options: Option[] }[] = [];
  const visit = (command: Command, path: string[]): void => {
    const options = command.options.filter((option) => option.isBoolean() && !option.negate && option.envVar);
    if (options.length > 0) found.push({ path, command, options });
    for (const child of command.commands) visit(child, [...path, child.name()]);
  };
  for (const child of root.commands) visit(child, [child.name()]);
  return found;
}

/** Parses `path` on the real program with `env` set, the command's action replaced by a recorder. */
async function optionsOf(path: string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const program = buildProgram();
  const target = commandsWithBooleanVariables(program).find((entry) => entry.path.join(' ') === path.join(' '));
  if (!target) throw new Error(`no command ${path.join(' ')}`);
  let seen: Record<string, unknown> = {};
  target.command.action(function (this: Command) {
    seen = this.opts();
  });
  const saved = { ...process.env };
  Object.assign(process.env, env, { TOLLGATE_CONFIG: '' });
  try {
    // One operand per required argument; none of these commands reads them here.
    const operands = target.command.registeredArguments.filter((argument) => argument.required).map(() => 'x');
    // A value for each mandatory option (the sensor's and worker's --server), which the recorder never uses.
    const mandatory = target.command.options.filter((option) => option.mandatory && option.long).flatMap((option) => [option.long as string, 'http://127.0.0.1:1']);
    await program.parseAsync(['node', 'tollgate', ...path, ...operands, ...mandatory]);
  } finally {
    process.env = saved;
  }
  return seen;
}

describe('on/off flags from TOLLGATE_* variables', () => {
  it('read the value: true/1/yes/on and false/0/no/off in any case, empty as not set', () => {
    for (const on of ['true', 'TRUE', '1', 'yes', 'On', ' true ']) expect(parseBooleanVariable('TOLLGATE_X', on)).toBe(true);
    for (const off of ['false', 'False', '0', 'no', 'OFF']) expect(parseBooleanVariable('TOLLGATE_X', off)).toBe(false);
    expect(parseBooleanVariable('TOLLGATE_X', '')).toBeUndefined();
    expect(() => parseBooleanVariable('TOLLGATE_X', 'maybe')).toThrow(UsageError);
    expect(() => parseBooleanVariable('TOLLGATE_X', 'maybe')).toThrow(/TOLLGATE_X="maybe" is not an on\/off value/);
  });

  it('exist on the commands where a wrong "on" hides findings or weakens transport', () => {
    const variables = commandsWithBooleanVariables(buildProgram()).flatMap((entry) => entry.options.map((option) => `${entry.path.join(' ')}: ${option.envVar}`));
    expect(variables).toEqual(expect.arrayContaining(['image scan: TOLLGATE_IGNORE_UNFIXED', 'image scan: TOLLGATE_REGISTRY_INSECURE', 'image scan: TOLLGATE_QUIET', 'compliance scan: TOLLGATE_REGISTRY_INSECURE']));
  });

  for (const entry of commandsWithBooleanVariables(buildProgram())) {
    for (const option of entry.options) {
      const variable = option.envVar as string;
      it(`${entry.path.join(' ')}: ${variable}=false leaves the flag off, =true turns it on, =maybe is a usage error`, async () => {
        const attribute = option.attributeName();
        expect((await optionsOf(entry.path, { [variable]: 'false' }))[attribute]).not.toBe(true);
        expect((await optionsOf(entry.path, { [variable]: '0' }))[attribute]).not.toBe(true);
        expect((await optionsOf(entry.path, { [variable]: '' }))[attribute]).not.toBe(true);
        expect((await optionsOf(entry.path, { [variable]: 'true' }))[attribute]).toBe(true);
        expect((await optionsOf(entry.path, { [variable]: 'YES' }))[attribute]).toBe(true);
        await expect(optionsOf(entry.path, { [variable]: 'maybe' })).rejects.toThrow(new RegExp(`${variable}="maybe"`));
      });
    }
  }
});
