/**
 * A Tollgate scan result as Harbor's vulnerability report (HarborVulnerabilityReport): one item
 * per finding, its severity on Harbor's scale, the CVE id where the flaw has one (Harbor's CVE
 * allowlists match on it), the preferred CVSS v3 and v2 scores, fix versions, links. A pure
 * function of the result: it decides nothing and reads nothing.
 */
import type { ScanResult } from '../model/image-scan.js';
import type { Finding } from '../model/finding.js';
import { SEVERITY_RANK, type Severity } from '../model/severity.js';
import { TOOL_VERSION } from '../version.js';
import type { HarborArtifact, HarborSeverity, HarborVulnerability, HarborVulnerabilityReport } from './spec.js';

const HARBOR_SEVERITY: Record<Severity, HarborSeverity> = { CRITICAL: 'Critical', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low', NEGLIGIBLE: 'Negligible', UNKNOWN: 'Unknown' };

export const SCANNER = { name: 'Tollgate', vendor: 'Tollgate', version: TOOL_VERSION } as const;

function preferredCvss(finding: Finding): HarborVulnerability['preferred_cvss'] {
  const v3 = finding.cvssScores.find((score) => score.version === '3.1' || score.version === '3.0');
  const v2 = finding.cvssScores.find((score) => score.version === '2.0');
  if (!v3 && !v2) return undefined;
  return { ...(v3 ? { score_v3: v3.baseScore, vector_v3: v3.vector } : {}), ...(v2 ? { score_v2: v2.baseScore, vector_v2: v2.vector } : {}) };
}

function vulnerability(finding: Finding): HarborVulnerability {
  const cvss = preferredCvss(finding);
  return {
    id: finding.id,
    package: finding.package.name,
    version: finding.package.version,
    ...(finding.fixState === 'fixed' && finding.fixedVersions.length > 0 ? { fix_version: finding.fixedVersions.join(', ') } : {}),
    severity: HARBOR_SEVERITY[finding.severity],
    ...(finding.description || finding.title ? { description: finding.description ?? finding.title } : {}),
    links: finding.references.filter((link) => /^https?:\/\//.test(link)),
    ...(cvss ? { preferred_cvss: cvss } : {}),
    vendor_attributes: {
      aliases: finding.aliases,
      package_type: finding.package.type,
      purl: finding.package.purl,
      fix_state: finding.fixState,
      ...(finding.cvss ? { cvss: { version: finding.cvss.version, score: finding.cvss.baseScore, vector: finding.cvss.vector } } : {}),
    },
  };
}

export function harborReport(scan: ScanResult, artifact: HarborArtifact, generatedAt: Date = new Date(scan.scannedAt)): HarborVulnerabilityReport {
  const worst = scan.findings.reduce<Severity | undefined>((current, finding) => (current === undefined || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current] ? finding.severity : current), undefined);
  const ordered = [...scan.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id) || a.package.name.localeCompare(b.package.name));
  return {
    generated_at: generatedAt.toISOString(),
    artifact,
    scanner: { ...SCANNER },
    // The spec's scale has no "none": a clean image reports Unknown, as the spec's enum allows.
    severity: worst ? HARBOR_SEVERITY[worst] : 'Unknown',
    vulnerabilities: ordered.map(vulnerability),
  };
}
