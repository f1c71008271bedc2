/**
 * `--format warnings-ng=tollgate-issues.json`: the findings (image scans) or the non-passing
 * controls (compliance scans) in the Jenkins Warnings Next Generation plugin's native JSON format
 * (analysis-model's issues report: `{"issues": [...]}`, read by `recordIssues(tools: [issues(...)])`).
 * Chosen over SARIF because Warnings NG maps SARIF's three levels onto its four severities, so
 * CRITICAL and HIGH would arrive as one; its native format keeps four: ERROR, HIGH, NORMAL, LOW.
 * Each issue carries a fingerprint stable across builds (so "new" and "fixed" issues mean what
 * they say), the package as its module, the flaw or control id as its type. A renderer: it never
 * decides pass or fail.
 */
import { createHash } from 'node:crypto';
import type { Criticality } from '../../model/control.js';
import type { Severity } from '../../model/severity.js';
import { SEVERITY_RANK } from '../../model/severity.js';
import type { ComplianceReport, ImageReport, Renderer } from '../renderer.js';
import { databaseAge } from '../database-age.js';
import { TOOL_VERSION } from '../../version.js';

/** analysis-model's predefined severities (Severity.ERROR, WARNING_HIGH, WARNING_NORMAL, WARNING_LOW by name). */
export type WarningsNgSeverity = 'ERROR' | 'HIGH' | 'NORMAL' | 'LOW';

export const IMAGE_SEVERITY: Record<Severity, WarningsNgSeverity> = { CRITICAL: 'ERROR', HIGH: 'HIGH', MEDIUM: 'NORMAL', LOW: 'LOW', NEGLIGIBLE: 'LOW', UNKNOWN: 'LOW' };
export const CONTROL_SEVERITY: Record<Criticality, WarningsNgSeverity> = { URGENT: 'ERROR', CRITICAL: 'ERROR', SERIOUS: 'HIGH', MEDIUM: 'NORMAL', MINIMAL: 'LOW' };

export interface WarningsNgIssue {
  fileName: string;
  moduleName?: string;
  packageName?: string;
  category: string;
  type: string;
  severity: WarningsNgSeverity;
  message: string;
  description?: string;
  fingerprint: string;
  origin: string;
}

function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Text analysis-model shows as HTML: escaped here, since scan data is untrusted. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function imageIssues(report: ImageReport): WarningsNgIssue[] {
  return report.scans.flatMap((scan) => {
    const image = scan.image.repoTags[0] ?? scan.image.reference;
    const findings = [...scan.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id) || a.package.id.localeCompare(b.package.id));
    // What the scan could not judge (an unsupported OS, an end-of-life release) is an issue too: nothing is dropped silently.
    const warnings: WarningsNgIssue[] = scan.warnings.map((warning) => ({
      fileName: image,
      moduleName: image,
      category: 'scan warning',
      type: 'scan-warning',
      severity: 'NORMAL',
      message: warning,
      fingerprint: fingerprint(scan.image.id ?? image, 'warning', warning),
      origin: 'tollgate',
    }));
    return [...warnings, ...findings.map((finding): WarningsNgIssue => ({
      fileName: finding.package.location,
      moduleName: image,
      packageName: `${finding.package.name} ${finding.package.version}`,
      category: finding.package.type,
      type: finding.id,
      severity: IMAGE_SEVERITY[finding.severity],
      message: `${finding.id} (${finding.severity}${finding.cvss ? `, CVSS ${finding.cvss.baseScore.toFixed(1)}` : ''}) in ${finding.package.name} ${finding.package.version}${finding.fixState === 'fixed' ? `: fixed in ${finding.fixedVersions.join(', ')}` : finding.fixState === 'wont-fix' ? ": won't fix" : ': no fix yet'}`,
      ...(finding.title || finding.description ? { description: escapeHtml(finding.title ?? finding.description ?? '') } : {}),
      fingerprint: fingerprint(scan.image.id ?? image, finding.id, finding.package.purl),
      origin: 'tollgate',
    }))];
  });
}

export function complianceIssues(report: ComplianceReport): WarningsNgIssue[] {
  return report.result.policies.flatMap((policy) =>
    policy.controls
      .filter((control) => control.state === 'FAIL' || control.state === 'ERROR' || control.state === 'EXCEPTION')
      .map((control) => ({
        fileName: report.result.target.name,
        moduleName: policy.title,
        category: control.state,
        type: control.cid,
        severity: CONTROL_SEVERITY[control.criticality],
        message: `${control.cid} ${control.title}: ${control.state} (${control.criticality})${control.message ? ` — ${control.message}` : ''}`,
        ...(control.statement ? { description: escapeHtml(control.statement) } : {}),
        fingerprint: fingerprint(report.result.target.name, policy.id, control.cid),
        origin: 'tollgate',
      })),
  );
}

/** The report: `issues` is what Warnings NG reads; the other fields (the tool, each image's database age) are for people and other readers. */
const document = (issues: WarningsNgIssue[], notes: Record<string, unknown> = {}): string => `${JSON.stringify({ _class: 'io.jenkins.plugins.analysis.core.restapi.ReportApi', issues, size: issues.length, tool: { name: 'tollgate', version: TOOL_VERSION }, ...notes }, null, 2)}\n`;

function imageNotes(report: ImageReport): Record<string, unknown> {
  return { images: report.scans.map((scan) => ({ reference: scan.image.repoTags[0] ?? scan.image.reference, ...(databaseAge(scan) ? { database: databaseAge(scan) } : {}) })) };
}

export const warningsNgRenderer: Renderer = {
  id: 'warnings-ng',
  description: "issues for Jenkins' Warnings NG plugin (its native JSON; recordIssues tools: [issues(pattern: ...)])",
  extension: 'json',
  renderImage: (report) => document(imageIssues(report), imageNotes(report)),
  renderCompliance: (report) => document(complianceIssues(report)),
};
