import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { loadOpenVex, parseOpenVex } from './vex.js';

describe('OpenVEX', () => {
  const vex = (statements: unknown[]) => JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'x', author: 't', timestamp: '2026-01-01T00:00:00Z', version: 1, statements });

  it.each([
    ['not json', /not a JSON document/],
    [JSON.stringify({ statements: [] }), /not an OpenVEX document/],
    [vex([{ vulnerability: 'CVE-1', products: ['pkg:npm/a'], status: 'maybe' }]), /"status" must be one of/],
    [vex([{ vulnerability: 'CVE-1', products: ['pkg:npm/a'], status: 'not_affected' }]), /needs a "justification" or an "impact_statement"/],
    [vex([{ vulnerability: 'CVE-1', products: [], status: 'fixed' }]), /"products" must list at least one product/],
  ])('refuses an invalid document (%#)', (text, message) => {
    expect(() => parseOpenVex(text, 'v.json')).toThrow(message);
  });

  it('numbers statements across documents, so a later document decides ties', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-vex-'));
    try {
      const statement = { vulnerability: 'CVE-1', products: ['pkg:npm/a'], status: 'fixed' };
      await writeFile(path.join(dir, 'a.json'), vex([statement, statement]));
      await writeFile(path.join(dir, 'b.json'), vex([statement]));
      const statements = loadOpenVex([path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
      expect(statements.map((s) => [s.origin, s.position])).toEqual([
        [`${path.join(dir, 'a.json')}#statements[0]`, 0],
        [`${path.join(dir, 'a.json')}#statements[1]`, 1],
        [`${path.join(dir, 'b.json')}#statements[0]`, 2],
      ]);
      expect(() => loadOpenVex([path.join(dir, 'missing.json')])).toThrow(UsageError);
      expect(() => loadOpenVex([path.join(dir, 'missing.json')])).toThrow(/^cannot read VEX document .*missing\.json \(ENOENT\)$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses any malformed document with a usage error, never a crash', () => {
    const anything = fc.oneof(fc.jsonValue(), fc.constantFrom('not_affected', 'fixed', 'pkg:npm/a', 'CVE-1'));
    const statement = fc.dictionary(fc.constantFrom('vulnerability', 'products', 'status', 'justification', 'impact_statement', 'timestamp', 'subcomponents', '@id', 'name', 'aliases'), fc.oneof(anything, fc.array(fc.dictionary(fc.constantFrom('@id', 'subcomponents', 'identifiers', 'hashes'), anything))), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 3 }), anything, (statements, timestamp) => {
        try {
          parseOpenVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', timestamp, statements }), 'v.json');
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
