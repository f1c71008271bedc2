/**
 * XCCDF 1.2 results as SCAP tooling reads them: a `<TestResult>` (one rule-result per rule of the
 * benchmark, selected or not, with the exported values and the OVAL reference), the benchmark
 * document with that TestResult inside (what `oscap xccdf eval --results` writes), and an ARF 1.1
 * asset report collection holding the source data stream and the TestResult (what `--results-arf`
 * writes). Both read by `oscap xccdf generate report`. Text only: never writes a file.
 */
import type { ScapContent } from './content.js';
import type { BenchmarkEvaluation } from './evaluate-benchmark.js';
import { OVAL_CHECK_SYSTEM } from './model.js';
import { XCCDF_NAMESPACE } from './read-benchmark.js';

export interface TestResultSubject {
  /** The target's name as results show it. */
  target: string;
  /** `tollgate <version>`. */
  testSystem: string;
}

const ARF_NAMESPACE = 'http://scap.nist.gov/schema/asset-reporting-format/1.1';
const CORE_NAMESPACE = 'http://scap.nist.gov/schema/reporting-core/1.1';
const AI_NAMESPACE = 'http://scap.nist.gov/schema/asset-identification/1.1';

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The default XCCDF score (§7.3.2, unweighted by group): 100 × passed weight / scored weight. */
function defaultScore(content: ScapContent, evaluation: BenchmarkEvaluation): number {
  let passed = 0;
  let scored = 0;
  for (const outcome of evaluation.rules) {
    if (outcome.result !== 'pass' && outcome.result !== 'fail' && outcome.result !== 'error' && outcome.result !== 'unknown') continue;
    const weight = Number(content.benchmark.rules.get(outcome.ruleId)?.weight ?? '1') || 0;
    scored += weight;
    if (outcome.result === 'pass') passed += weight;
  }
  return scored === 0 ? 0 : Math.round((10000 * passed) / scored) / 100;
}

/** The `<TestResult>` element (namespace declared on it, so it stands alone inside ARF). */
export function testResultXml(content: ScapContent, evaluation: BenchmarkEvaluation, subject: TestResultSubject, indent = '  '): string {
  const { benchmark } = content;
  const profileId = evaluation.profile.id;
  const id = `xccdf_org.tollgate_testresult_${idPart(profileId ? profileId.replace(/^xccdf_[^_]+_profile_/, '') : 'default_profile')}`;
  const lines: string[] = [];
  lines.push(`<TestResult xmlns="${XCCDF_NAMESPACE}" id="${escapeXml(id)}" start-time="${evaluation.startedAt}" end-time="${evaluation.finishedAt}" version="${escapeXml(benchmark.version)}" test-system="${escapeXml(subject.testSystem)}">`);
  lines.push(`${indent}<benchmark href="#${escapeXml(benchmark.id)}" id="${escapeXml(benchmark.id)}"/>`);
  lines.push(`${indent}<title>Tollgate evaluation of ${escapeXml(profileId ?? benchmark.id)}</title>`);
  if (profileId) lines.push(`${indent}<profile idref="${escapeXml(profileId)}"/>`);
  lines.push(`${indent}<target>${escapeXml(subject.target)}</target>`);
  const exported = new Set(evaluation.rules.flatMap((outcome) => outcome.exports.map((item) => item.name)));
  for (const rule of benchmark.rules.values()) {
    for (const check of rule.checks) for (const item of check.exports) if (exported.has(item.exportName)) exported.add(`value:${item.valueId}`);
  }
  for (const [valueId, value] of evaluation.profile.values) {
    if (exported.has(`value:${valueId}`)) lines.push(`${indent}<set-value idref="${escapeXml(valueId)}">${escapeXml(value)}</set-value>`);
  }
  for (const outcome of evaluation.rules) {
    const rule = benchmark.rules.get(outcome.ruleId);
    if (!rule) continue;
    lines.push(`${indent}<rule-result idref="${escapeXml(rule.id)}" role="${escapeXml(rule.role)}" time="${evaluation.finishedAt}" severity="${outcome.severity}" weight="${escapeXml(rule.weight)}">`);
    lines.push(`${indent}${indent}<result>${outcome.result}</result>`);
    for (const ident of rule.idents) lines.push(`${indent}${indent}<ident system="${escapeXml(ident.system)}">${escapeXml(ident.text)}</ident>`);
    for (const message of outcome.result === 'pass' || outcome.result === 'notselected' ? [] : outcome.messages.slice(0, 5)) lines.push(`${indent}${indent}<message severity="info">${escapeXml(message)}</message>`);
    if (outcome.checkRef) {
      const hash = outcome.checkRef.lastIndexOf('#');
      lines.push(`${indent}${indent}<check system="${OVAL_CHECK_SYSTEM}">`);
      for (const item of outcome.exports) {
        const valueId = rule.checks.flatMap((check) => check.exports).find((candidate) => candidate.exportName === item.name)?.valueId ?? '';
        lines.push(`${indent}${indent}${indent}<check-export value-id="${escapeXml(valueId)}" export-name="${escapeXml(item.name)}"/>`);
      }
      lines.push(`${indent}${indent}${indent}<check-content-ref name="${escapeXml(outcome.checkRef.slice(hash + 1))}" href="${escapeXml(outcome.checkRef.slice(0, hash))}"/>`);
      lines.push(`${indent}${indent}</check>`);
    }
    lines.push(`${indent}</rule-result>`);
  }
  lines.push(`${indent}<score system="urn:xccdf:scoring:default" maximum="100">${defaultScore(content, evaluation).toFixed(6)}</score>`);
  lines.push('</TestResult>');
  return lines.join('\n');
}

function withoutDeclaration(text: string): string {
  return text.replace(/^\uFEFF?\s*<\?xml[^?]*\?>\s*/, '');
}

/**
 * The benchmark with the TestResult as its last child. `benchmarkXml` is the Benchmark's own text
 * (`benchmarkText` cuts it out of a data stream).
 */
export function xccdfResultsDocument(benchmarkXml: string, testResult: string): string {
  const body = withoutDeclaration(benchmarkXml);
  const close = /<\/(?:[\w.-]+:)?Benchmark>\s*$/.exec(body);
  if (!close) throw new Error('the benchmark text does not end with </Benchmark>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.slice(0, close.index)}${testResult}\n${body.slice(close.index)}\n`;
}

/**
 * The Benchmark element's text out of a data stream's text, with the namespace declarations of
 * the collection it relied on copied onto it; the text itself for a plain benchmark.
 */
export function benchmarkText(contentText: string): string {
  const body = withoutDeclaration(contentText);
  const start = /<([\w.-]+:)?Benchmark[\s>]/.exec(body);
  if (!start) throw new Error('no <Benchmark> in the content');
  if (start.index === 0) return body;
  const prefix = start[1] ?? '';
  const end = body.lastIndexOf(`</${prefix}Benchmark>`);
  if (end === -1) throw new Error('no end of <Benchmark> in the content');
  const element = body.slice(start.index, end + `</${prefix}Benchmark>`.length);
  const rootTag = /<[\w.:-]+\s[^>]*>/.exec(body)?.[0] ?? '';
  const startTagEnd = element.indexOf('>');
  const startTag = element.slice(0, startTagEnd);
  const declarations = [...rootTag.matchAll(/\sxmlns(?::[\w.-]+)?="[^"]*"/g)].map((match) => match[0]).filter((declaration) => !startTag.includes(declaration.trim().split('=')[0] + '='));
  return `${startTag}${declarations.join('')}${element.slice(startTagEnd)}`;
}

/** An ARF 1.1 report: the content as the report request, the target as an asset, the TestResult as the report. */
export function arfDocument(contentText: string, testResult: string, subject: TestResultSubject, created: string): string {
  const content = withoutDeclaration(contentText);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<arf:asset-report-collection xmlns:arf="${ARF_NAMESPACE}" xmlns:core="${CORE_NAMESPACE}" xmlns:ai="${AI_NAMESPACE}">`,
    '  <core:relationships xmlns:arfvocab="http://scap.nist.gov/specifications/arf/vocabulary/relationships/1.0#">',
    '    <core:relationship type="arfvocab:createdFor" subject="xccdf1">',
    '      <core:ref>collection1</core:ref>',
    '    </core:relationship>',
    '    <core:relationship type="arfvocab:isAbout" subject="xccdf1">',
    '      <core:ref>asset0</core:ref>',
    '    </core:relationship>',
    '  </core:relationships>',
    '  <arf:report-requests>',
    '    <arf:report-request id="collection1">',
    '      <arf:content>',
    content,
    '      </arf:content>',
    '    </arf:report-request>',
    '  </arf:report-requests>',
    '  <arf:assets>',
    '    <arf:asset id="asset0">',
    '      <ai:computing-device>',
    `        <ai:fqdn>${escapeXml(subject.target)}</ai:fqdn>`,
    '      </ai:computing-device>',
    '    </arf:asset>',
    '  </arf:assets>',
    '  <arf:reports>',
    `    <arf:report id="xccdf1">`,
    '      <arf:content>',
    testResult,
    '      </arf:content>',
    '    </arf:report>',
    '  </arf:reports>',
    `  <!-- created ${escapeXml(created)} -->`,
    '</arf:asset-report-collection>',
    '',
  ].join('\n');
}
