/**
 * `command`: a command on a live target (local or over SSH), with its exit code and output
 * matched. Runs with the check's own time limit; a command that hangs is ERROR, never PASS.
 */
import { requireRegex } from '../compare.js';
import { patternExec, patternTest } from '../policy-pattern.js';
import { EvidenceBuilder, LiveTargetRequired, type CheckType, type DefinitionSite, type SchemaFragment } from '../check-type.js';

export interface CommandCheck {
  type: 'command';
  run: string;
  privileged?: boolean;
  exitCode?: number;
  stdoutMatches?: string[];
  stdoutNotMatches?: string[];
  timeoutSeconds?: number;
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'A command on a live target.',
  required: ['type', 'run'],
  additionalProperties: false,
  properties: {
    type: { const: 'command' },
    run: { type: 'string', minLength: 1 },
    privileged: { type: 'boolean' },
    exitCode: { type: 'integer' },
    stdoutMatches: { type: 'array', items: { type: 'string', minLength: 1 } },
    stdoutNotMatches: { type: 'array', items: { type: 'string', minLength: 1 } },
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
  },
};

function validate(check: CommandCheck, site: DefinitionSite): void {
  for (const name of ['stdoutMatches', 'stdoutNotMatches'] as const) check[name]?.forEach((pattern, index) => requireRegex(pattern, site.where([name, index]), site.field([name, index])));
}

const MAX_EVIDENCE_OUTPUT = 300;

export const commandCheck: CheckType<CommandCheck> = {
  id: 'command',
  schemas: { command: SCHEMA },
  validate,
  async evaluate(check, { target, commandTimeoutMs }) {
    if (!target.run) throw new LiveTargetRequired(`the command "${check.run}"`);
    const timeoutMs = check.timeoutSeconds === undefined ? commandTimeoutMs : check.timeoutSeconds * 1000;
    const result = await target.run(check.run, { timeoutMs, ...(check.privileged ? { privileged: true } : {}) });
    const evidence = new EvidenceBuilder();
    const source = { command: check.run };
    const output = result.stdout.trim();
    const shown = output.length > MAX_EVIDENCE_OUTPUT ? `${output.slice(0, MAX_EVIDENCE_OUTPUT)}…` : output;
    const wantedExit = check.exitCode ?? 0;
    if (result.exitCode === wantedExit) evidence.observed(`exit code ${result.exitCode}`, source);
    else evidence.unexpected(`exit code ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().slice(0, MAX_EVIDENCE_OUTPUT)}` : ''}`, source).missing(`exit code ${wantedExit}`, source);
    for (const pattern of check.stdoutMatches ?? []) {
      if (patternTest(pattern, result.stdout, { multiline: true })) evidence.observed(shown, source);
      else evidence.missing(`output matching /${pattern}/`, source);
    }
    for (const pattern of check.stdoutNotMatches ?? []) {
      const match = patternExec(pattern, result.stdout, { multiline: true });
      if (match) evidence.unexpected((match[0] ?? '').slice(0, MAX_EVIDENCE_OUTPUT), source);
    }
    return evidence.outcome(`${check.run}: as expected`, `${check.run}: not as expected`);
  },
};
