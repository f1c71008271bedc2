/**
 * `--format sarif`: SARIF 2.1.0 for code-scanning views. One rule per advisory, one result per
 * finding, located at the file inside the image the package was read from. `--sarif-severity`
 * filters what this report shows and nothing else: it never changes the gate's decision, and the
 * gate never changes what SARIF shows.
 */
import { createHash } from 'node:crypto';
import type { ScanResult } from '../../model/image-scan.js';
import type { Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { TOOL_VERSION } from '../../version.js';
import { verdictOf, type Renderer } from '../renderer.js';

/** SARIF's own options (declared in src/report/list.ts). */
export interface SarifOptions {
  /** The severities the report shows (`--sarif-severity`): what it shows, never what the gate decides. */
  severities: readonly Severity[];
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', NEGLIGIBLE: 'note', UNKNOWN: 'note' };
/** A score for code-scanning's severity banding when the finding has no CVSS score. */
const NOMINAL_SCORE: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, NEGLIGIBLE: 0.1, UNKNOWN: 0.0 };

function imageName(scan: ScanResult): string {
  return scan.image.repoTags[0] ?? scan.image.reference;
}

function rule(finding: Finding): Record<string, unknown> {
  const score = finding.cvss?.baseScore ?? NOMINAL_SCORE[finding.severity];
  const help = [`${finding.title ?? finding.id}`, '', `Severity: ${finding.severity}${finding.cvss ? ` (CVSS ${finding.cvss.version} ${finding.cvss.baseScore}, ${finding.cvss.vector})` : ''}`, finding.aliases.length ? `Aliases: ${finding.aliases.join(', ')}` : '', ...finding.references.slice(0, 5)].filter((line) => line !== undefined);
  return {
    id: finding.id,
    name: finding.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: finding.title ?? finding.id },
    fullDescription: { text: (finding.description ?? finding.title ?? finding.id).slice(0, 4000) },
    ...(finding.references[0] ? { helpUri: finding.references[0] } : {}),
    help: { text: help.join('\n'), markdown: help.join('\n\n') },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { tags: ['security', 'vulnerability', finding.severity], 'security-severity': score.toFixed(1), precision: 'very-high' },
  };
}

export const sarifRenderer: Renderer<SarifOptions> = {
  id: 'sarif',
  description: 'SARIF 2.1.0 for code scanning, one rule per advisory',
  extension: 'sarif',
  renderImage(report, options) {
    const rules: Record<string, unknown>[] = [];
    const ruleIndex = new Map<string, number>();
    const results: Record<string, unknown>[] = [];
    report.scans.forEach((scan, index) => {
      const violating = new Set((verdictOf(report, index)?.violatingFindings ?? []).map((ref) => `${ref.id}\u0000${ref.packageId}`));
      const image = imageName(scan);
      const imageDigest = scan.image.manifestDigest ?? scan.image.id;
      for (const finding of scan.findings) {
        if (options.severities && !options.severities.includes(finding.severity)) continue;
        if (!ruleIndex.has(finding.id)) {
          ruleIndex.set(finding.id, rules.length);
          rules.push(rule(finding));
        }
        const fixed = finding.fixState === 'fixed' ? ` Fixed in ${finding.fixedVersions.join(', ')}.` : ' No fixed version yet.';
        results.push({
          ruleId: finding.id,
          ruleIndex: ruleIndex.get(finding.id),
          level: LEVEL[finding.severity],
          message: { text: `${finding.package.name} ${finding.package.version} in ${image} is affected by ${finding.id} (${finding.severity}).${fixed}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: finding.package.location.replace(/^\/+/, '') }, region: { startLine: 1 } },
              message: { text: `${image}: ${finding.package.location}` },
            },
          ],
          partialFingerprints: { 'tollgate/v1': createHash('sha256').update(`${image}\u0000${finding.id}\u0000${finding.package.name}\u0000${finding.package.location}`).digest('hex') },
          properties: {
            image,
            imageDigest,
            package: finding.package.name,
            installedVersion: finding.package.version,
            fixedVersions: finding.fixedVersions,
            purl: finding.package.purl,
            violatesGate: violating.has(`${finding.id}\u0000${finding.package.id}`),
          },
        });
      }
    });
    const log = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'tollgate', version: TOOL_VERSION, informationUri: 'https://github.com/tollgate-dev/tollgate', rules } }, results, columnKind: 'utf16CodeUnits' }],
    };
    return `${JSON.stringify(log)}\n`;
  },
};
