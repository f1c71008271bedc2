/**
 * The "Scan hosts for policy compliance with Tollgate" task: inputs -> `tollgate compliance scan`
 * -> the agent. Thin, like the image task: the CLI evaluates, gates and renders.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { ComplianceVerdict } from '../../../../src/model/index.js';
import { COMPLIANCE_ATTACHMENT_TYPE, complianceAttachment } from './attachments.js';
import { CRITICALITY_INPUTS, STATE_INPUTS, complianceScanArguments, type ComplianceTaskInputs, type CriticalityInput, type StateInput } from './compliance-arguments.js';
import { complianceCounts } from './output-values.js';
import { runTask } from './pipeline.js';
import { runScanTask } from './scan-task.js';

function readInputs(): ComplianceTaskInputs {
  const text = (name: string) => tl.getInput(name, false) ?? undefined;
  const boxes = <K extends string>(names: readonly K[]): Partial<Record<K, boolean>> => Object.fromEntries(names.map((name) => [name, tl.getBoolInput(name, false)])) as Partial<Record<K, boolean>>;
  return {
    target: tl.getInput('target', true) ?? '',
    credentialsFile: tl.filePathSupplied('credentialsFile') ? text('credentialsFile') : undefined,
    authenticationRecord: text('authenticationRecord'),
    sshHostKey: text('sshHostKey'),
    policies: text('policies'),
    failByStateAndCriticality: tl.getBoolInput('failByStateAndCriticality', false),
    states: boxes(Object.keys(STATE_INPUTS) as StateInput[]),
    criticalities: boxes(Object.keys(CRITICALITY_INPUTS) as CriticalityInput[]),
    failOnAuthFailure: tl.getBoolInput('failOnAuthFailure', false),
    failOnNoData: tl.getBoolInput('failOnNoData', false),
    excludeCids: text('excludeCids'),
    timeout: text('timeout'),
    exceptionsFile: tl.filePathSupplied('exceptionsFile') ? text('exceptionsFile') : undefined,
    scanName: text('scanName'),
    scanner: text('scanner'),
    optionProfile: text('optionProfile'),
    cloudConnector: text('cloudConnector'),
    pollingFrequency: text('pollingFrequency'),
    createAuthRecord: tl.getBoolInput('createAuthRecord', false),
  };
}

void runTask(() =>
  runScanTask<ComplianceVerdict>({
    title: 'Tollgate compliance scan',
    attachmentType: COMPLIANCE_ATTACHMENT_TYPE,
    arguments: (files, serverUrl) => complianceScanArguments(readInputs(), files, serverUrl),
    attachments: (report, context) => [complianceAttachment(report, context)],
    counts: complianceCounts,
  }),
);
