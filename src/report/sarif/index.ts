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
import { escapeMarkdownParagraph, httpUrl, markdownLink } from '../markdown/escape.js';
import { osName } from '../os-support.js';


/** SARIF's own options (declared in src/report/list.ts). */
export interface SarifOptions {
  /** The severities the report shows (`--sarif-severity`): what it shows, never what the gate decides. */
  severities: readonly Severity[];
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', NEGLIGIBLE: 'note', UNKNOWN: 'note' };
/** A score for code-scanning's severity banding when the finding has no CVSS score. */
const NOMINAL_SCORE: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, NEGLIGIBLE: 0.1, UNKNOWN: 0.0 };

/** The file a finding is in: the package's file, or, for a package an SBOM names without one, the SBOM. */
function artifactOf(scan: ScanResult, finding: Finding): string {
  if (finding.package.location !== '') return finding.package.location;
  return scan.image.source === 'sbom' ? scan.image.reference.slice('sbom:'.length) : scan.image.reference;
}

function imageName(scan: ScanResult): string {
  return scan.image.repoTags[0] ?? scan.image.reference;
}

/**
 * The rule's help, as text and as Markdown. Code-scanning views render the Markdown, so advisory
 * text in it is escaped (no HTML, no links of its own) and references become links only when they
 * are http or https URLs.
 */
function ruleHelp(finding: Finding): { text: string; markdown: string } {
  const severity = `Severity: ${finding.severity}${finding.cvss ? ` (CVSS ${finding.cvss.version} ${finding.cvss.baseScore}, ${finding.cvss.vector})` : ''}`;
  const aliases = finding.aliases.length ? `Aliases: ${finding.aliases.join(', ')}` : '';
  const references = finding.references.slice(0, 5);
  const text = [finding.title ?? finding.id, '', severity, aliases, ...references];
  const markdown = [escapeMarkdownParagraph(finding.title ?? finding.id), escapeMarkdownParagraph(severity), ...(aliases ? [escapeMarkdownParagraph(aliases)] : []), ...references.map((reference) => markdownLink(reference, reference))];
  return { text: text.join('\n'), markdown: markdown.join('\n\n') };
}

function rule(finding: Finding): Record<string, unknown> {
  const score = finding.cvss?.baseScore ?? NOMINAL_SCORE[finding.severity];
  const helpUri = finding.references.map(httpUrl).find((url) => url !== undefined);
  return {
    id: finding.id,
    name: finding.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: finding.title ?? finding.id },
    fullDescription: { text: (finding.description ?? finding.title ?? finding.id).slice(0, 4000) },
    ...(helpUri ? { helpUri } : {}),
    help: ruleHelp(finding),
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
              physicalLocation: { artifactLocation: { uri: artifactOf(scan, finding).replace(/^\/+/, '') }, region: { startLine: 1 } },
              message: { text: `${image}: ${artifactOf(scan, finding)}` },
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
      runs: [
        {
          tool: { driver: { name: 'tollgate', version: TOOL_VERSION, informationUri: 'https://github.com/tollgate-dev/tollgate', rules } },
          // What each scan could not judge (an unsupported OS, an end-of-life release), as the run's warnings.
          invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.scans.flatMap((scan) => scan.warnings.map((warning) => ({ level: 'warning', message: { text: `${imageName(scan)}: ${warning}` } }))) }],
          results,
          columnKind: 'utf16CodeUnits',
          properties: { ...(report.scans[0]?.database ? { vulnerabilityDatabase: report.scans[0].database } : {}), images: report.scans.map((scan) => ({ image: imageName(scan), ...(scan.os ? { os: osName(scan) } : {}), ...(scan.os?.endOfLife ? { osEndOfLife: scan.os.endOfLife.date } : {}) })) },
        },
      ],
    };
    return `${JSON.stringify(log)}\n`;
  },
};
