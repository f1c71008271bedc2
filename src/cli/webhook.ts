/**
 * `--webhook <url>`: POSTs the aggregate verdict as JSON after the run, with a timeout and bounded
 * retries. Failing to deliver is a warning on stderr; it never changes the verdict or the exit code.
 */
import { messageOf } from '../errors.js';
import { httpClient } from '../util/http.js';

export interface WebhookOptions {
  timeoutMs?: number;
  retries?: number;
}

export async function postWebhook(url: string, body: string, options: WebhookOptions = {}): Promise<{ delivered: boolean; attempts: number; error?: string }> {
  const retries = options.retries ?? 2;
  let lastError = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const http = await httpClient();
    try {
      const response = await http.fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'tollgate' }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      await response.body?.cancel();
      if (response.ok) return { delivered: true, attempts: attempt };
      lastError = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) return { delivered: false, attempts: attempt, error: lastError };
    } catch (error) {
      lastError = messageOf(error);
    } finally {
      await http.close();
    }
    if (attempt <= retries) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
  }
  return { delivered: false, attempts: retries + 1, error: lastError };
}
