/**
 * Runs the GitLab CI/CD component (integrations/gitlab/templates/tollgate.yml) as a pipeline:
 * a git project that includes it with `include: local` and inputs, run by gitlab-ci-local 4.52.2
 * with the shell executor, offline. Also the args input as `tollgate pipeline snippet --ci gitlab`
 * prints it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';

const GITLAB_CI_LOCAL = path.join(REPO_ROOT, 'node_modules', '.bin', 'gitlab-ci-local');

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }));
  });
}

let projects = 0;

/** A git project in `work` that includes the component with `inputs`, run by gitlab-ci-local with `variables` (NAME=value); answers its folder and the run. */
export async function runPipeline(work: string, inputs: Record<string, string | boolean>, variables: readonly string[] = []): Promise<{ project: string; code: number; output: string }> {
  projects += 1;
  const project = path.join(work, `project-${projects}`);
  await mkdir(path.join(project, 'templates'), { recursive: true });
  await cp(path.join(REPO_ROOT, 'integrations', 'gitlab', 'templates', 'tollgate.yml'), path.join(project, 'templates', 'tollgate.yml'));
  await writeFile(path.join(project, '.gitlab-ci.yml'), stringify({ include: [{ local: 'templates/tollgate.yml', inputs }] }));
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', 'commit', '-qm', 'pipeline']]) {
    const git = await run('git', args, project);
    if (git.code !== 0) throw new Error(`git ${args.join(' ')}: ${git.output}`);
  }
  const pipeline = await run(GITLAB_CI_LOCAL, ['--shell-executor-no-image', '--shell-isolation', ...variables.flatMap((variable) => ['--variable', variable])], project);
  return { project, ...pipeline };
}

/** The args input exactly as `tollgate pipeline snippet --ci gitlab` prints it for this scan. */
export async function snippetArgs(scan: string[]): Promise<string> {
  const snippet = await runTollgate(['pipeline', 'snippet', '--ci', 'gitlab', ...scan]);
  if (snippet.code !== 0) throw new Error(`pipeline snippet: ${snippet.stderr}`);
  const document = parse(snippet.stdout) as { include: { inputs: { args: string } }[] };
  return document.include[0]?.inputs.args ?? '';
}
