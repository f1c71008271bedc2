/**
 * Names made safe for files and attachments: letters, digits, `.`, `_` and `-` kept, every other
 * run of characters one `-`, runs of dots one dot, no leading dot or dash, at most 120 characters
 * (never `..`, never a hidden file). Shared by the tasks and the results tab, so
 * it imports nothing.
 */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[-.]+|-+$/g, '').slice(0, 120) || 'unnamed';
}
