/**
 * Property-based fuzzing (fast-check, bounded runs) of the configuration parsers that had none:
 * `tollgate.yaml`, the exceptions file, and software specs (`openssl<3`). On any text — arbitrary
 * characters, YAML syntax soup, structured documents with hostile values — each returns data or
 * throws a UsageError; nothing else escapes.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseSoftwareSpec, compileSoftwareSpec } from '../ecosystems/software-spec.js';
import { parseExceptions } from './exceptions.js';
import { parseConfigFile } from './tollgate-file.js';

const yamlSoup = fc.array(fc.oneof(fc.constantFrom('\n', '  ', '- ', ': ', '{', '}', '[', ']', '&a ', '*a', '!!str ', '? ', '|', '>', '#', '"', "'", '---', '...', 'image:', 'scan:', 'exceptions:', 'cid: ', 'reason: ', 'expires: ', '2026-01-01', '\u0000', '\ufeff', '%YAML 1.2'), fc.string({ maxLength: 4 })), { maxLength: 60 }).map((parts) => parts.join(''));

const hostileValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }));

function onlyUsageErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(UsageError);
  }
}

describe('configuration parsers fuzzed', () => {
  it('tollgate.yaml: a tree or a usage error, on YAML soup and on documents of hostile values', () => {
    const documents = fc.dictionary(fc.constantFrom('image', 'compliance', 'db', 'scan', 'format', 'x'), fc.oneof(hostileValue, fc.dictionary(fc.constantFrom('scan', 'severity', 'fail-on', 'format', 'timeout'), hostileValue, { maxKeys: 3 })), { maxKeys: 3 }).map((tree) => stringify(tree));
    fc.assert(fc.property(fc.oneof(yamlSoup, documents, fc.string()), (text) => onlyUsageErrors(() => parseConfigFile(text, 'tollgate.yaml'))), { numRuns: 300 });
  });

  it('the exceptions file: entries or a usage error', () => {
    const entry = fc.record({ cid: hostileValue, reason: hostileValue, approver: hostileValue, expires: fc.oneof(hostileValue, fc.constantFrom('2026-01-01', '2026-02-30', '9999-99-99')) }, { requiredKeys: [] });
    const documents = fc.array(entry, { maxLength: 4 }).map((exceptions) => stringify({ exceptions }));
    fc.assert(fc.property(fc.oneof(yamlSoup, documents), (text) => onlyUsageErrors(() => parseExceptions(text, 'exceptions.yaml'))), { numRuns: 300 });
  });

  it('software specs: a spec that compiles and matches, or a usage error', () => {
    const soup = fc.array(fc.oneof(fc.constantFrom('openssl', 'pkg:npm/lodash', '<', '<=', '>', '>=', '=', '==', '!=', '3', '1.2.3', '~', '^', '*', ',', ' ', '@', 'deb:', 'npm:', '||'), fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(soup, (text) =>
        onlyUsageErrors(() => {
          const spec = compileSoftwareSpec(parseSoftwareSpec(text, 'gate.yaml:3'));
          expect(typeof spec.matches({ name: 'openssl', version: '3.0.11-1~deb12u2', type: 'deb' } as never)).toBe('boolean');
        }),
      ),
      { numRuns: 400 },
    );
  });
});
