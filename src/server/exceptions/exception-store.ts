/**
 * The exceptions workflow in the store: a request, then one decision (approve with an expiry in
 * the future, or reject) by an admin who is not the requester. Each write and its audit entry are
 * one transaction; a decision only moves a `requested` exception, so two admins deciding at once
 * cannot both win. Times are compared as ISO-8601 UTC text, like every time in the store.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from '../store/audit.js';
import type { ExceptionTable, Tables } from '../store/tables.js';
import { recordOf, SCOPE_FIELDS, type ExceptionKind, type ExceptionRecord, type ExceptionScope, type ExceptionState } from './exception-record.js';

/** What the caller can fix, with the request field it concerns. */
export class ExceptionRequestError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly kind: 'invalid' | 'not_found' | 'conflict' | 'forbidden',
  ) {
    super(message);
  }
}

export interface ExceptionRequest {
  kind: ExceptionKind;
  subject: string;
  scope: ExceptionScope;
  reason: string;
  requester: string;
}

function describe(request: Pick<ExceptionRequest, 'kind' | 'subject' | 'scope'>): string {
  const scope = Object.entries(request.scope).map(([key, value]) => `${key}=${value as string}`).join(' ');
  return `${request.kind} ${request.subject} (${scope})`;
}

export async function requestException(db: Kysely<Tables>, request: ExceptionRequest, now: string): Promise<ExceptionRecord> {
  const given = Object.keys(request.scope) as (keyof ExceptionScope)[];
  if (given.length === 0) throw new ExceptionRequestError('an exception needs a scope: at least one of repository, digest (advisories) or host, assetGroup (controls)', 'body.scope', 'invalid');
  const allowed = SCOPE_FIELDS[request.kind];
  const foreign = given.find((field) => !allowed.includes(field));
  if (foreign) throw new ExceptionRequestError(`a ${request.kind} exception is scoped by ${allowed.join(' or ')}, not ${foreign}`, `body.scope.${foreign}`, 'invalid');
  if (request.reason.trim() === '') throw new ExceptionRequestError('the reason is empty', 'body.reason', 'invalid');
  const row: ExceptionTable = {
    id: randomUUID(),
    kind: request.kind,
    subject: request.subject,
    scope_repository: request.scope.repository ?? null,
    scope_digest: request.scope.digest ?? null,
    scope_host: request.scope.host ?? null,
    scope_asset_group: request.scope.assetGroup ?? null,
    reason: request.reason,
    requested_by: request.requester,
    requested_at: now,
    state: 'requested',
    decided_by: null,
    decided_at: null,
    decision_comment: null,
    expires_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('exceptions').values(row).execute();
    await audit(trx, { tokenName: request.requester, action: 'exception.request', target: `${row.id} ${describe(request)}` });
  });
  return recordOf(row, now);
}

export async function getException(db: Kysely<Tables>, id: string, now: string): Promise<ExceptionRecord | undefined> {
  const row = await db.selectFrom('exceptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? recordOf(row, now) : undefined;
}

export interface ExceptionFilter {
  state?: ExceptionState;
  kind?: ExceptionKind;
  limit: number;
  offset: number;
}

/** Newest request first. `approved` lists only those still in force; `expired` the approved ones past their expiry. */
export async function listExceptions(db: Kysely<Tables>, filter: ExceptionFilter, now: string): Promise<ExceptionRecord[]> {
  let query = db.selectFrom('exceptions').selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.state === 'approved') query = query.where('state', '=', 'approved').where('expires_at', '>', now);
  else if (filter.state === 'expired') query = query.where('state', '=', 'approved').where('expires_at', '<=', now);
  else if (filter.state) query = query.where('state', '=', filter.state);
  const rows = await query.orderBy('requested_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  return rows.map((row) => recordOf(row, now));
}

export type ExceptionDecision = { approve: true; expiresAt: string; comment?: string } | { approve: false; comment?: string };

export async function decideException(db: Kysely<Tables>, id: string, decision: ExceptionDecision, decider: string, now: string): Promise<ExceptionRecord> {
  if (decision.approve && decision.expiresAt <= now) throw new ExceptionRequestError(`the expiry ${decision.expiresAt} is not in the future`, 'body.expiresAt', 'invalid');
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('exceptions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ExceptionRequestError('no exception with this id', 'params.id', 'not_found');
    if (row.state !== 'requested') throw new ExceptionRequestError(`the exception was ${row.state} already`, 'params.id', 'conflict');
    if (decision.approve && row.requested_by === decider) throw new ExceptionRequestError('an exception cannot be approved by the token that requested it', 'params.id', 'forbidden');
    const decided = { state: decision.approve ? 'approved' : 'rejected', decided_by: decider, decided_at: now, decision_comment: decision.comment ?? null, expires_at: decision.approve ? decision.expiresAt : null };
    // Only a still-requested exception moves: a concurrent decision on another node finds none.
    const updated = await trx.updateTable('exceptions').set(decided).where('id', '=', id).where('state', '=', 'requested').executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new ExceptionRequestError('the exception was decided already', 'params.id', 'conflict');
    const action = decision.approve ? 'exception.approve' : 'exception.reject';
    const until = decision.approve ? ` until ${decision.expiresAt}` : '';
    await audit(trx, { tokenName: decider, action, target: `${id} ${describe({ kind: row.kind as ExceptionKind, subject: row.subject, scope: recordOf(row, now).scope })}${until}` });
    return recordOf({ ...row, ...decided }, now);
  });
}

/**
 * Every approved exception of a kind, in force or expired at `now`: what a compliance result needs
 * (compliance-exceptions.ts marks EXCEPTION with one in force and lists the expired ones).
 */
export async function approvedExceptions(db: Kysely<Tables>, kind: ExceptionKind, now: string): Promise<ExceptionRecord[]> {
  const rows = await db.selectFrom('exceptions').selectAll().where('kind', '=', kind).where('state', '=', 'approved').orderBy('decided_at').orderBy('id').execute();
  return rows.map((row) => recordOf(row, now));
}

/** Approved exceptions of a kind still in force at `now` (the caller narrows them by scope). */
export async function activeExceptions(db: Kysely<Tables>, kind: ExceptionKind, now: string): Promise<ExceptionRecord[]> {
  const rows = await db.selectFrom('exceptions').selectAll().where('kind', '=', kind).where('state', '=', 'approved').where('expires_at', '>', now).orderBy('decided_at').orderBy('id').execute();
  return rows.map((row) => recordOf(row, now));
}
