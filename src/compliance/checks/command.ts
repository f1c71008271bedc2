/**
 * `command`: a command on a live target (local or over SSH), with its exit code and output
 * matched. Runs with the check's own time limit; a command that hangs is ERROR, never PASS.
 */
import type { CommandCheck } from '../policy/policy-types.js';
import { EvidenceBuilder, LiveTargetRequired, type CheckType } from './check-type.js';

const MAX_EVIDENCE_OUTPUT = 300;

export const commandCheck: CheckType<CommandCheck> = {
  type: 'command',
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
      if (new RegExp(pattern, 'm').test(result.stdout)) evidence.observed(shown, source);
      else evidence.missing(`output matching /${pattern}/`, source);
    }
    for (const pattern of check.stdoutNotMatches ?? []) {
      const match = new RegExp(pattern, 'm').exec(result.stdout);
      if (match) evidence.unexpected(match[0].slice(0, MAX_EVIDENCE_OUTPUT), source);
    }
    return evidence.outcome(`${check.run}: as expected`, `${check.run}: not as expected`);
  },
};
