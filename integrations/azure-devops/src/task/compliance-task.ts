/**
 * The "Scan hosts for policy compliance with Tollgate" task: inputs -> `tollgate compliance scan`
 * -> the agent. Thin, like the image task: the CLI evaluates, gates and renders.
 */
import * as tl from 'azure-pipelines-task-lib/task.js';
import type { ComplianceVerdict } from '../../../../src/model/index.js';
import { COMPLIANCE_ATTACHMENT_TYPE, complianceAttachment } from './attachments.js';
import { CRITICALITY_INPUTS, STATE_INPUTS, complianceScanArguments, type ComplianceTaskInputs, type CriticalityInput, type StateInput } from './compliance-arguments.js';
import { parseScanMode } from './connection.js';
import { outcomeOf } from './outcome.js';
import { complianceCounts } from './output-values.js';
import { attach, finish, pipelineContext, prepareReportFiles, readJson, runTask, setOutputs, uploadSummary } from './pipeline.js';
import { failServerMode } from './server-connection.js';
import { causeOf, runTollgate } from './tollgate-cli.js';

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
  };
}

async function main(): Promise<void> {
  if (parseScanMode(tl.getInput('mode', false)) === 'server') failServerMode('tollgateServer');
  const inputs = readInputs();
  const context = pipelineContext();
  const files = prepareReportFiles(context);
  const args = complianceScanArguments(inputs, files);
  const run = await runTollgate(tl.getInput('tollgatePath', false), args);
  const verdict = readJson(files.verdict) as ComplianceVerdict | undefined;
  const report = readJson(files.json);
  const cause = causeOf(run);
  const outcome = outcomeOf(run.code, verdict?.reasons ?? [], cause);
  // An authentication failure that does not fail the build passes with a warning and no report, as the connectors do.
  if (run.code === 0 && !verdict) tl.warning(`Tollgate: ${cause}`);
  uploadSummary(files, 'Tollgate compliance scan', run.code === 0 && !verdict ? `${outcome.message}; no report: ${cause}` : outcome.message);
  if (report !== undefined) attach(COMPLIANCE_ATTACHMENT_TYPE, files.folder, [complianceAttachment(report, context)]);
  if (verdict) {
    setOutputs(
      [
        ['verdictFile', files.verdict],
        ['resultFile', files.json],
        ['junitFile', files.junit],
        ['passed', String(verdict.passed)],
        ...complianceCounts(verdict),
      ],
      tl.getInput('outputVariableName', false) ?? undefined,
      files.verdict,
    );
  }
  finish(outcome);
}

void runTask(main);
