/**
 * Every line the CLI writes to stderr for a person: notices, warnings, errors and the gate's
 * reasons. Each goes through `terminalLine`, so a file name, tag or advisory title carrying escape
 * sequences or line breaks cannot drive the terminal or forge a line of the log.
 */
import { redactUrlsIn } from '../util/redact-url.js';
import { terminalLine } from '../util/terminal-text.js';

/** A message as it may be shown: secrets of the URLs in it redacted, control characters escaped. */
export function displayable(text: string): string {
  return terminalLine(redactUrlsIn(text));
}

export function printNotice(text: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`tollgate: ${displayable(text)}\n`);
}

export function printWarning(text: string, stream: NodeJS.WritableStream = process.stderr): void {
  printNotice(`warning: ${text}`, stream);
}

/** A heading and its items, one per line, indented: `tollgate: gate failed` and `  - reason`. */
export function printList(heading: string, items: readonly string[], stream: NodeJS.WritableStream = process.stderr): void {
  printNotice(heading, stream);
  for (const item of items) stream.write(`  - ${displayable(item)}\n`);
}

/** A line that is not Tollgate's own voice (a command's summary, `skipped: …`). */
export function printLine(text: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`${displayable(text)}\n`);
}
