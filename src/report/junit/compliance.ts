/**
 * `--format junit` for compliance scans: one test suite per policy, one test case per control.
 * FAIL is a failure, ERROR an error, NOT_APPLICABLE and excluded controls are skipped, EXCEPTION
 * passes with the exception in its output; the evidence is in the failure text.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { xmlSafeTree } from './xml-text.js';
import type { EvidenceValue } from '../../model/control.js';
import type { ControlResult } from '../../model/compliance-result.js';
import type { ComplianceReport } from '../renderer.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true, processEntities: true });

function evidenceLines(label: string, values: readonly EvidenceValue[]): string[] {
  return values.map((value) => `${label}: ${value.value}${value.file ? ` (${value.file}${value.line ? `:${value.line}` : ''})` : value.command ? ` ($ ${value.command})` : ''}`);
}

function testCase(control: ControlResult, excluded: boolean): Record<string, unknown> {
  const base = { '@name': `${control.cid} ${control.title}`, '@classname': `tollgate.compliance.${control.policy}.${control.criticality}`, '@time': '0' };
  const details = [control.message, ...evidenceLines('unexpected', control.unexpected), ...evidenceLines('missing', control.missing)].filter(Boolean).join('\n');
  if (excluded) return { ...base, skipped: { '@message': 'excluded control id' } };
  switch (control.state) {
    case 'FAIL':
      return { ...base, failure: { '@message': `${control.criticality}: ${control.message}`, '@type': 'FAIL', '#text': details } };
    case 'ERROR':
      return { ...base, error: { '@message': control.message, '@type': 'ERROR', '#text': details } };
    case 'NOT_APPLICABLE':
      return { ...base, skipped: { '@message': control.message } };
    case 'EXCEPTION':
      return { ...base, 'system-out': `EXCEPTION: ${control.exception?.reason ?? ''} (approved by ${control.exception?.approver ?? ''})\n${details}` };
    default:
      return base;
  }
}

export function renderComplianceJunit(report: ComplianceReport): string {
  const excluded = new Set(report.verdict.config.excludeCids);
  const suites = report.result.policies.map((policy) => {
    const cases = policy.controls.map((control) => testCase(control, excluded.has(control.cid)));
    return {
      '@name': `${policy.title} (${policy.id}) on ${report.result.target.name}`,
      '@tests': cases.length,
      '@failures': cases.filter((c) => 'failure' in c).length,
      '@errors': cases.filter((c) => 'error' in c).length,
      '@skipped': cases.filter((c) => 'skipped' in c).length,
      '@timestamp': report.result.scan.startedAt,
      testcase: cases,
    };
  });
  const document = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    testsuites: {
      '@name': `tollgate compliance: ${report.result.scan.name}`,
      '@tests': suites.reduce((sum, s) => sum + s['@tests'], 0),
      '@failures': suites.reduce((sum, s) => sum + s['@failures'], 0),
      '@errors': suites.reduce((sum, s) => sum + s['@errors'], 0),
      testsuite: suites,
    },
  };
  return `${builder.build(xmlSafeTree(document)) as string}`;
}
