/**
 * The results tab's logic: Tollgate's attachments (one per image, one per compliance scan) ->
 * what the tab shows, as plain data. Pure, so it is tested without a browser; render.ts only turns
 * this data into elements. The report's tabs are the connectors': Build Summary, Image Statistics,
 * Vulnerabilities, Installed Software and Layers for an image; Summary and All Controls for a
 * compliance scan. Nothing here judges: pass/fail and every count come from the engine's verdict.
 */
import { CRITICALITIES, SEVERITIES, type ControlResult } from '../../../../src/model/index.js';
import { ATTACHMENT_SCHEMA_VERSION, COMPLIANCE_ATTACHMENT_TYPE, IMAGE_ATTACHMENT_TYPE, type ComplianceScanAttachment, type ImageScanAttachment, type TollgateAttachment } from '../task/attachments.js';

export type Cell = string | number;

export interface Table {
  columns: string[];
  rows: Cell[][];
  /** Columns the reader can filter on, with a select of their distinct values. */
  filterColumns?: number[];
}

export type Block =
  | { kind: 'facts'; title?: string; items: [string, string][] }
  | { kind: 'table'; title?: string; table: Table; empty: string }
  | { kind: 'note'; text: string };

export interface TabView {
  id: string;
  title: string;
  blocks: Block[];
}

export interface SectionView {
  key: string;
  title: string;
  /** Undefined when no gate was applied (no verdict in the document). */
  passed?: boolean;
  subtitle: string;
  tabs: TabView[];
}

export class AttachmentFormatError extends Error {
  override readonly name = 'AttachmentFormatError';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An attachment's text as a Tollgate document, or a clear error naming what is wrong. */
export function parseAttachment(text: string, name: string): TollgateAttachment {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AttachmentFormatError(`attachment ${name} is not JSON`);
  }
  if (!isObject(value)) throw new AttachmentFormatError(`attachment ${name} is not a JSON object`);
  if (value.schemaVersion !== ATTACHMENT_SCHEMA_VERSION) throw new AttachmentFormatError(`attachment ${name} has schema version ${String(value.schemaVersion)}; this tab reads version ${ATTACHMENT_SCHEMA_VERSION}`);
  if (!isObject(value.context)) throw new AttachmentFormatError(`attachment ${name} has no pipeline context`);
  if (value.kind === IMAGE_ATTACHMENT_TYPE && isObject(value.scan) && isObject(value.scan.image) && Array.isArray(value.scan.findings) && Array.isArray(value.scan.packages)) return value as unknown as ImageScanAttachment;
  if (value.kind === COMPLIANCE_ATTACHMENT_TYPE && isObject(value.result) && Array.isArray(value.result.policies) && isObject(value.verdict)) return value as unknown as ComplianceScanAttachment;
  throw new AttachmentFormatError(`attachment ${name} is not a Tollgate image or compliance document`);
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const shortDigest = (digest: string | undefined): string => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '');
const where = (document: TollgateAttachment): string => [document.context.jobName, document.context.taskName].filter(Boolean).join(' / ');

export function imageSection(document: ImageScanAttachment, key: string): SectionView {
  const { scan, verdict } = document;
  const image = scan.image;
  const name = image.repoTags[0] ?? image.reference;
  const criteria = verdict?.criteria ?? [];
  const summary: TabView = {
    id: 'build-summary',
    title: 'Build Summary',
    blocks: [
      verdict
        ? { kind: 'note', text: verdict.passed ? 'The gate passed.' : `The gate failed: ${verdict.reasons.join('; ')}` }
        : { kind: 'note', text: 'No gate was applied to this image.' },
      {
        kind: 'table',
        title: 'Build failure conditions',
        table: { columns: ['Criterion', 'Configured', 'Found', 'Excluded', 'Violated'], rows: criteria.map((c) => [c.title, c.configured ? (c.configuredValue ?? 'yes') : 'not configured', c.found, c.excluded, c.violated ? 'yes' : 'no']) },
        empty: 'No conditions.',
      },
      {
        kind: 'table',
        title: 'Excluded findings',
        table: { columns: ['Finding', 'Package', 'Version', 'Excluded by', 'Rule', 'Reason'], rows: (verdict?.exclusions ?? []).map((e) => [e.finding.id, e.finding.package, e.finding.version, e.by, e.rule, e.reason ?? e.justification ?? '']) },
        empty: 'No exclusions.',
      },
    ],
  };
  const bySeverity = verdict?.counts.bySeverity;
  const statistics: TabView = {
    id: 'image-statistics',
    title: 'Image Statistics',
    blocks: [
      {
        kind: 'facts',
        title: 'Image',
        items: [
          ['Reference', image.reference],
          ['Image id', image.id ?? ''],
          ['Tags', image.repoTags.join(', ')],
          ['Operating system', scan.os?.prettyName ?? [scan.os?.family, scan.os?.version].filter(Boolean).join(' ')],
          ['Platform', [image.os, image.architecture].filter(Boolean).join('/')],
          ['Size', formatBytes(image.size)],
          ['Layers', String(image.layers.length)],
          ['Packages', String(scan.packages.length)],
          ['Scanned', scan.scannedAt],
        ],
      },
      {
        kind: 'table',
        title: 'Findings by severity',
        table: { columns: ['Severity', 'Findings'], rows: SEVERITIES.map((s) => [s, bySeverity ? bySeverity[s] : scan.findings.filter((f) => f.severity === s).length]) },
        empty: '',
      },
      ...(verdict
        ? [{ kind: 'facts' as const, title: 'Counts', items: [['Findings', String(verdict.counts.total)], ['Excluded', String(verdict.counts.excluded)], ['Considered by the gate', String(verdict.counts.considered)], ['Fixable', String(verdict.counts.fixable)], ['Not fixable', String(verdict.counts.unfixable)]] as [string, string][] }]
        : []),
    ],
  };
  const vulnerabilities: TabView = {
    id: 'vulnerabilities',
    title: 'Vulnerabilities',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: ['Id', 'Severity', 'CVSS', 'Package', 'Version', 'Fixed in', 'Type', 'Title'],
          rows: scan.findings.map((f) => [f.id, f.severity, f.cvss ? `${f.cvss.baseScore} (v${f.cvss.version})` : '', f.package.name, f.package.version, f.fixedVersions.join(', '), f.package.type, f.title ?? '']),
          filterColumns: [1, 6],
        },
        empty: 'No vulnerabilities found.',
      },
    ],
  };
  const software: TabView = {
    id: 'installed-software',
    title: 'Installed Software',
    blocks: [
      {
        kind: 'table',
        table: { columns: ['Name', 'Version', 'Type', 'Location', 'Layer'], rows: scan.packages.map((p) => [p.name, p.version, p.type, p.location, p.layer ? p.layer.index : '']), filterColumns: [2] },
        empty: 'No packages found.',
      },
    ],
  };
  const layers: TabView = {
    id: 'layers',
    title: 'Layers',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: ['#', 'Digest', 'Size', 'Created by', 'Packages', 'Findings'],
          rows: image.layers.map((layer) => [
            layer.index,
            shortDigest(layer.diffId),
            formatBytes(layer.size),
            layer.createdBy ?? '',
            scan.packages.filter((p) => p.layer?.index === layer.index).length,
            scan.findings.filter((f) => f.package.layer?.index === layer.index).length,
          ]),
        },
        empty: 'No layers.',
      },
    ],
  };
  return {
    key,
    title: `Image ${name}`,
    ...(verdict ? { passed: verdict.passed } : {}),
    subtitle: [shortDigest(image.id), where(document)].filter(Boolean).join(' · '),
    tabs: [summary, statistics, vulnerabilities, software, layers],
  };
}

const evidence = (values: ControlResult['unexpected']): string => values.map((v) => v.value).join('; ');

export function complianceSection(document: ComplianceScanAttachment, key: string): SectionView {
  const { result, verdict } = document;
  const controls = result.policies.flatMap((policy) => policy.controls);
  const evaluated = controls.filter((c) => c.state !== 'NOT_APPLICABLE');
  const passing = evaluated.filter((c) => c.state === 'PASS').length;
  const summary: TabView = {
    id: 'summary',
    title: 'Summary',
    blocks: [
      { kind: 'note', text: verdict.passed ? 'The compliance gate passed.' : `The compliance gate failed: ${verdict.reasons.join('; ')}` },
      {
        kind: 'facts',
        title: 'Results summary',
        items: [
          ['Target', result.target.name],
          ['Operating system', result.target.os?.prettyName ?? ''],
          ['Scan', result.scan.name],
          ['Authentication', result.authentication.status],
          ['Overall compliance', evaluated.length > 0 ? `${Math.round((passing / evaluated.length) * 100)}% (${passing} of ${evaluated.length} controls pass)` : 'no control evaluated'],
          ['Controls evaluated by the gate', String(verdict.controlsEvaluated)],
        ],
      },
      {
        kind: 'table',
        title: 'Policies scanned',
        table: { columns: ['Policy', 'Version', 'Passed', 'Failed', 'Error', 'Exception', 'Not applicable'], rows: result.policies.map((p) => [p.applicable ? p.title : `${p.title} (data not found: ${p.notApplicableReason ?? 'not applicable'})`, p.version, p.totals.passed, p.totals.failed, p.totals.error, p.totals.exception, p.totals.notApplicable]) },
        empty: 'No policies.',
      },
      {
        kind: 'table',
        title: 'Controls causing build failure',
        table: { columns: ['CID', 'Title', 'Policy', 'State', 'Criticality'], rows: verdict.controlsCausingFailure.map((c) => [c.cid, c.title, c.policy, c.state, c.criticality]) },
        empty: 'None.',
      },
      {
        kind: 'table',
        title: 'Failed, error and exception controls by criticality',
        table: { columns: ['State', ...CRITICALITIES], rows: (['FAIL', 'ERROR', 'EXCEPTION'] as const).map((state) => [state, ...CRITICALITIES.map((c) => verdict.matrix[state][c])]) },
        empty: '',
      },
    ],
  };
  const all: TabView = {
    id: 'all-controls',
    title: 'All Controls',
    blocks: [
      {
        kind: 'table',
        table: {
          columns: ['CID', 'Title', 'Criticality', 'Policy', 'Status', 'Unexpected values', 'Missing values'],
          rows: controls.map((c) => [c.cid, c.title, c.criticality, c.policy, c.state, evidence(c.unexpected), evidence(c.missing)]),
          filterColumns: [2, 4],
        },
        empty: 'No controls.',
      },
    ],
  };
  return { key, title: `Compliance ${result.target.name}`, passed: verdict.passed, subtitle: [result.scan.name, where(document)].filter(Boolean).join(' · '), tabs: [summary, all] };
}

/** Every document as a section, in a stable order: by job, task instance, then attachment name. */
export function sectionsOf(documents: readonly { name: string; document: TollgateAttachment }[]): SectionView[] {
  return [...documents]
    .sort((a, b) => `${a.document.context.jobId}\u0000${a.document.context.taskInstanceId}\u0000${a.name}`.localeCompare(`${b.document.context.jobId}\u0000${b.document.context.taskInstanceId}\u0000${b.name}`))
    .map(({ name, document }) => (document.kind === IMAGE_ATTACHMENT_TYPE ? imageSection(document, name) : complianceSection(document, name)));
}

/** The rows of `table` whose filtered columns hold the chosen values (an empty choice is "any"). */
export function filterRows(table: Table, chosen: Readonly<Record<number, string>>): Cell[][] {
  return table.rows.filter((row) => Object.entries(chosen).every(([column, value]) => value === '' || String(row[Number(column)]) === value));
}

/** The distinct values of a column, sorted, for its filter. */
export function filterValues(table: Table, column: number): string[] {
  return [...new Set(table.rows.map((row) => String(row[column])))].sort();
}
