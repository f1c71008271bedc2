/**
 * A one-line progress display on stderr for long work (database downloads, layer reading), shown
 * only on an interactive terminal: CI logs stay clean, and `--quiet` silences it.
 * Its text is escaped like every other line written for a person (`terminalLine`).
 */
import { terminalLine } from '../util/terminal-text.js';

export interface Progress {
  update(text: string): void;
  done(finalLine?: string): void;
}

const silent: Progress = { update: () => {}, done: () => {} };

export function createProgress(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY || process.env.CI) return silent;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = stream.columns ? stream.columns - 1 : 79;
      stream.write(`\r\x1b[2K${terminalLine(text).slice(0, width)}`);
      shown = true;
    },
    done(finalLine) {
      if (shown) stream.write('\r\x1b[2K');
      if (finalLine) stream.write(`${terminalLine(finalLine)}\n`);
      shown = false;
    },
  };
}
