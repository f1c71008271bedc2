import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from '../apk/index.js';
import { parseDpkgStatus } from '../dpkg/index.js';
import { forEachLine, MAX_FIELD_CHARS, parseControlRecords } from './control-fields.js';

const lines = (text: string): string[] => {
  const out: string[] = [];
  forEachLine(text, (line) => void out.push(line));
  return out;
};

describe('control-field text', () => {
  it('is split into the same lines as split(/\\r?\\n/), without building the array', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', ':', ' ', '\n', '\r', '\r\n', '\u0000'), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(lines(text)).toEqual(text.split(/\r?\n/));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and keeps at most a few problems, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const { problems } = parseControlRecords(Buffer.from(bytes).toString('utf8'));
        expect(problems.length).toBeLessThanOrEqual(21);
      }),
      { numRuns: 500 },
    );
  });

  it('counts a million malformed lines instead of keeping a message for each, in linear time', () => {
    const text = 'garbage without a colon\n'.repeat(1_000_000);
    const started = performance.now();
    const { records, problems } = parseControlRecords(text);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(records).toEqual([]);
    expect(problems).toHaveLength(21);
    expect(problems.at(-1)).toBe('999,980 more malformed lines like these not shown');
  });

  it('cuts a field continued past the bound, with one problem', () => {
    const text = `Package: a\nVersion: 1\nDescription: x\n${' more\n'.repeat(300_000)}`;
    const { records, problems } = parseControlRecords(text);
    expect((records[0]?.fields.get('description') ?? '').length).toBeLessThanOrEqual(MAX_FIELD_CHARS + 10);
    expect(problems).toEqual([expect.stringMatching(/field "description" is longer than/)]);
  });
});

describe('package databases under hostile input', () => {
  it('a 40 MiB dpkg status of one line is one malformed line, read in linear time', () => {
    const started = performance.now();
    const result = parseDpkgStatus(`Package: ${'x'.repeat(40 * 1024 * 1024)}`, '/var/lib/dpkg/status', true);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.packages ?? []).toEqual([]);
  });

  it('a dpkg stanza with an absurdly long name or version is skipped with a warning, not carried on', () => {
    const result = parseDpkgStatus(`Package: ${'p'.repeat(10_000)}\nStatus: install ok installed\nVersion: 1\n\nPackage: ok\nStatus: install ok installed\nVersion: 2\n`, '/var/lib/dpkg/status', true);
    expect(result.packages?.map((p) => p.name)).toEqual(['ok']);
    expect(result.warnings).toEqual([expect.stringMatching(/longer than 512 characters; skipped/)]);
  });

  it('a dpkg status of random bytes and NULs yields bounded warnings', () => {
    const noise = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) % 251 === 0 ? 10 : (i * 40503) & 0xff;
    const result = parseDpkgStatus(noise.toString('latin1'), '/var/lib/dpkg/status', true);
    expect((result.warnings ?? []).length).toBeLessThanOrEqual(42);
  });

  it('an apk database line of slashes is read in linear time', () => {
    const started = performance.now();
    const result = parseApkInstalled(`P:a\nV:1\nF:${'/'.repeat(2_000_000)}x\nR:f\n`, '/lib/apk/db/installed');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.packages?.map((p) => p.name)).toEqual(['a']);
  });
});
