/**
 * The "Scan container images with Tollgate" task: inputs -> `tollgate image scan` -> the agent.
 * Thin: the CLI scans, gates and renders; this reads the inputs, runs it, attaches one document
 * per image, uploads the Markdown summary, sets the output variables and the result.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { AggregateVerdict } from '../../../../src/model/index.js';
import { IMAGE_ATTACHMENT_TYPE, imageAttachments } from './attachments.js';
import { imageScanArguments, type ImageTaskInputs } from './image-arguments.js';
import { severityCounts } from './output-values.js';
import { runTask } from './pipeline.js';
import { runScanTask } from './scan-task.js';

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
    viaSensor: tl.getBoolInput('viaSensor', false),
    dataCollectionFrequency: text('dataCollectionFrequency'),
    resultTimeout: text('resultTimeout'),
  };
}

void runTask(() =>
  runScanTask<AggregateVerdict>({
    title: 'Tollgate image scan',
    attachmentType: IMAGE_ATTACHMENT_TYPE,
    arguments: (files, serverUrl) => imageScanArguments(readInputs(), files, serverUrl),
    attachments: imageAttachments,
    counts: severityCounts,
  }),
);
