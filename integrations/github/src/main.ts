/**
 * The GitHub Action: reads its inputs, runs `tollgate image scan` or `tollgate compliance scan`
 * with them, and hands the results to GitHub: the step's outputs (verdict path, passed, counts,
 * report paths), the Markdown summary on the job's page (GITHUB_STEP_SUMMARY), and the step's
 * failure when the gate failed or the scan could not run. Every decision is the CLI's: this file
 * only translates. Bundled with its dependencies into integrations/github/dist/index.cjs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { commandLineOf, InputError, scanCommandOf, type ActionInput, type ReportPaths } from './command-line.js';
import { givenCli, installedCli, type CliCommand } from './cli-location.js';
import { boundedSummary, verdictOutputs } from './outputs.js';
import generatedInputs from './inputs.generated.json' with { type: 'json' };

declare const __TOLLGATE_VERSION__: string;
declare const __TOLLGATE_PACKAGE__: string;

const INPUTS = generatedInputs as ActionInput[];

/** What the CLI's exit codes mean (DESIGN.md), for the step's failure message. */
const EXIT_MEANING: Record<number, string> = { 2: 'a usage or configuration error', 3: 'the scan could not be completed' };

/** Runs the CLI with its output on the step's log; keeps the end of stderr for the failure message. */
function runCli(cli: CliCommand, args: string[], token: string): Promise<{ code: number; stderrTail: string }> {
  return new Promise((resolve, reject) => {
    // The action sets the step's outputs itself; the CLI's own GITHUB_OUTPUT variable would add a second copy of the verdict.
    const env = { ...process.env };
    delete env.GITHUB_OUTPUT;
    if (token) env.TOLLGATE_TOKEN = token;
    const child = spawn(cli.command, [...cli.args, ...args], { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 3), stderrTail: tail.trim() }));
  });
}

function reportPaths(command: 'image' | 'compliance', folder: string): ReportPaths {
  return {
    json: path.join(folder, `tollgate-${command}.json`),
    markdown: path.join(folder, `tollgate-${command}.md`),
    verdict: path.join(folder, `tollgate-${command}-verdict.json`),
    ...(command === 'image' ? { sarif: path.join(folder, 'tollgate-image.sarif') } : {}),
  };
}

async function run(): Promise<void> {
  const command = scanCommandOf(core.getInput('command'));
  const folder = path.resolve(core.getInput('output-dir') || path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'tollgate'));
  mkdirSync(folder, { recursive: true });
  const reports = reportPaths(command, folder);
  const token = core.getInput('token');
  // Masked before anything is logged: the runner replaces it with *** wherever it would appear.
  if (token) core.setSecret(token);
  const args = commandLineOf(command, INPUTS, (name) => core.getInput(name), reports);
  const given = core.getInput('cli');
  const cli = given ? givenCli(given) : installedCli(__TOLLGATE_PACKAGE__, __TOLLGATE_VERSION__, process.env.RUNNER_TOOL_CACHE ?? process.env.RUNNER_TEMP ?? os.tmpdir());
  core.info(`tollgate ${args.join(' ')}`);
  const { code, stderrTail } = await runCli(cli, args, token);
  core.setOutput('exit-code', String(code));

  if (code === 0 && !existsSync(reports.verdict)) {
    // Passed with nothing to judge: an authentication failure without fail-on-auth-failure passes
    // with the CLI's warning and no report, as the connectors do.
    const cause = stderrTail.split('\n').slice(-3).join(' ');
    core.warning(`Tollgate: passed without a verdict${cause ? `: ${cause}` : ''}`);
    core.setOutput('passed', 'true');
    for (const name of ['verdict', 'json', 'markdown', 'sarif']) core.setOutput(name, '');
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`Tollgate: passed without a verdict, no report${cause ? `: ${cause}` : ''}\n`).write();
    return;
  }
  if (code === 0 || code === 1) {
    core.setOutput('verdict', reports.verdict);
    core.setOutput('json', reports.json);
    core.setOutput('markdown', reports.markdown);
    core.setOutput('sarif', reports.sarif && existsSync(reports.sarif) ? reports.sarif : '');
    const verdictJson = readFileSync(reports.verdict, 'utf8');
    for (const [name, value] of Object.entries(verdictOutputs(verdictJson))) core.setOutput(name, value);
    if (process.env.GITHUB_STEP_SUMMARY && existsSync(reports.markdown)) await core.summary.addRaw(boundedSummary(readFileSync(reports.markdown, 'utf8'))).write();
    if (code === 1) {
      const reasons = (JSON.parse(verdictJson) as { reasons?: string[] }).reasons ?? [];
      core.setFailed(`Tollgate: the gate failed: ${reasons.join('; ') || 'see the report'}`);
    }
    return;
  }
  core.setOutput('passed', 'false');
  core.setFailed(`Tollgate: ${EXIT_MEANING[code] ?? `tollgate ended with exit code ${code}`}${stderrTail ? `: ${stderrTail.split('\n').slice(-3).join(' ')}` : ''}`);
}

run().catch((error: unknown) => {
  core.setOutput('passed', 'false');
  core.setFailed(error instanceof InputError ? `Tollgate: ${error.message}` : `Tollgate action failed: ${error instanceof Error ? error.message : String(error)}`);
});
