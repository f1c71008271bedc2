/**
 * The one flow both tasks follow: the server connection read (server mode), the task's inputs
 * turned into CLI arguments, the CLI run, then everything it wrote handed to the
 * agent — the Markdown summary (always), the attachments, the output variables — and the task's
 * result from the exit code. A task supplies only what differs: its arguments, its attachments
 * and its counts.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { NamedAttachment, PipelineContext } from './attachments.js';
import { parseScanMode } from './connection.js';
import { outcomeOf } from './outcome.js';
import { attach, finish, pipelineContext, prepareReportFiles, readJson, setOutputs, uploadSummary } from './pipeline.js';
import type { ReportFiles } from './report-files.js';
import { readServerConnection } from './server-connection.js';
import { causeOf, runTollgate } from './tollgate-cli.js';

export interface ScanTask<Verdict extends { passed: boolean; reasons: string[] }> {
  /** The summary's title when the CLI wrote none. */
  title: string;
  attachmentType: string;
  /** The CLI arguments from the task's inputs; `serverUrl` in server mode (the token is never an argument). */
  arguments(files: ReportFiles, serverUrl: string | undefined): string[];
  attachments(report: unknown, context: PipelineContext): NamedAttachment<unknown>[];
  /** Output variables beside the files and `passed`. */
  counts(verdict: Verdict): [string, string][];
}

export async function runScanTask<Verdict extends { passed: boolean; reasons: string[] }>(task: ScanTask<Verdict>): Promise<void> {
  const connection = parseScanMode(tl.getInput('mode', false)) === 'server' ? readServerConnection('tollgateServer') : undefined;
  const context = pipelineContext();
  const files = prepareReportFiles(context);
  const run = await runTollgate(tl.getInput('tollgatePath', false), task.arguments(files, connection?.url), connection);
  const verdict = readJson(files.verdict) as Verdict | undefined;
  const report = readJson(files.json);
  const cause = causeOf(run);
  const outcome = outcomeOf(run.code, verdict?.reasons ?? [], cause);
  // Passed without a verdict: the CLI found nothing to judge (an authentication failure that does
  // not fail the build passes with a warning and no report, as the connectors do).
  const passedUnjudged = run.code === 0 && !verdict;
  if (passedUnjudged) tl.warning(`Tollgate: ${cause}`);
  uploadSummary(files, task.title, passedUnjudged ? `${outcome.message}; no report: ${cause}` : outcome.message);
  if (report !== undefined) attach(task.attachmentType, files.folder, task.attachments(report, context));
  if (verdict) {
    setOutputs(
      [['verdictFile', files.verdict], ['resultFile', files.json], ['junitFile', files.junit], ['passed', String(verdict.passed)], ...task.counts(verdict)],
      tl.getInput('outputVariableName', false) ?? undefined,
      files.verdict,
    );
  }
  finish(outcome);
}
