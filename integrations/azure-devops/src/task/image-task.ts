/**
 * The "Scan container images with Tollgate" task: inputs -> `tollgate image scan` -> the agent.
 * Thin: the CLI scans, gates and renders; this reads the inputs, runs it, attaches one document
 * per image, uploads the Markdown summary, sets the output variables and the result.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { AggregateVerdict } from '../../../../src/model/index.js';
import { IMAGE_ATTACHMENT_TYPE, imageAttachments } from './attachments.js';
import { parseScanMode } from './connection.js';
import { imageScanArguments, type ImageTaskInputs } from './image-arguments.js';
import { outcomeOf } from './outcome.js';
import { severityCounts } from './output-values.js';
import { attach, finish, pipelineContext, prepareReportFiles, readJson, runTask, setOutputs, uploadSummary } from './pipeline.js';
import { failServerMode } from './server-connection.js';
import { causeOf, runTollgate } from './tollgate-cli.js';

function readInputs(): ImageTaskInputs {
  const text = (name: string) => tl.getInput(name, false) ?? undefined;
  return {
    images: tl.getInput('images', true) ?? '',
    dockerUrl: text('dockerUrl'),
    dockerCertPath: text('dockerCertPath'),
    platform: text('platform'),
    failOnSeverity: text('failOnSeverity'),
    severityLimits: text('severityLimits'),
    failOnIds: text('failOnIds'),
    failOnCvss: text('failOnCvss'),
    failOnSoftware: text('failOnSoftware'),
    fixableOnly: tl.getBoolInput('fixableOnly', false),
    gateFile: tl.filePathSupplied('gateFile') ? text('gateFile') : undefined,
    excludeIds: text('excludeIds'),
    excludePackages: text('excludePackages'),
    excludePaths: text('excludePaths'),
    ignoreFile: tl.filePathSupplied('ignoreFile') ? text('ignoreFile') : undefined,
    vexFiles: text('vexFiles'),
    ignoreUnfixed: tl.getBoolInput('ignoreUnfixed', false),
    databasePath: text('databasePath'),
    skipDatabaseUpdate: tl.getBoolInput('skipDatabaseUpdate', false),
    scanTimeout: text('scanTimeout'),
  };
}

async function main(): Promise<void> {
  if (parseScanMode(tl.getInput('mode', false)) === 'server') failServerMode('tollgateServer');
  const inputs = readInputs();
  const context = pipelineContext();
  const files = prepareReportFiles(context);
  const args = imageScanArguments(inputs, files);
  const run = await runTollgate(tl.getInput('tollgatePath', false), args);
  const verdict = readJson(files.verdict) as AggregateVerdict | undefined;
  const report = readJson(files.json);
  const outcome = outcomeOf(run.code, verdict?.reasons ?? [], causeOf(run));
  uploadSummary(files, 'Tollgate image scan', outcome.message);
  if (report !== undefined) attach(IMAGE_ATTACHMENT_TYPE, files.folder, imageAttachments(report, context));
  if (verdict) {
    setOutputs(
      [
        ['verdictFile', files.verdict],
        ['resultFile', files.json],
        ['junitFile', files.junit],
        ['passed', String(verdict.passed)],
        ...severityCounts(verdict),
      ],
      tl.getInput('outputVariableName', false) ?? undefined,
      files.verdict,
    );
  }
  finish(outcome);
}

void runTask(main);
