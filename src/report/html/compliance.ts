/**
 * The compliance HTML report: *Summary* (scan, build status, target, authentication, timing,
 * policies, an overall-compliance chart, the controls causing build failure, the matrix of FAIL /
 * ERROR / EXCEPTION counts by criticality, excluded control ids) and *All Controls* (every control
 * with its state, criticality, policy, evidence and references, folded under their count and
 * linked when they have an http(s) URL; filters by criticality and state and pages of 50 as script
 * enhancements over a complete plain table).
 */
import { CRITICALITIES, CONTROL_STATES } from '../../model/control.js';
import type { ControlResult } from '../../model/compliance-result.js';
import type { EvidenceValue } from '../../model/control.js';
import { TOOL_VERSION } from '../../version.js';
import { shownReferences } from '../control-references.js';
import type { ComplianceReport } from '../renderer.js';
import { COMPLIANCE_SCRIPT, REPORT_SCRIPT } from './enhancements.js';
import { escapeHtml, table, tag } from './markup.js';
import { INLINE_LAYOUT, type HtmlLayout } from './layout.js';
import { donutChart } from './svg.js';

const STATE_COLORS: Record<string, string> = { PASS: '#1e7e34', FAIL: '#b00020', ERROR: '#e69500', EXCEPTION: '#6a3fb5', NOT_APPLICABLE: '#b0b0b0' };
const FAILING = ['FAIL', 'ERROR', 'EXCEPTION'] as const;

function evidenceList(values: readonly EvidenceValue[]): string {
  if (values.length === 0) return '';
  const items = values.map((value) => {
    const where = value.file ? `${value.file}${value.line ? `:${value.line}` : ''}` : value.command ? `$ ${value.command}` : '';
    return tag('li', {}, `${escapeHtml(value.value)}${where ? ` ${tag('small', {}, tag('code', {}, escapeHtml(where)))}` : ''}`);
  });
  return tag('ul', { class: 'evidence' }, items.join(''));
}

/**
 * A control's references folded under their count: one item per http(s) URL, a link whose text is
 * the references pointing there (as OpenSCAP lists a rule's references by href), one per other
 * reference as text; nothing for a control without references.
 */
function referenceList(control: ControlResult): string {
  const shown = shownReferences(control);
  if (shown.length === 0) return '';
  const count = shown.reduce((sum, { labels }) => sum + labels.length, 0);
  const items = shown.map(({ labels, url }) => {
    const text = escapeHtml(labels.join(', '));
    return tag('li', {}, url ? tag('a', { href: url, rel: 'noopener noreferrer' }, text) : text);
  });
  return tag('details', { class: 'references' }, `${tag('summary', {}, `${count} reference${count === 1 ? '' : 's'}`)}${tag('ul', {}, items.join(''))}`);
}

function titleCase(text: string): string {
  return text.charAt(0) + text.slice(1).toLowerCase();
}

function summary(report: ComplianceReport, layout: HtmlLayout): string {
  const { result, verdict } = report;
  const controls = result.policies.flatMap((policy) => policy.controls);
  const durationSeconds = (result.scan.durationMs / 1000).toFixed(1);
  const facts = [
    ['Scan', `${result.scan.name} (${result.scan.id})`],
    ['Build status', verdict.passed ? 'PASSED' : 'FAILED'],
    ['Target', `${result.target.name}${result.target.os ? ` — ${result.target.os.prettyName ?? `${result.target.os.family} ${result.target.os.version}`}` : ''}`],
    ['Authentication', `${result.authentication.status}${result.authentication.record ? ` (record ${result.authentication.record})` : ''}`],
    ['Started', result.scan.startedAt],
    ['Duration', `${durationSeconds} s`],
  ];
  const factList = tag('dl', { class: 'facts' }, facts.map(([term, value]) => `${tag('dt', {}, escapeHtml(term))}${tag('dd', {}, escapeHtml(value))}`).join(''));
  const policies = table('Policies scanned', [
    { header: 'Policy', cell: (p) => `${escapeHtml(p.title)} ${tag('code', {}, escapeHtml(p.id))}` },
    { header: 'Version', cell: (p) => escapeHtml(p.version) },
    { header: 'Passed', cell: (p) => String(p.totals.passed), numeric: true },
    { header: 'Failed', cell: (p) => String(p.totals.failed), numeric: true },
    { header: 'Error', cell: (p) => String(p.totals.error), numeric: true },
    { header: 'Exception', cell: (p) => String(p.totals.exception), numeric: true },
    { header: 'Not applicable', cell: (p) => (p.applicable ? String(p.totals.notApplicable) : escapeHtml(p.notApplicableReason ?? '')), numeric: true },
  ], result.policies);
  const counts = CONTROL_STATES.map((state) => ({ label: titleCase(state.replace('_', ' ')), value: controls.filter((control) => control.state === state).length, color: STATE_COLORS[state] as string }));
  const chart = layout.chart(donutChart('Overall compliance', counts), 'Overall compliance');
  const evaluated = verdict.controlsEvaluated;
  const passed = controls.filter((control) => control.state === 'PASS').length;
  const compliance = evaluated === 0 ? 'no controls evaluated' : `${((passed / evaluated) * 100).toFixed(0)}% of evaluated controls pass`;
  const causing = tag('p', {}, tag('strong', {}, `Controls causing build failure: ${verdict.controlsCausingFailure.length} of ${evaluated}`));
  const matrixHead = `<tr><th scope="col">State</th>${[...CRITICALITIES].reverse().map((criticality) => tag('th', { scope: 'col', class: 'num' }, titleCase(criticality))).join('')}</tr>`;
  const matrixRows = FAILING.map((state) => {
    const failsBuild = verdict.config.failOnStates.includes(state);
    const cells = [...CRITICALITIES].reverse().map((criticality) => {
      const count = verdict.matrix[state][criticality];
      return tag('td', { class: `num${count > 0 && failsBuild && verdict.config.failOnCriticalities.includes(criticality) ? ' hit' : ''}` }, String(count));
    });
    return `<tr>${tag('th', { scope: 'row' }, `${titleCase(state)}${failsBuild ? ' (fails the build)' : ''}`)}${cells.join('')}</tr>`;
  });
  const matrix = `<table class="data matrix"><caption>Failed, error and exception controls by criticality</caption><thead>${matrixHead}</thead><tbody>${matrixRows.join('')}</tbody></table>`;
  const excluded = tag('p', {}, `Excluded control ids: ${verdict.excludedCids.length > 0 ? verdict.excludedCids.map((cid) => tag('code', {}, escapeHtml(cid))).join(', ') : 'none'}`);
  const reasons = verdict.reasons.length > 0 ? tag('ul', {}, verdict.reasons.map((reason) => tag('li', {}, escapeHtml(reason))).join('')) : '';
  const warnings = verdict.warnings.length > 0 ? tag('ul', { class: 'warnings' }, verdict.warnings.map((warning) => tag('li', {}, escapeHtml(warning))).join('')) : '';
  const failing = table('Controls causing build failure', [
    { header: 'CID', cell: (c) => tag('code', { class: 'cid' }, escapeHtml(c.cid)) },
    { header: 'Title', cell: (c) => escapeHtml(c.title) },
    { header: 'Criticality', cell: (c) => escapeHtml(c.criticality) },
    { header: 'State', cell: (c) => tag('span', { class: `state-${c.state}` }, escapeHtml(c.state)) },
    { header: 'Policy', cell: (c) => escapeHtml(c.policy) },
  ], verdict.controlsCausingFailure);
  return `${factList}\n${reasons}${warnings}\n${policies}\n<div class="charts">${chart}</div>\n${tag('p', {}, escapeHtml(`Overall compliance: ${compliance}.`))}\n${causing}\n${matrix}\n${excluded}\n${failing}`;
}

function allControls(report: ComplianceReport): string {
  const controls: ControlResult[] = report.result.policies.flatMap((policy) => policy.controls);
  const criticalityOptions = ['<option value="">all criticalities</option>', ...[...CRITICALITIES].reverse().map((criticality) => tag('option', { value: criticality }, titleCase(criticality)))].join('');
  const stateOptions = ['<option value="">all statuses</option>', ...CONTROL_STATES.map((state) => tag('option', { value: state }, escapeHtml(state)))].join('');
  const filters = `<form class="control-filters" hidden data-table="all-controls-table" data-pager="all-controls-pager"><label>Criticality <select name="criticality">${criticalityOptions}</select></label><label>Status <select name="state">${stateOptions}</select></label><output></output></form>`;
  const rows = table('All controls', [
    { header: 'CID', cell: (c) => tag('code', { class: 'cid' }, escapeHtml(c.cid)) },
    { header: 'Title', cell: (c) => `${escapeHtml(c.title)}${c.message && c.state !== 'PASS' ? `<br><small>${escapeHtml(c.message)}</small>` : ''}${referenceList(c)}` },
    { header: 'Criticality', cell: (c) => escapeHtml(c.criticality), sortValue: (c) => CRITICALITIES.indexOf(c.criticality) },
    { header: 'Policy', cell: (c) => escapeHtml(c.policy) },
    { header: 'Status', cell: (c) => `${tag('span', { class: `state-${c.state}` }, escapeHtml(c.state))}${c.exception ? `<br><small>${escapeHtml(`${c.exception.reason} (approved by ${c.exception.approver}${c.exception.expires ? `, until ${c.exception.expires}` : ''})`)}</small>` : ''}${c.expiredException ? `<br><small>${escapeHtml(`exception expired ${c.expiredException.expires ?? ''}`)}</small>` : ''}` },
    { header: 'Unexpected values', cell: (c) => evidenceList(c.unexpected) },
    { header: 'Missing values', cell: (c) => evidenceList(c.missing) },
  ], controls, (c) => ({ 'data-criticality': c.criticality, 'data-state': c.state }));
  return `${filters}\n${rows.replace('<table class="data sortable">', '<table class="data sortable" id="all-controls-table">')}\n<div class="pager" id="all-controls-pager"></div>`;
}

/** The compliance report; `layout` decides where charts and styles live (inline by default). */
export function renderComplianceHtml(report: ComplianceReport, layout: HtmlLayout = INLINE_LAYOUT): string {
  const { result, verdict } = report;
  const title = `Tollgate compliance: ${result.target.name}`;
  const status = tag('span', { class: `verdict ${verdict.passed ? 'pass' : 'fail'}` }, verdict.passed ? 'PASSED' : 'FAILED');
  const tabs = [
    ['summary', 'Summary', summary(report, layout)],
    ['controls', 'All Controls', allControls(report)],
  ] as const;
  const nav = tag('nav', { class: 'tabs', 'aria-label': 'Report sections' }, tag('ul', {}, tabs.map(([id, name]) => tag('li', {}, tag('a', { href: `#${id}` }, escapeHtml(name)))).join('')));
  const panels = tag('div', { class: 'panels' }, tabs.map(([id, name, content]) => tag('section', { id }, `${tag('h2', {}, escapeHtml(name))}\n${content}`)).join('\n'));
  const header = tag('header', { class: 'report' }, `${tag('h1', {}, `${escapeHtml(title)} ${status}`)}<p class="tool">Tollgate ${escapeHtml(TOOL_VERSION)}</p>`);
  return layout.page(title, header, `${nav}\n${panels}`, `${REPORT_SCRIPT}\n${COMPLIANCE_SCRIPT}`);
}
