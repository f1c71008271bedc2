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
import { verdictOf, type ImageReport, type Renderer } from '../renderer.js';
import { httpUrl } from '../../util/http-url.js';
import { escapeMarkdownParagraph, markdownLink } from '../markdown/escape.js';
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

/** The score code scanning bands a result's severity by: its CVSS base score, else a nominal one. */
function securitySeverity(finding: Finding): number {
  return finding.cvss?.baseScore ?? NOMINAL_SCORE[finding.severity];
}

function rule(finding: Finding): Record<string, unknown> {
  const score = securitySeverity(finding);
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

/**
 * What GitHub code scanning accepts of one upload: at most 25,000 results per run and a file of at
 * most 10 MB (GitHub counts the gzip-compressed size; the limit here is on the uncompressed text,
 * so a report within it is within GitHub's whatever the compression). Past either, the upload is
 * rejected as a whole, so the report keeps the most severe results and says what it left out.
 */
export interface SarifLimits {
  maxResults: number;
  maxBytes: number;
}

export const CODE_SCANNING_LIMITS: SarifLimits = { maxResults: 25_000, maxBytes: 10 * 1024 * 1024 };

/** Room kept beyond the envelope with no results: the truncation note and JSON separators. */
const ENVELOPE_RESERVE = 4 * 1024;

interface Candidate {
  finding: Finding;
  result: Record<string, unknown>;
  score: number;
  order: number;
}

/** The `max` most severe candidates (by the score code scanning bands on), in their original order. */
function mostSevere(candidates: readonly Candidate[], max: number): readonly Candidate[] {
  if (candidates.length <= max) return candidates;
  const chosen = new Set([...candidates].sort((a, b) => b.score - a.score || a.order - b.order).slice(0, max));
  return candidates.filter((candidate) => chosen.has(candidate));
}

/**
 * The most severe candidates whose results, and rules the first time an advisory is seen, fit in
 * `maxBytes` after `reserve`; in their original order. Only for a log found too large: it
 * serialises every result once more.
 */
function withinBytes(candidates: readonly Candidate[], maxBytes: number, reserve: number): Candidate[] {
  const rulesCounted = new Set<string>();
  const chosen = new Set<Candidate>();
  let bytes = reserve;
  for (const candidate of [...candidates].sort((a, b) => b.score - a.score || a.order - b.order)) {
    const newRule = !rulesCounted.has(candidate.finding.id);
    const cost = Buffer.byteLength(JSON.stringify(candidate.result)) + 1 + (newRule ? Buffer.byteLength(JSON.stringify(rule(candidate.finding))) + 1 : 0);
    if (bytes + cost > maxBytes) continue;
    bytes += cost;
    if (newRule) rulesCounted.add(candidate.finding.id);
    chosen.add(candidate);
  }
  return candidates.filter((candidate) => chosen.has(candidate));
}

/** The rules the kept results use, in first-use order, each result pointed at its own. */
function rulesOf(kept: readonly Candidate[]): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  for (const candidate of kept) {
    if (!ruleIndex.has(candidate.finding.id)) {
      ruleIndex.set(candidate.finding.id, rules.length);
      rules.push(rule(candidate.finding));
    }
    candidate.result.ruleIndex = ruleIndex.get(candidate.finding.id);
  }
  return rules;
}

/** Renders the SARIF log within `limits` (code scanning's unless a test says otherwise). */
export function renderSarif(report: ImageReport, options: Partial<SarifOptions>, limits: SarifLimits = CODE_SCANNING_LIMITS): string {
  const candidates: Candidate[] = [];
  report.scans.forEach((scan, index) => {
    const violating = new Set((verdictOf(report, index)?.violatingFindings ?? []).map((ref) => `${ref.id}\u0000${ref.packageId}`));
    const image = imageName(scan);
    const imageDigest = scan.image.manifestDigest ?? scan.image.id;
    for (const finding of scan.findings) {
      if (options.severities && !options.severities.includes(finding.severity)) continue;
      const fixed = finding.fixState === 'fixed' ? ` Fixed in ${finding.fixedVersions.join(', ')}.` : ' No fixed version yet.';
      const result = {
        ruleId: finding.id,
        ruleIndex: 0,
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
      };
      candidates.push({ finding, result, score: securitySeverity(finding), order: candidates.length });
    }
  });
  // The scans' own warnings, and what could not be judged, go first; they are small and always kept.
  const warnings = report.scans.flatMap((scan) => scan.warnings.map((warning) => ({ level: 'warning', message: { text: `${imageName(scan)}: ${warning}` } })));
  const logOf = (kept: readonly Candidate[]): string => {
    const left = candidates.length - kept.length;
    const notifications = [...warnings];
    if (left > 0) {
      const lowest = kept.reduce((min, candidate) => Math.min(min, candidate.score), Number.POSITIVE_INFINITY);
      notifications.push({
        level: 'warning',
        message: {
          text: `${left.toLocaleString('en')} of ${candidates.length.toLocaleString('en')} results were left out: code scanning accepts at most ${limits.maxResults.toLocaleString('en')} results and ${(limits.maxBytes / 1024 / 1024).toFixed(0)} MB per upload. The most severe were kept${kept.length > 0 ? ` (security-severity ${lowest.toFixed(1)} and above)` : ''}; the JSON report has every finding, and the gate saw them all.`,
        },
      });
    }
    const rules = rulesOf(kept);
    const log = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'tollgate', version: TOOL_VERSION, informationUri: 'https://github.com/tollgate-dev/tollgate', rules } },
          // What each scan could not judge (an unsupported OS, an end-of-life release), as the run's warnings.
          invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
          results: kept.map((candidate) => candidate.result),
          columnKind: 'utf16CodeUnits',
          properties: {
            ...(report.scans[0]?.database ? { vulnerabilityDatabase: report.scans[0].database } : {}),
            ...(left > 0 ? { resultsLeftOut: left } : {}),
            images: report.scans.map((scan) => ({ image: imageName(scan), ...(scan.os ? { os: osName(scan) } : {}), ...(scan.os?.endOfLife ? { osEndOfLife: scan.os.endOfLife.date } : {}) })),
          },
        },
      ],
    };
    return `${JSON.stringify(log)}\n`;
  };
  // Within the result limit by count first (cheap); only a log still too large is costed result by result.
  const byCount = mostSevere(candidates, limits.maxResults);
  const text = logOf(byCount);
  if (Buffer.byteLength(text) <= limits.maxBytes) return text;
  const envelope = Buffer.byteLength(logOf([]));
  return logOf(withinBytes(byCount, limits.maxBytes, envelope + ENVELOPE_RESERVE));
}

export const sarifRenderer: Renderer<SarifOptions> = {
  id: 'sarif',
  description: 'SARIF 2.1.0 for code scanning, one rule per advisory',
  extension: 'sarif',
  renderImage(report, options) {
    return renderSarif(report, options);
  },
};
