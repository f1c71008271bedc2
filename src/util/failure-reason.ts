/**
 * A failure's reason as it may travel and be shown: one line (control characters and line breaks
 * as visible escapes), the secrets of URLs in it redacted, any secret the caller names replaced,
 * and at most MAX_FAILURE_REASON_CHARS characters. The sensor sends a scan's failure this way, the
 * server stores it this way whatever a sensor sent, and the connector prints it this way whatever a
 * server answered. Never longer, never multi-line, never holding a named secret.
 */
import { redactUrlsIn } from './redact-url.js';
import { terminalLine } from './terminal-text.js';

export const MAX_FAILURE_REASON_CHARS = 500;
const REDACTED = '[redacted]';

export function boundedFailureReason(text: string, secrets: readonly string[] = []): string {
  let reason = redactUrlsIn(text);
  for (const secret of secrets) if (secret.length > 0) reason = reason.split(secret).join(REDACTED);
  reason = terminalLine(reason).replace(/\s+/g, ' ').trim();
  const characters = Array.from(reason);
  if (characters.length > MAX_FAILURE_REASON_CHARS) reason = `${characters.slice(0, MAX_FAILURE_REASON_CHARS - 1).join('')}…`;
  return reason === '' ? 'no reason given' : reason;
}
