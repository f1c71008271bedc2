/**
 * The shapes of the /api/v1 answers the UI reads (see docs/server.md and the OpenAPI document).
 */
export interface ImageSummary {
  digest: string;
  tags: string[];
  firstSeen: string;
  lastSeen: string;
  processing: boolean;
}

export interface FindingException {
  id: string;
  reason: string;
  expiresAt: string | null;
}

export interface CurrentFinding {
  id: string;
  package: string;
  version: string;
  severity: string;
  firstSeen: string;
  exception?: FindingException | null;
}

export interface ImageDetail extends ImageSummary {
  findings: CurrentFinding[];
  scans: { scanId: string; scannedAt: string; status: string }[];
}

export interface Changes {
  since: string;
  images: { digest: string; tags: string[]; findings: { id: string; severity: string; appearedAt: string; cause: string }[] }[];
  truncated: boolean;
}

export interface TokenRow {
  name: string;
  role: string;
  createdAt: string;
  createdBy: string;
}

export interface ExceptionScope {
  repository?: string;
  digest?: string;
  host?: string;
  assetGroup?: string;
}

export interface ExceptionRecord {
  id: string;
  kind: 'advisory' | 'control';
  ref: string;
  scope: ExceptionScope;
  reason: string;
  state: string;
  requestedBy?: string;
  requestedAt?: string;
  decidedBy?: string | null;
  decidedAt?: string | null;
  expiresAt?: string | null;
  comment?: string | null;
}
