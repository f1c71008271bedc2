/**
 * Runs the bundled GitHub Action (integrations/github/dist/index.cjs) as a runner runs it: under
 * this Node, with INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the built CLI as
 * its `cli` input, and nothing else from the test's environment but PATH, HOME and the database
 * repository. Answers the exit code, what it wrote on stdout and stderr, its outputs and its job
 * summary.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';

export const ACTION = path.join(REPO_ROOT, 'integrations', 'github', 'dist', 'index.cjs');

export interface ActionRun {
  code: number;
  stdout: string;
  /** The CLI's progress and log lines, which the action passes through to the step's log. */
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** GITHUB_OUTPUT's format: `name<<DELIMITER`, the value's lines, `DELIMITER`. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[index] ?? '');
    if (!match) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (index += 1; index < lines.length && lines[index] !== delimiter; index += 1) value.push(lines[index] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

let runs = 0;

/** Runs the action once in `work` (a folder of its own per run); `env` adds variables such as the job's; `node` is the Node that runs the bundle. */
export async function runAction(work: string, inputs: Record<string, string>, env: Record<string, string> = {}, node = process.execPath): Promise<ActionRun> {
  runs += 1;
  const folder = path.join(work, `run-${runs}`);
  const outputFile = path.join(work, `output-${runs}`);
  const summaryFile = path.join(work, `summary-${runs}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const variables: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TOLLGATE_DB_REPOSITORY: process.env.TOLLGATE_DB_REPOSITORY, GITHUB_ACTIONS: 'true', RUNNER_TEMP: work, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, NO_COLOR: '1', 'INPUT_OUTPUT-DIR': folder, INPUT_CLI: CLI, ...env };
  for (const [name, value] of Object.entries(inputs)) variables[`INPUT_${name.toUpperCase()}`] = value;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(node, [ACTION], { env: variables, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: out, stderr: err }));
  });
  return { code, stdout, stderr, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}
