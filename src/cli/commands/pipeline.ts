/**
 * `tollgate pipeline snippet --ci github|gitlab|azure|jenkins <image scan ...|compliance scan ...>`:
 * prints a ready-to-paste pipeline step that runs the same scan with the same flags through that
 * CI system's Tollgate integration. The scan's flags are checked by the scan command itself, so a
 * snippet never carries a flag the scan would refuse. Thin: the reading is in pipeline-scan.ts,
 * the writing in pipeline-snippets.ts; nothing is scanned.
 */
import { Option, type Command } from 'commander';
import { CI_SYSTEMS, SNIPPET_GENERATORS, type CiSystem } from './pipeline-snippets.js';
import { readScanInvocation } from './pipeline-scan.js';

export function registerPipelineCommand(program: Command): void {
  const pipeline = program.command('pipeline').description('CI pipeline helpers');
  pipeline
    .command('snippet')
    .description('print a pipeline step that runs a scan, e.g. tollgate pipeline snippet --ci github image scan alpine:3.20 --fail-on HIGH')
    .addOption(new Option('--ci <system>', 'the CI system whose step to print').choices(CI_SYSTEMS).makeOptionMandatory())
    .addOption(new Option('--ref <commit>', 'the commit SHA (or tag) of the GitHub Action or GitLab component to pin (default: this version\'s tag, with a note to pin it)'))
    .argument('<scan...>', 'the scan as on the command line: image scan <refs...> [flags], or compliance scan [target] [flags]')
    .allowUnknownOption()
    .action(async (words: string[], options: { ci: CiSystem; ref?: string }) => {
      const scan = await readScanInvocation(words);
      process.stdout.write(SNIPPET_GENERATORS[options.ci](scan, options.ref ? { ref: options.ref } : {}));
    });
}
