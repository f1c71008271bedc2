/**
 * What a SCAP policy's evaluation writes besides native results: XCCDF 1.2 results, ARF, and the
 * remediation of failed rules. Text only; the caller writes the files.
 */
import { UsageError } from '../../../errors.js';
import type { Policy } from '../policy-types.js';
import { remediationFor, REMEDIATION_KINDS, type RemediationKind } from '../../scap/xccdf/remediation.js';
import { arfDocument, benchmarkText, testResultXml, xccdfResultsDocument } from '../../scap/xccdf/results-xml.js';
import { scapRunOf, type ScapRun } from './index.js';

export type ScapOutputKind = 'xccdf-results' | 'arf' | RemediationKind;

function evaluatedRun(policies: readonly Policy[], what: string): ScapRun & { evaluation: NonNullable<ScapRun['evaluation']> } {
  const runs = policies.map(scapRunOf).filter((run): run is ScapRun => run !== undefined);
  if (runs.length !== 1) throw new UsageError(`${what} needs exactly one scap:<file>#<profile> policy (${runs.length} given)`);
  const run = runs[0] as ScapRun;
  if (!run.evaluation) throw new UsageError(`${what}: the SCAP policy was not evaluated on the target (no data for it)`);
  return run as ScapRun & { evaluation: NonNullable<ScapRun['evaluation']> };
}

/** Checks before the scan that an output can be written for these policies. */
export function checkScapOutput(policies: readonly Policy[], what: string): void {
  const count = policies.filter((policy) => scapRunOf(policy) !== undefined).length;
  if (count !== 1) throw new UsageError(`${what} needs exactly one scap:<file>#<profile> policy (${count} given)`);
}

export function parseRemediationKind(text: string, flag: string): RemediationKind {
  if (!(REMEDIATION_KINDS as readonly string[]).includes(text)) throw new UsageError(`${flag}: "${text}" is not one of ${REMEDIATION_KINDS.join(', ')}`);
  return text as RemediationKind;
}

/** The document of one kind for the evaluated SCAP policy among `policies`. */
export function scapOutput(policies: readonly Policy[], kind: ScapOutputKind, subject: { target: string; testSystem: string }): string {
  const run = evaluatedRun(policies, kind);
  if (kind === 'bash' || kind === 'ansible') return remediationFor(run.content.benchmark, run.evaluation, kind);
  const testResult = testResultXml(run.content, run.evaluation, subject);
  if (kind === 'arf') return arfDocument(run.contentText, testResult, subject, run.evaluation.finishedAt);
  return xccdfResultsDocument(benchmarkText(run.contentText), testResult);
}
