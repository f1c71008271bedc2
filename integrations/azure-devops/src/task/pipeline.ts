/**
 * What the tasks read from and tell the agent through azure-pipelines-task-lib: the run's
 * context, the results (summary, attachments, output variables) and the final result. Everything
 * the agent sees from a task goes through here, as `##vso[...]` logging commands.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { NamedAttachment, PipelineContext } from './attachments.js';
import { checkOutputVariableName, type TaskOutcome } from './outcome.js';
import { reportFilesFor, type ReportFiles } from './report-files.js';

export function pipelineContext(): PipelineContext {
  const optional = (name: string) => {
    const value = tl.getVariable(name);
    return value ? value : undefined;
  };
  const context: PipelineContext = {
    jobId: optional('System.JobId') ?? 'unknown-job',
    taskInstanceId: optional('System.TaskInstanceId') ?? `local-${process.pid}`,
  };
  const extra: [keyof PipelineContext, string][] = [
    ['timelineId', 'System.TimelineId'],
    ['buildId', 'Build.BuildId'],
    ['jobName', 'System.JobDisplayName'],
    ['taskName', 'Task.DisplayName'],
  ];
  for (const [key, variable] of extra) {
    const value = optional(variable);
    if (value) context[key] = value;
  }
  return context;
}

/** A fresh folder for this task instance's reports, under the agent's temporary directory. */
export function prepareReportFiles(context: PipelineContext): ReportFiles {
  const temp = tl.getVariable('Agent.TempDirectory') || tl.getVariable('Agent.WorkFolder') || process.cwd();
  const files = reportFilesFor(temp, context.taskInstanceId);
  tl.rmRF(files.folder);
  mkdirSync(files.folder, { recursive: true });
  return files;
}

export function readJson(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

/** The Markdown summary: the CLI's when it wrote one, else a short note of why there is none. */
export function uploadSummary(files: ReportFiles, title: string, fallback: string): void {
  if (!existsSync(files.markdown)) writeFileSync(files.markdown, `# ${title}\n\n${fallback}\n`);
  tl.uploadSummary(files.markdown);
}

export function attach<T>(type: string, folder: string, attachments: readonly NamedAttachment<T>[]): void {
  for (const attachment of attachments) {
    const file = path.join(folder, `${attachment.name}.json`);
    writeFileSync(file, JSON.stringify(attachment.document));
    tl.addAttachment(type, attachment.name, file);
  }
}

/** Output variables, in the order given; plus the user-named one carrying the verdict file. */
export function setOutputs(values: readonly [string, string][], verdictVariable: string | undefined, verdictFile: string | undefined): void {
  for (const [name, value] of values) tl.setVariable(name, value, false, true);
  if (verdictVariable && verdictFile) tl.setVariable(checkOutputVariableName(verdictVariable), verdictFile, false, true);
}

export function finish(outcome: TaskOutcome): void {
  tl.setResult(outcome.succeeded ? tl.TaskResult.Succeeded : tl.TaskResult.Failed, outcome.message);
}

/** Runs a task's body; anything it throws fails the task with its message (never a stack trace). */
export async function runTask(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    tl.setResult(tl.TaskResult.Failed, `Tollgate: ${error instanceof Error ? error.message : String(error)}`);
  }
}
