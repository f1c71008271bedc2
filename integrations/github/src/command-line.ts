/**
 * The action's inputs as a `tollgate` command line. Pure: the inputs (as @actions/core reads them)
 * and the report paths in, the arguments out. Every flag of `image scan` and `compliance scan` is
 * an input named as the flag without its dashes (the list is generated from the CLI, see
 * inputs.generated.json); a multi-line value is the flag given once per line; a switch is `true`
 * or `false` (`cache: false` is `--no-cache`). The action adds only where the reports go.
 */
export interface ActionInput {
  readonly name: string;
  readonly flag: string;
  readonly takesValue: boolean;
  readonly negate: boolean;
  readonly commands: readonly ('image' | 'compliance')[];
}

export type ScanCommand = 'image' | 'compliance';

/** Where the action asks the CLI to write its reports. */
export interface ReportPaths {
  json: string;
  markdown: string;
  verdict: string;
  /** SARIF is an image report only. */
  sarif?: string;
}

/** Inputs the action sets itself: the user's value would fight the action's report handling. */
/** `token` is read by the action itself: masked with setSecret and passed as TOLLGATE_TOKEN, never on the command line. */
export const ACTION_OWNED = new Set(['output', 'summary-output', 'token']);

export class InputError extends Error {}

/** One value per non-blank line; surrounding blanks removed. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function switchValue(name: string, value: string): boolean {
  const normal = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(normal)) return true;
  if (['false', 'no', '0', 'off'].includes(normal)) return false;
  throw new InputError(`input "${name}": "${value}" is not true or false`);
}

export function scanCommandOf(value: string): ScanCommand {
  const command = value.trim() === '' ? 'image' : value.trim();
  if (command !== 'image' && command !== 'compliance') throw new InputError(`input "command": "${value}" is neither image nor compliance`);
  return command;
}

/**
 * The arguments after `tollgate`. `read(name)` is the input's value ('' when not given). An input
 * of the other scan command is an error, not silently dropped.
 */
export function commandLineOf(command: ScanCommand, inputs: readonly ActionInput[], read: (name: string) => string, reports: ReportPaths): string[] {
  const flags: string[] = [];
  for (const input of inputs) {
    if (ACTION_OWNED.has(input.name)) continue;
    const value = read(input.name);
    if (value.trim() === '') continue;
    if (!input.commands.includes(command)) throw new InputError(`input "${input.name}" applies to ${input.commands.join(' and ')} scans, not ${command} scans`);
    if (!input.takesValue) {
      const on = switchValue(input.name, value);
      // A negatable switch (`--no-cache`) is written only to turn the default off; `cache: true` is the default.
      if (input.negate ? !on : on) flags.push(input.flag);
      continue;
    }
    for (const line of lines(value)) flags.push(input.flag, line);
  }
  const subjects = command === 'image' ? lines(read('images')) : lines(read('target'));
  if (command === 'image' && subjects.length === 0) throw new InputError('input "images": name at least one image, one per line');
  if (command === 'compliance' && subjects.length > 1) throw new InputError('input "target": one target per step');
  const formats = ['--format', 'table', '--format', `json=${reports.json}`, '--format', `markdown=${reports.markdown}`, ...(reports.sarif ? ['--format', `sarif=${reports.sarif}`] : [])];
  return [command, 'scan', ...flags, ...formats, '--summary-output', reports.verdict, ...(subjects.length > 0 ? ['--', ...subjects] : [])];
}
