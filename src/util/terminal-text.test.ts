import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalLine, terminalText } from './terminal-text.js';

// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('text for a terminal or a log', () => {
  it('shows window-title, clear-screen and colour sequences as inert escapes', () => {
    expect(terminalLine('pkg\u001b]0;owned\u0007')).toBe('pkg\\x1b]0;owned\\x07');
    expect(terminalLine('\u001b[2J\u001b[H')).toBe('\\x1b[2J\\x1b[H');
    expect(terminalLine('\u009b31m')).toBe('\\x9b31m');
  });

  it('keeps a line a line: a newline in a file name cannot forge a warning of its own', () => {
    expect(terminalLine('a.txt\ntollgate: gate passed')).toBe('a.txt\\ntollgate: gate passed');
    expect(terminalLine('x\r\ty')).toBe('x\\r\\ty');
    expect(terminalText('one\ntwo\u001b[2J\tthree')).toBe('one\ntwo\\x1b[2J\tthree');
  });

  it('shows bidi overrides and isolates, so text reads as it is stored', () => {
    expect(terminalLine('evil\u202etxt.exe')).toBe('evil\\u{202e}txt.exe');
    expect(terminalLine('\u2066a\u2069\u2028')).toBe('\\u{2066}a\\u{2069}\\u{2028}');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    expect(terminalLine('café 😀 libssl3 3.0.11-1~deb12u2 — ok')).toBe('café 😀 libssl3 3.0.11-1~deb12u2 — ok');
  });

  it('never lets an active character through, and changes nothing that was safe (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x2100 }).map((code) => String.fromCharCode(code)) }), (text) => {
        const line = terminalLine(text);
        expect(line).not.toMatch(ACTIVE);
        if (!ACTIVE.test(text)) expect(line).toBe(text);
        expect(terminalText(text).replace(/[\n\t]/g, '')).not.toMatch(ACTIVE);
      }),
      { numRuns: 500 },
    );
  });
});
