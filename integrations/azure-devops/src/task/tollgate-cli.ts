/**
 * Runs the Tollgate CLI for a task. The tasks call the built CLI rather than bundling the engine:
 * the CLI is the contract (its flags parse the conditions, its exit codes say pass, fail, usage
 * error or scan error), so a task's verdict is the CLI's by construction, with no second copy of
 * option handling; and the engine's native modules (SQLite, zstd) cannot be bundled into a task
 * folder that must run on any agent. The CLI comes from `npm install -g tollgate` on the agent, or
 * from the `tollgatePath` input.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import { cliEnvironment, type ServerConnection } from './connection.js';

export interface CliRun {
  code: number;
  /** The end of what the CLI wrote on stderr: the cause when it could not scan. */
  stderrTail: string;
}

const STDERR_TAIL = 4000;

export class CliNotFoundError extends Error {
  override readonly name = 'CliNotFoundError';
}

/** The tool to run: a `.js`/`.cjs` file runs under the Node that runs the task. */
export function cliTool(tollgatePath: string | undefined): { tool: string; leadingArgs: string[] } {
  const given = tollgatePath?.trim();
  if (given) {
    if (!tl.exist(given)) throw new CliNotFoundError(`tollgatePath ${given} does not exist`);
    return /\.[cm]?js$/.test(given) ? { tool: process.execPath, leadingArgs: [given] } : { tool: given, leadingArgs: [] };
  }
  const found = tl.which('tollgate', false);
  if (!found) throw new CliNotFoundError('the tollgate command is not installed on this agent: add a step that runs "npm install -g tollgate", or set tollgatePath');
  return { tool: found, leadingArgs: [] };
}

/**
 * Runs `tollgate <args>` with the environment of cliEnvironment: in server mode the connection's
 * token reaches the CLI as TOLLGATE_TOKEN, never as an argument (arguments are logged).
 */
export async function runTollgate(tollgatePath: string | undefined, args: readonly string[], connection?: ServerConnection): Promise<CliRun> {
  const { tool, leadingArgs } = cliTool(tollgatePath);
  const runner = tl.tool(tool).arg([...leadingArgs, ...args]);
  let stderr = '';
  runner.on('stderr', (data: Buffer | string) => {
    stderr = (stderr + data.toString()).slice(-STDERR_TAIL);
  });
  const code = await runner.execAsync({ ignoreReturnCode: true, failOnStdErr: false, env: cliEnvironment(process.env, connection) });
  return { code, stderrTail: stderr.trim() };
}

/** The last non-empty lines of stderr, the `tollgate: ` prefix of an error message taken off. */
export function causeOf(run: CliRun): string {
  const lines = run.stderrTail.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const last = lines.slice(-3).join(' ').replace(/^tollgate:\s*/, '');
  return last || `the tollgate command exited with code ${run.code} and no message`;
}
