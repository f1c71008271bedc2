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
  state?: 'open' | 'excepted';
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
  advisoryId?: string;
  cid?: string;
  scope: ExceptionScope;
  reason: string;
  state: 'requested' | 'approved' | 'rejected' | 'expired';
  requester: string;
  requestedAt: string;
  approver?: string;
  decidedBy?: string;
  decidedAt?: string;
  expiresAt?: string;
  comment?: string;
}

/** What an exception accepts: an advisory id (images) or a control id (hosts). */
export function exceptionSubject(record: ExceptionRecord): string {
  return record.advisoryId ?? record.cid ?? '';
}
