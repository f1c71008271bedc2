/**
 * `--format gitlab`: GitLab's container-scanning report (`gl-container-scanning-report.json`,
 * report format 15.0.7), which a job declares under `artifacts: reports: container_scanning` so
 * GitLab shows the findings in the pipeline's security tab and the vulnerability report. One
 * vulnerability per finding, located at the image and the package. Everything GitLab would reject
 * the whole report for (a CVSS vector outside the schema's patterns, a link that is not http,
 * an over-long name) is left out or shortened, never passed through: advisory text is untrusted.
 * A pure function of the scan results; it never decides pass or fail.
 */
import { createHash } from 'node:crypto';
import type { ScanResult } from '../../model/image-scan.js';
import type { CvssScore, Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { TOOL_VERSION } from '../../version.js';
import type { Renderer } from '../renderer.js';
import { httpUrl } from '../../util/http-url.js';
import { osName } from '../os-support.js';
import { databaseAge } from '../database-age.js';

/** The report format version the document declares (GitLab accepts every 15.x report). */
export const GITLAB_REPORT_VERSION = '15.0.7';

const SEVERITY: Record<Severity, 'Critical' | 'High' | 'Medium' | 'Low' | 'Info' | 'Unknown'> = {
  CRITICAL: 'Critical',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  NEGLIGIBLE: 'Info',
  UNKNOWN: 'Unknown',
};

/** Limits of the format (schema `maxLength`s); longer text is cut with an ellipsis. */
const MAX_NAME = 255;
const MAX_DESCRIPTION = 1_048_576;
const MAX_SOLUTION = 7000;

/**
 * The CVSS vector shapes the report format accepts, one per version (the format's own patterns:
 * a report with any other vector is rejected as a whole, so a vector that does not fit is dropped).
 */
const V2_METRIC = String.raw`(AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))`;
const V3_METRIC = String.raw`(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])`;
const VECTOR_SHAPES: readonly { pattern: RegExp; min: number; max: number }[] = [
  { pattern: new RegExp(`^(${V2_METRIC}/)*${V2_METRIC}$`), min: 16, max: 128 },
  { pattern: new RegExp(`^CVSS:3[.][01]/(${V3_METRIC}/)*${V3_METRIC}$`), min: 32, max: 128 },
  {
    pattern:
      /^CVSS:4[.]0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/E:[XAPU])?(\/CR:[XHML])?(\/IR:[XHML])?(\/AR:[XHML])?(\/MAV:[XNALP])?(\/MAC:[XLH])?(\/MAT:[XNP])?(\/MPR:[XNLH])?(\/MUI:[XNPA])?(\/MVC:[XNLH])?(\/MVI:[XNLH])?(\/MVA:[XNLH])?(\/MSC:[XNLH])?(\/MSI:[XNLHS])?(\/MSA:[XNLHS])?(\/S:[XNP])?(\/AU:[XNY])?(\/R:[XAUI])?(\/V:[XDC])?(\/RE:[XLMH])?(\/U:(X|Clear|Green|Amber|Red))?$/,
    min: 32,
    max: 256,
  },
];

export function acceptedVector(vector: string): boolean {
  return VECTOR_SHAPES.some((shape) => vector.length >= shape.min && vector.length <= shape.max && shape.pattern.test(vector));
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `2026-12-03T03:10:53`: the format's timestamps are UTC without zone or fraction. */
export function reportTime(iso: string): string {
  const date = new Date(iso);
  return (Number.isNaN(date.getTime()) ? new Date(0) : date).toISOString().slice(0, 19);
}

/** The identifier type GitLab groups by, from the id's own prefix. */
function identifierType(id: string): string {
  const prefix = /^([A-Za-z]+)-/.exec(id)?.[1]?.toLowerCase();
  return prefix && ['cve', 'ghsa', 'cwe', 'usn', 'dsa', 'dla', 'rhsa', 'alsa', 'rlsa', 'suse'].includes(prefix) ? prefix : 'osv';
}

function identifierUrl(id: string): string | undefined {
  if (/^CVE-\d{4}-\d+$/.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(id)) return `https://osv.dev/vulnerability/${id}`;
  return undefined;
}

/**
 * The advisory's id and aliases; GitLab wants at least one, so an advisory whose every id is blank
 * (only from a hand-made or hostile database) is named after the package it was found in.
 */
function identifiers(finding: Finding): Record<string, string>[] {
  const ids = [finding.id, ...finding.aliases.filter((alias) => alias !== finding.id)].filter((id) => id.trim() !== '');
  if (ids.length === 0) {
    const where = `${finding.package.name}@${finding.package.version}`;
    const value = where.trim() === '@' ? 'unidentified' : `unidentified:${where}`;
    return [{ type: 'tollgate', name: 'Advisory without an identifier', value: cut(value, MAX_NAME) }];
  }
  return [...new Set(ids)].map((id) => {
    const url = identifierUrl(id);
    return { type: identifierType(id), name: cut(id, MAX_NAME), value: id, ...(url ? { url } : {}) };
  });
}

function cvssVectors(scores: readonly CvssScore[]): { vendor: string; vector: string }[] {
  return scores
    .filter((score) => acceptedVector(score.vector))
    .slice(0, 10)
    .map((score) => ({ vendor: score.source.trim() === '' ? 'unknown' : score.source, vector: score.vector }));
}

/** The first non-blank of `candidates`: GitLab rejects an empty image or OS name. */
function named(...candidates: (string | undefined)[]): string {
  return candidates.find((candidate) => candidate !== undefined && candidate.trim() !== '') ?? 'unknown';
}

function imageName(scan: ScanResult): string {
  return named(scan.image.repoTags[0], scan.image.reference, scan.image.manifestDigest, scan.image.id);
}

function vulnerability(scan: ScanResult, finding: Finding): Record<string, unknown> {
  const image = imageName(scan);
  // Stable across runs, so GitLab tracks the same finding in the same image as the same vulnerability.
  const hash = createHash('sha256').update(`${image}\u0000${finding.id}\u0000${finding.package.name}\u0000${finding.package.version}\u0000${finding.package.location}`).digest('hex');
  const id = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
  const links = [...new Set(finding.references.map(httpUrl).filter((url): url is string => url !== undefined))].map((url) => ({ url }));
  const vectors = cvssVectors(finding.cvssScores.length > 0 ? finding.cvssScores : finding.cvss ? [finding.cvss] : []);
  const solution = finding.fixState === 'fixed' && finding.fixedVersions.length > 0 ? `Upgrade ${finding.package.name} to ${finding.fixedVersions.join(' or ')}.` : undefined;
  return {
    id,
    name: cut(finding.title ?? finding.id, MAX_NAME),
    description: cut(finding.description ?? finding.title ?? finding.id, MAX_DESCRIPTION),
    severity: SEVERITY[finding.severity],
    ...(solution ? { solution: cut(solution, MAX_SOLUTION) } : {}),
    identifiers: identifiers(finding),
    ...(vectors.length > 0 ? { cvss_vectors: vectors } : {}),
    ...(links.length > 0 ? { links } : {}),
    location: {
      dependency: { package: { name: finding.package.name }, version: finding.package.version },
      operating_system: named(osName(scan), scan.os ? `${scan.os.family} ${scan.os.version}` : undefined, 'Unknown'),
      image,
    },
  };
}

const TOLLGATE = { id: 'tollgate', name: 'Tollgate', version: TOOL_VERSION, vendor: { name: 'Tollgate' }, url: 'https://github.com/tollgate-dev/tollgate' };

export const gitlabRenderer: Renderer = {
  id: 'gitlab',
  description: "GitLab's container-scanning report (format 15.0.7)",
  extension: 'json',
  renderImage(report) {
    const times = report.scans.map((scan) => reportTime(scan.scannedAt)).sort();
    const now = reportTime(new Date(0).toISOString());
    // What each scan could not judge, as warnings; how old its database was, as information.
    const messages = report.scans.flatMap((scan) => {
      const age = databaseAge(scan);
      return [...scan.warnings.filter((warning) => warning.trim() !== '').map((warning) => ({ level: 'warn', value: `${imageName(scan)}: ${warning}` })), ...(age ? [{ level: 'info', value: `${imageName(scan)}: ${age}` }] : [])];
    });
    const document = {
      version: GITLAB_REPORT_VERSION,
      scan: {
        analyzer: TOLLGATE,
        scanner: TOLLGATE,
        type: 'container_scanning',
        start_time: times[0] ?? now,
        end_time: times[times.length - 1] ?? now,
        status: 'success',
        ...(messages.length > 0 ? { messages } : {}),
      },
      vulnerabilities: report.scans.flatMap((scan) => scan.findings.map((finding) => vulnerability(scan, finding))),
      remediations: [],
    };
    return `${JSON.stringify(document, null, 2)}\n`;
  },
};
