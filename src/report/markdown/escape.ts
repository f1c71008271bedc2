/**
 * Markdown table cells: data never breaks the table (pipes, backslashes, line breaks) and never
 * becomes HTML (angle brackets).
 */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}
