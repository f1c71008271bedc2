/**
 * The facts of Harbor's pluggable scanner adapter API (goharbor/pluggable-scanner-spec, OpenAPI
 * v1.2, served under /api/v1): the media types each operation consumes and produces, and the
 * bounds Harbor puts on polling. Facts only; the adapter's behaviour lives beside them.
 */

/** What `GET /api/v1/metadata` answers with. */
export const METADATA_MIME = 'application/vnd.scanner.adapter.metadata+json; version=1.1';

/** What `POST /api/v1/scan` accepts (Harbor 2.x sends 1.1, older releases 1.0) and answers with. */
export const SCAN_REQUEST_MIMES = ['application/vnd.scanner.adapter.scan.request+json; version=1.1', 'application/vnd.scanner.adapter.scan.request+json; version=1.0'] as const;
export const SCAN_RESPONSE_MIME = 'application/vnd.scanner.adapter.scan.response+json; version=1.0';

/** Errors, on every operation. */
export const ERROR_MIME = 'application/vnd.scanner.adapter.error+json; version=1.0';

/** The vulnerability report types this adapter produces, preferred first. Both carry the same document. */
export const REPORT_MIMES = ['application/vnd.security.vulnerability.report; version=1.1', 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0'] as const;
export type ReportMime = (typeof REPORT_MIMES)[number];

/** The SBOM report type: a capability of the spec this adapter does not offer. */
export const SBOM_REPORT_MIME = 'application/vnd.security.sbom.report+json; version=1.0';

/** The artifacts it scans: single-platform image manifests. */
export const CONSUMED_ARTIFACT_MIMES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'] as const;

/** `Refresh-After` on a pending report: Harbor accepts 1 to 127 seconds. */
export const REFRESH_AFTER_MIN_SECONDS = 1;
export const REFRESH_AFTER_MAX_SECONDS = 127;

/** Harbor's severity scale. */
export type HarborSeverity = 'Unknown' | 'Negligible' | 'Low' | 'Medium' | 'High' | 'Critical';

/** The artifact of a scan request, as Harbor sends it and the report echoes it. */
export interface HarborArtifact {
  repository: string;
  digest: string;
  tag?: string;
  mime_type?: string;
}

export interface HarborVulnerability {
  id: string;
  package: string;
  version: string;
  fix_version?: string;
  severity: HarborSeverity;
  description?: string;
  links: string[];
  preferred_cvss?: { score_v3?: number; score_v2?: number; vector_v3?: string; vector_v2?: string };
  cwe_ids?: string[];
  vendor_attributes?: Record<string, unknown>;
}

/** HarborVulnerabilityReport. */
export interface HarborVulnerabilityReport {
  generated_at: string;
  artifact: HarborArtifact;
  scanner: { name: string; vendor: string; version: string };
  severity: HarborSeverity;
  vulnerabilities: HarborVulnerability[];
}

/** `{"error":{"message":...}}`, the body of every error answer. */
export function errorBody(message: string): { error: { message: string } } {
  return { error: { message } };
}
