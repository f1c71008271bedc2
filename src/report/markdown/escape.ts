/**
 * Data placed in Markdown (the Markdown report, SARIF's `help.markdown`): it stays text wherever
 * it lands. Control characters become visible escapes, line breaks become spaces (a cell or an
 * item never breaks its line), HTML's special characters become entities (no `<script>`, no
 * `<img onerror>`), and Markdown's own punctuation is backslash-escaped, so `[x](javascript:…)`,
 * `![x](…)`, emphasis, code spans and table pipes from data are shown as written and never act.
 * Links are made only by `markdownLink`, and only to http and https URLs.
 */
import { httpUrl } from '../../util/http-url.js';
import { terminalLine } from '../../util/terminal-text.js';

const HTML_ENTITY: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' };

/** Inline Markdown text from data: inert wherever it is placed, table cells included. */
export function escapeMarkdown(text: string): string {
  return terminalLine(text.replace(/\r\n|[\r\n]/g, ' '))
    .replace(/[\\`*_{}[\]()!|~]/g, (character) => `\\${character}`)
    .replace(/[<>&"]/g, (character) => HTML_ENTITY[character] ?? character);
}

/** A paragraph of its own from data: also never a heading, list item or setext underline by how it starts. */
export function escapeMarkdownParagraph(text: string): string {
  return escapeMarkdown(text).replace(/^(\s*)([#+=-]|\d+(?=[.)]))/, '$1\\$2');
}

/** A code span for an identifier (`TG-SSH-003`); anything but plain identifier characters is written as escaped text instead, since nothing can be escaped inside a code span. */
export function codeSpan(text: string): string {
  return /^[\w.:/@+-]+$/.test(text) ? `\`${text}\`` : escapeMarkdown(text);
}

/** A table cell: the same as any inline text. */
export const escapeCell = escapeMarkdown;

/**
 * A link to `url` labelled with escaped text, when `url` is http(s); any other URL (javascript:,
 * data:, file:, vbscript: …) is shown as inert text and never becomes a link. The destination is
 * written in angle brackets with the characters that could end it percent-encoded.
 */
export function markdownLink(label: string, url: string): string {
  const safe = httpUrl(url);
  if (!safe) return escapeMarkdown(url === label ? url : `${label} (${url})`);
  return `[${escapeMarkdown(label)}](<${safe.replace(/[<>\s()]/g, (character) => encodeURIComponent(character).replace('(', '%28').replace(')', '%29'))}>)`;
}
