/**
 * The compliance gate: the one place a compliance scan passes or fails the build. Excluded control
 * ids go first (exact match); then a control fails the build when its state is one of the failing
 * states (FAIL by default; ERROR and EXCEPTION when asked) AND its criticality is one of the
 * failing criticalities (all by default). An authentication failure fails the build only with
 * `failOnAuthFailure` (otherwise it passes with a warning, as the CI connectors do); a policy with
 * no data on the target fails it only with `failOnNoData`.
 */
import { CRITICALITIES, type Criticality } from '../model/control.js';
import type { ComplianceResult } from '../model/compliance-result.js';
import { COMPLIANCE_VERDICT_SCHEMA_VERSION, type ComplianceGateConfig, type ComplianceVerdict, type FailingState } from '../model/compliance-verdict.js';

export const DEFAULT_COMPLIANCE_GATE: ComplianceGateConfig = { failOnStates: ['FAIL'], failOnCriticalities: CRITICALITIES, failOnAuthFailure: false, failOnNoData: false, excludeCids: [] };

function emptyMatrix(): Record<FailingState, Record<Criticality, number>> {
  const row = (): Record<Criticality, number> => Object.fromEntries(CRITICALITIES.map((criticality) => [criticality, 0])) as Record<Criticality, number>;
  return { FAIL: row(), ERROR: row(), EXCEPTION: row() };
}

export function evaluateComplianceGate(result: ComplianceResult, config: ComplianceGateConfig = DEFAULT_COMPLIANCE_GATE): ComplianceVerdict {
  const verdict: ComplianceVerdict = {
    schemaVersion: COMPLIANCE_VERDICT_SCHEMA_VERSION,
    passed: true,
    reasons: [],
    warnings: [],
    config,
    authentication: result.authentication.status,
    controlsEvaluated: 0,
    controlsCausingFailure: [],
    matrix: emptyMatrix(),
    excludedCids: [],
    policiesWithoutData: [],
  };
  if (result.authentication.status === 'failed') {
    const message = `authentication to ${result.target.name} failed${result.authentication.message ? `: ${result.authentication.message}` : ''}`;
    if (config.failOnAuthFailure) {
      verdict.passed = false;
      verdict.reasons.push(message);
    } else {
      verdict.warnings.push(`${message}; the build passes because --fail-on-auth-failure is not set, and nothing was scanned`);
    }
    return verdict;
  }
  const excluded = new Set(config.excludeCids);
  const excludedSeen = new Set<string>();
  for (const policy of result.policies) {
    if (!policy.applicable) {
      verdict.policiesWithoutData.push(policy.id);
      const reason = policy.notApplicableReason ?? `no data for policy ${policy.id}`;
      if (config.failOnNoData) verdict.reasons.push(reason);
      else verdict.warnings.push(reason);
      continue;
    }
    for (const control of policy.controls) {
      if (excluded.has(control.cid)) {
        excludedSeen.add(control.cid);
        continue;
      }
      if (control.state === 'NOT_APPLICABLE') continue;
      verdict.controlsEvaluated += 1;
      if (control.state === 'PASS') continue;
      const state = control.state as FailingState;
      verdict.matrix[state][control.criticality] += 1;
      if (config.failOnStates.includes(state) && config.failOnCriticalities.includes(control.criticality)) {
        verdict.controlsCausingFailure.push({ cid: control.cid, policy: policy.id, title: control.title, state: control.state, criticality: control.criticality });
      }
    }
  }
  verdict.excludedCids = [...excludedSeen].sort();
  if (verdict.controlsCausingFailure.length > 0) {
    verdict.reasons.push(`${verdict.controlsCausingFailure.length} of ${verdict.controlsEvaluated} controls are ${config.failOnStates.join('/')} at ${config.failOnCriticalities.length === CRITICALITIES.length ? 'any criticality' : config.failOnCriticalities.join('/')}`);
  }
  for (const entry of result.expiredExceptions) verdict.warnings.push(`exception for ${entry.cid} (${entry.origin}) expired on ${entry.expires ?? '?'}; the control counts as FAIL again`);
  verdict.passed = verdict.reasons.length === 0;
  return verdict;
}
