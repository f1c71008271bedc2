/**
 * Text from scanned data (package names, tags, `PRETTY_NAME`, advisory titles, file names,
 * configuration values) made safe for a terminal or a log: control characters (C0, DEL, C1), the
 * bidirectional overrides and isolates that reorder what a reader sees, and the Unicode line and
 * paragraph separators are written as visible escapes (`\x1b`, `\n`, `\u{202e}`), so the data can
 * neither drive the terminal (window titles, clearing the screen, moving the cursor) nor forge a
 * line of its own in a log.
 *
 * Every line Tollgate writes for a person goes through here, once, at the point of writing: the
 * table renderers escape each value they place, the CLI escapes warnings, progress and errors. It
 * never removes anything: what was there stays readable, only inert.
 */

/** Characters that act on a terminal or on how a line reads: C0, DEL, C1, LRM/RLM/ALM, bidi embeddings, overrides and isolates, line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visibleEscape(character: string): string {
  const named = NAMED[character];
  if (named) return named;
  const code = character.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One line of output: every control character, line breaks and tabs included, becomes a visible escape. */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, visibleEscape);
}

/** Several lines of output that are meant as such: line feeds and tabs stay, every other control character becomes a visible escape. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, visibleEscape);
}

/** True when `text` holds nothing `terminalLine` would escape. */
export function isTerminalSafeLine(text: string): boolean {
  UNSAFE_IN_LINE.lastIndex = 0;
  return !UNSAFE_IN_LINE.test(text);
}
