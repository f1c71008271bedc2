/**
 * Webhook notifications: a JSON POST naming each affected image and the findings that appeared,
 * retried with exponential back-off on a network error, a 429 or a 5xx, a bounded number of
 * times. Signed with HMAC-SHA256 (`x-tollgate-signature: sha256=<hex>`) when a secret is set. The
 * URL is never logged with its credentials.
 */
import { createHmac } from 'node:crypto';
import { redactUrl } from '../../util/redact-url.js';

export interface WebhookOptions {
  url: string;
  secret?: string;
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  log?: (message: string) => void;
}

export interface AppearedNotice {
  event: 'findings.appeared';
  cause: 'scan' | 'reevaluation';
  /** The vulnerability database (its build time) that produced the findings, for a re-evaluation. */
  database?: string;
  images: { digest: string; tags: string[]; findings: { id: string; severity: string }[] }[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** true when a delivery was accepted (2xx); false after the last attempt failed. */
export async function sendWebhook(options: WebhookOptions, notice: AppearedNotice): Promise<boolean> {
  const body = JSON.stringify(notice);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tollgate-server' };
  if (options.secret) headers['x-tollgate-signature'] = `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}`;
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let problem: string;
    try {
      const response = await fetch(options.url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      await response.body?.cancel();
      if (response.ok) return true;
      problem = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) attempt = attempts;
    } catch (error) {
      problem = error instanceof Error ? error.name : 'error';
    }
    options.log?.(`webhook ${redactUrl(options.url)}: attempt ${attempt} of ${attempts} failed (${problem})`);
    if (attempt < attempts) await sleep((options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
  }
  return false;
}
