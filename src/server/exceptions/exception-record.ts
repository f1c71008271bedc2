/**
 * An exception as the API shows it: an accepted finding (an advisory id, for images) or an accepted
 * failed control (a CID, for compliance), limited to a scope, with a reason, who asked, who decided
 * and until when. The stored state is requested, approved or rejected; an approved exception whose
 * expiry has passed is shown as `expired` and no longer applies. Never holds a token, only names.
 */
import type { ExceptionTable } from '../store/tables.js';

export const EXCEPTION_STATES = ['requested', 'approved', 'rejected', 'expired'] as const;
export type ExceptionState = (typeof EXCEPTION_STATES)[number];

export type ExceptionKind = 'advisory' | 'control';

export interface ExceptionScope {
  /** An image repository (`registry.example/team/app`): every image tagged in it. */
  repository?: string;
  /** One image by its digest. */
  digest?: string;
  /** A compliance target by its name or address. */
  host?: string;
  assetGroup?: string;
}

export interface ExceptionRecord {
  id: string;
  kind: ExceptionKind;
  advisoryId?: string;
  cid?: string;
  scope: ExceptionScope;
  reason: string;
  requester: string;
  requestedAt: string;
  state: ExceptionState;
  /** The admin token that approved it (approved and expired exceptions). */
  approver?: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  expiresAt?: string;
}

/** Which scope fields apply to which kind: images have repositories and digests, hosts have names and asset groups. */
export const SCOPE_FIELDS: Record<ExceptionKind, readonly (keyof ExceptionScope)[]> = {
  advisory: ['repository', 'digest'],
  control: ['host', 'assetGroup'],
};

/** The state shown at `now`: an approved exception past its expiry is expired. */
export function stateAt(row: Pick<ExceptionTable, 'state' | 'expires_at'>, now: string): ExceptionState {
  if (row.state === 'approved' && row.expires_at !== null && row.expires_at <= now) return 'expired';
  return row.state as ExceptionState;
}

export function recordOf(row: ExceptionTable, now: string): ExceptionRecord {
  const state = stateAt(row, now);
  const scope: ExceptionScope = {
    ...(row.scope_repository !== null ? { repository: row.scope_repository } : {}),
    ...(row.scope_digest !== null ? { digest: row.scope_digest } : {}),
    ...(row.scope_host !== null ? { host: row.scope_host } : {}),
    ...(row.scope_asset_group !== null ? { assetGroup: row.scope_asset_group } : {}),
  };
  return {
    id: row.id,
    kind: row.kind as ExceptionKind,
    ...(row.kind === 'advisory' ? { advisoryId: row.subject } : { cid: row.subject }),
    scope,
    reason: row.reason,
    requester: row.requested_by,
    requestedAt: row.requested_at,
    state,
    ...((state === 'approved' || state === 'expired') && row.decided_by !== null ? { approver: row.decided_by } : {}),
    ...(row.decided_by !== null ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at !== null ? { decidedAt: row.decided_at } : {}),
    ...(row.decision_comment !== null ? { comment: row.decision_comment } : {}),
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
  };
}

/** The origin an exception carries into the gate's exclusions and the compliance result. */
export function exceptionOrigin(id: string): string {
  return `exception:${id}`;
}
