/**
 * Escaping and small builders for the HTML reports. Every piece of data that reaches a report
 * passes through `escapeHtml`; nothing from an image or an advisory is ever inserted raw.
 */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NEEDS_ESCAPING = /[&<>"']/;
const ESCAPED = /[&<>"']/g;

export function escapeHtml(text: string | number | undefined): string {
  const value = String(text ?? '');
  // Most report text needs no escaping: testing once is far cheaper than rewriting every string.
  return NEEDS_ESCAPING.test(value) ? value.replace(ESCAPED, (character) => HTML_ESCAPES[character] as string) : value;
}

/** An element with escaped attribute values; `content` must already be markup. */
export function tag(name: string, attributes: Record<string, string | number | boolean | undefined>, content = ''): string {
  let attrs = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === false) continue;
    attrs += value === true ? ` ${key}` : ` ${key}="${escapeHtml(value)}"`;
  }
  return `<${name}${attrs}>${content}</${name}>`;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** A value to sort by (the enhancement script reads data-sort), when it differs from the text. */
  sortValue?: (row: T) => string | number;
  numeric?: boolean;
}

/** A plain table: readable with no CSS and no script; `data-*` attributes feed the enhancements. */
export function table<T>(caption: string, columns: readonly Column<T>[], rows: readonly T[], rowAttributes: (row: T) => Record<string, string | number | undefined> = () => ({})): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(caption)}: none.</p>`;
  const head = columns.map((column) => tag('th', { scope: 'col', class: column.numeric ? 'num' : undefined }, escapeHtml(column.header))).join('');
  const body = rows
    .map((row) => {
      const cells = columns
        .map((column) => tag('td', { 'data-sort': column.sortValue ? column.sortValue(row) : undefined, class: column.numeric ? 'num' : undefined }, column.cell(row)))
        .join('');
      return tag('tr', rowAttributes(row), cells);
    })
    .join('\n');
  return `<table class="data sortable">${tag('caption', {}, escapeHtml(caption))}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function shortDigest(digest: string | undefined): string {
  return digest ? digest.replace(/^(sha256:)?([a-f0-9]{12})[a-f0-9]*$/, '$1$2') : '';
}
