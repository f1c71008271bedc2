/**
 * Builds the commander program and maps thrown errors to the exit codes of DESIGN.md.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isTollgateError, messageOf } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { loadConfigFile } from '../config/tollgate-file.js';
import { applyConfig } from './config-file.js';
import { applyBooleanVariables } from './environment-flags.js';
import { displayable, printNotice } from './messages.js';
import { redactUrlsIn } from '../util/redact-url.js';
import { terminalText } from '../util/terminal-text.js';

export function buildProgram(): Command {
  const program = new Command('tollgate')
    .description('A security gate for CI/CD pipelines: image vulnerabilities and host compliance.')
    .version(TOOL_VERSION)
    .addOption(new Option('--debug', 'on an internal error, print its stack trace for the bug report (also TOLLGATE_DEBUG=1)'))
    .addOption(new Option('--config <file>', 'configuration file (default: ./tollgate.yaml or ./.tollgate.yaml when present)').env('TOLLGATE_CONFIG'))
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  // Configuration file values go under flags and TOLLGATE_* variables, which commander has applied.
  program.hook('preAction', (_program, action) => {
    applyBooleanVariables(action);
    const { file, tree } = loadConfigFile(program.opts<{ config?: string }>().config);
    if (file) applyConfig(action, tree, file);
  });
  return program;
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Passed;
  } catch (error) {
    return reportError(error, argv);
  }
}

export function reportError(error: unknown, argv: readonly string[] = process.argv): number {
  if (error instanceof CommanderError) {
    // help and version are "errors" to commander; they exit 0.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.Passed;
    }
    return ExitCode.Usage;
  }
  if (isTollgateError(error)) {
    printNotice(error.message);
    if (error.hint) process.stderr.write(`  ${displayable(error.hint)}\n`);
    return error.exitCode;
  }
  // Anything untyped is a bug in Tollgate, never the user's input: say so, ask for a report, and
  // keep the stack (which names Tollgate's own files) for --debug / TOLLGATE_DEBUG.
  printNotice(`internal error: ${messageOf(error)}`);
  process.stderr.write(`  This is a bug in Tollgate ${TOOL_VERSION}, not a problem with your input: please report it at ${ISSUES_URL}${debugRequested(argv) ? '' : ' with the output of the same command run with --debug'}.\n`);
  if (debugRequested(argv) && error instanceof Error && error.stack) process.stderr.write(`${terminalText(redactUrlsIn(error.stack))}\n`);
  return ExitCode.ScanIncomplete;
}

const ISSUES_URL = 'https://github.com/tollgate-dev/tollgate/issues';

/** `--debug` anywhere on the command line, or TOLLGATE_DEBUG set to anything but a false value. */
function debugRequested(argv: readonly string[]): boolean {
  const variable = process.env.TOLLGATE_DEBUG?.trim().toLowerCase();
  return argv.includes('--debug') || (variable !== undefined && variable !== '' && !['0', 'false', 'no'].includes(variable));
}
