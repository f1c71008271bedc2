/**
 * Remediation export: the `fix` scripts the content carries, with each `<sub idref>` replaced by
 * the profile's value of that Value, for the rules that failed. Output only: Tollgate never runs
 * a fix. A rule without a fix in the asked system is named in a comment, never skipped silently.
 */
import type { BenchmarkEvaluation } from './evaluate-benchmark.js';
import type { XccdfBenchmark, XccdfRule } from './model.js';

export const REMEDIATION_KINDS = ['bash', 'ansible'] as const;
export type RemediationKind = (typeof REMEDIATION_KINDS)[number];

const FIX_SYSTEMS: Record<RemediationKind, string> = {
  bash: 'urn:xccdf:fix:script:sh',
  ansible: 'urn:xccdf:fix:script:ansible',
};

/** The rule's fix in `kind` with Values substituted, or '' when it has none. */
export function fixScript(rule: XccdfRule, kind: RemediationKind, values: ReadonlyMap<string, string>): string {
  const fix = rule.fixes.find((candidate) => candidate.system === FIX_SYSTEMS[kind]);
  if (!fix) return '';
  return fix.parts.map((part) => ('text' in part ? part.text : (values.get(part.valueId) ?? ''))).join('');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `${prefix}${line}`))
    .join('\n');
}

/** A script (bash) or playbook (ansible) fixing the failed rules of an evaluation, in benchmark order. */
export function remediationFor(benchmark: XccdfBenchmark, evaluation: BenchmarkEvaluation, kind: RemediationKind): string {
  const failed = evaluation.rules.filter((outcome) => outcome.result === 'fail').map((outcome) => benchmark.rules.get(outcome.ruleId)).filter((rule): rule is XccdfRule => rule !== undefined);
  const profile = evaluation.profile.id ?? '(benchmark defaults)';
  if (kind === 'bash') {
    const sections = failed.map((rule) => {
      const script = fixScript(rule, 'bash', evaluation.profile.values);
      return `###############################################################################\n# ${rule.id}: ${rule.title}\n${script ? script.trim() : '# no bash fix in the content for this rule'}\n`;
    });
    return `#!/usr/bin/env bash\n# Remediation of the failed rules of ${benchmark.id}, profile ${profile}, exported by Tollgate.\n# Review before running: Tollgate never runs it.\n\n${sections.join('\n')}`;
  }
  const tasks = failed.map((rule) => {
    const script = fixScript(rule, 'ansible', evaluation.profile.values).trim();
    return script ? `    # ${rule.id}: ${rule.title}\n${indent(script, '    ')}\n` : `    # ${rule.id}: no ansible fix in the content for this rule\n`;
  });
  return `---\n# Remediation of the failed rules of ${benchmark.id}, profile ${profile}, exported by Tollgate.\n# Review before running: Tollgate never runs it.\n- name: Tollgate remediation of failed SCAP rules\n  hosts: all\n  become: true\n  tasks:\n${tasks.join('\n')}`;
}
