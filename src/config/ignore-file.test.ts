import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { ConfigError } from './config-error.js';
import { parseIgnoreFile } from './ignore-file.js';

describe('the ignore file', () => {
  it.each([
    ['ignore:\n  - id: CVE-1\n', /f:2: every entry needs a reason/],
    ['ignore:\n  - reason: x\n', /f:2: an entry needs at least one of id, package, path/],
    ['ignore:\n  - id: CVE-1\n    reason: x\n    expires: soon\n', /f:2: "expires" must be a date/],
    ['ignore:\n  - id: CVE-1\n    reason: x\n    until: 2026-01-01\n', /f:2: unknown key "until"/],
    ['ignore: [oops', /f:1: invalid YAML/],
    ['- just a list\n', /expected a mapping with an "ignore" list/],
  ])('refuses a bad file: %j', (bad, message) => {
    expect(() => parseIgnoreFile(bad, 'f')).toThrow(message);
    expect(() => parseIgnoreFile(bad, 'f')).toThrow(UsageError);
  });

  it('reports every problem inside an entry under the entry\'s origin, as reports name it', () => {
    const text = 'ignore:\n  - id: CVE-1\n    reason: x\n  - id: 7\n    reason: x\n';
    expect(() => parseIgnoreFile(text, 'f')).toThrow(/^f:4: "id" must be a string$/);
    expect(() => parseIgnoreFile('ignore:\n  - id: CVE-1\n    reason: "  "\n', 'f')).toThrow(/^f:2: every entry needs a reason$/);
    expect(() => parseIgnoreFile('ignore:\n  - id: CVE-1\n    reason: x\n    expires: 2026-13-01\n', 'f')).toThrow(/^f:2: "expires" must be a date YYYY-MM-DD, got "2026-13-01"$/);
    expect(() => parseIgnoreFile('ignore:\n  - just text\n', 'f')).toThrow(/^f:2: an ignore entry must be a mapping$/);
    expect(() => parseIgnoreFile('ignore: {}\n', 'f')).toThrow(/^f:1: "ignore" must be a list$/);
  });

  it('carries the place of a problem as data', () => {
    try {
      parseIgnoreFile('ignore:\n  - id: CVE-1\n', 'f');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ file: 'f', line: 2, column: undefined, field: undefined, problem: 'every entry needs a reason' });
    }
  });

  it('reads entries with their origins; an empty file or list ignores nothing', () => {
    expect(parseIgnoreFile('', 'f')).toEqual([]);
    expect(parseIgnoreFile('ignore: []\n', 'f')).toEqual([]);
    const [entry] = parseIgnoreFile('# accepted\nignore:\n  - package: "openssl<3.0.13"\n    path: /usr/lib/**\n    reason: " not reachable "\n    expires: 2026-12-31\n', '.tollgateignore.yaml');
    expect(entry).toEqual({ package: { text: 'openssl<3.0.13', name: 'openssl', constraints: [{ op: '<', version: '3.0.13' }] }, path: '/usr/lib/**', reason: 'not reachable', expires: '2026-12-31', origin: '.tollgateignore.yaml:3' });
  });

  it('refuses what is not YAML or not an ignore file as a usage error, whatever the input', () => {
    for (const text of ['ignore:\n  - *nowhere\n', 'ignore:\n  - id: a\n    id: b\n    reason: r\n', '"unterminated', '42', '[', 'ignore: [1, [2], {a: 3}]']) {
      expect(() => parseIgnoreFile(text, 'f')).toThrow(UsageError);
    }
  });

  it('refuses any malformed ignore file with a usage error, never a crash', () => {
    const anything = fc.oneof(fc.jsonValue(), fc.constantFrom('CVE-1', 'openssl<3', '2026-02-30', '2026-12-31', '', ' '));
    const entry = fc.dictionary(fc.constantFrom('id', 'package', 'path', 'reason', 'expires', 'until'), anything, { maxKeys: 5 });
    const document = fc.oneof(fc.record({ ignore: fc.array(fc.oneof(entry, anything), { maxLength: 3 }) }), fc.dictionary(fc.string(), anything));
    fc.assert(
      fc.property(document, (value) => {
        try {
          for (const entry of parseIgnoreFile(JSON.stringify(value), 'f')) expect(entry.reason.trim()).not.toBe('');
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
