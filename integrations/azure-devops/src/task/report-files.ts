/**
 * Where one run of a task has the CLI write its reports: a folder of its own under the agent's
 * temporary directory, named by the task instance, so two Tollgate steps in one job never share
 * files. The task reads them back to attach, upload and publish; every name is fixed here.
 */
import path from 'node:path';
import { safeName } from './safe-name.js';

export interface ReportFiles {
  folder: string;
  /** The full scan result(s) with the verdict (`--format json=`). */
  json: string;
  /** The Markdown summary uploaded with `task.uploadsummary` (`--format markdown=`). */
  markdown: string;
  /** JUnit XML for PublishTestResults (`--format junit=`). */
  junit: string;
  /** The gate's verdict alone (`--summary-output`). */
  verdict: string;
}

export function reportFilesFor(tempDirectory: string, taskInstanceId: string): ReportFiles {
  const folder = path.join(tempDirectory, `tollgate-${safeName(taskInstanceId)}`);
  return {
    folder,
    json: path.join(folder, 'tollgate-result.json'),
    markdown: path.join(folder, 'tollgate-summary.md'),
    junit: path.join(folder, 'tollgate-junit.xml'),
    verdict: path.join(folder, 'tollgate-verdict.json'),
  };
}

/** The CLI flags that write every report of `files`. */
export function reportArguments(files: ReportFiles): string[] {
  return ['--format', `json=${files.json}`, '--format', `markdown=${files.markdown}`, '--format', `junit=${files.junit}`, '--summary-output', files.verdict];
}
