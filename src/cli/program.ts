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

export function buildProgram(): Command {
  const program = new Command('tollgate')
    .description('A security gate for CI/CD pipelines: image vulnerabilities and host compliance.')
    .version(TOOL_VERSION)
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
    return reportError(error);
  }
}

export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // help and version are "errors" to commander; they exit 0.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.Passed;
    }
    return ExitCode.Usage;
  }
  if (isTollgateError(error)) {
    process.stderr.write(`tollgate: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${error.hint}\n`);
    return error.exitCode;
  }
  process.stderr.write(`tollgate: internal error: ${messageOf(error)}\n`);
  if (process.env.TOLLGATE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return ExitCode.ScanIncomplete;
}
