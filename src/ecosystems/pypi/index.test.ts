import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePythonMetadata } from '../../inventory/python/index.js';
import { normalizePackageName } from '../../vulndb/schema.js';
import { purlFor } from '../list.js';
import { pep503Name } from './index.js';

/** PEP 503's definition, transcribed: `re.sub(r"[-_.]+", "-", name).lower()`. */
const definition = (name: string): string => name.replace(/[-_.]+/g, '-').toLowerCase();

/** Names as PyPI allows them (PEP 508: letters, digits, `-_.`, starting and ending alphanumeric). */
const projectName = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,30}[A-Za-z0-9])?$/);
/** Anything an untrusted METADATA file could say. */
const anyAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });

const python = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

describe('PEP 503 name normalisation', () => {
  it.each([
    ['Ruamel.YAML', 'ruamel-yaml'],
    ['ruamel_yaml', 'ruamel-yaml'],
    ['ruamel--yaml', 'ruamel-yaml'],
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY._-BARD', 'friendly-bard'],
    ['zope.interface', 'zope-interface'],
    ['PyJWT', 'pyjwt'],
  ])('%s is %s', (name, normalised) => expect(pep503Name(name)).toBe(normalised));

  it('is the PEP 503 definition, for valid names and for anything else', () => {
    fc.assert(
      fc.property(fc.oneof(projectName, anyAscii), (name) => {
        expect(pep503Name(name)).toBe(definition(name));
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(projectName, anyAscii), (name) => {
        expect(pep503Name(pep503Name(name))).toBe(pep503Name(name));
      }),
      { numRuns: 2000 },
    );
  });

  it.skipIf(!python)('agrees with Python running the definition itself', () => {
    const names = fc.sample(fc.oneof(projectName, anyAscii), { numRuns: 500, seed: 503 });
    const program = 'import json, re, sys\nfor name in json.load(sys.stdin):\n    print(json.dumps(re.sub(r"[-_.]+", "-", name).lower()))';
    const expected = execFileSync('python3', ['-c', program], { input: JSON.stringify(names), encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string);
    expect(names.map(pep503Name)).toEqual(expected);
  });

  it('is the one normalisation of the inventory, the purl and the advisory database', () => {
    fc.assert(
      fc.property(projectName, (name) => {
        const normalised = pep503Name(name);
        const [record] = parsePythonMetadata(`Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`, '/x/METADATA').packages ?? [];
        expect(record?.name).toBe(normalised);
        expect(normalizePackageName('PyPI', name)).toBe(normalised);
        expect(purlFor({ type: 'pypi', name, version: '1.0', location: '/x' }, undefined)).toBe(`pkg:pypi/${normalised}@1.0`);
      }),
      { numRuns: 300 },
    );
  });
});
