import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPcre, type Pcre } from '../pcre/index.js';
import { compareValue, compareVersionType } from './datatypes.js';

let pcre: Pcre;
beforeAll(async () => {
  pcre = await loadPcre();
});

describe('OVAL datatypes', () => {
  it('debian_evr_string orders as dpkg --compare-versions does (oracle)', () => {
    const versions = ['1:9.2p1-2', '9.2p1-2', '9.2p1-2+deb12u3', '1.0~rc1-1', '1.0-1', '1.0', '2:0.1', '1.0-1~bpo1'];
    for (const a of versions) {
      for (const b of versions) {
        let dpkgSaysLess = true;
        try {
          execFileSync('dpkg', ['--compare-versions', a, 'lt', b]);
        } catch {
          dpkgSaysLess = false;
        }
        expect(compareValue('debian_evr_string', 'less than', b, a, pcre), `${a} < ${b}`).toBe(dpkgSaysLess ? 'true' : 'false');
      }
    }
  });

  it('evr_string orders as rpm does (epoch first, then version, then release)', () => {
    expect(compareValue('evr_string', 'greater than', '0:1.0-1', '1:0.1-1', pcre)).toBe('true');
    expect(compareValue('evr_string', 'less than', '0:1.10-1', '0:1.9-1', pcre)).toBe('true');
  });

  it('version compares numeric components as numbers (property: reflexive and antisymmetric)', () => {
    expect(compareVersionType('1.10', '1.9')).toBe(1);
    fc.assert(
      fc.property(fc.array(fc.nat(99), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(99), { minLength: 1, maxLength: 4 }), (x, y) => {
        const a = x.join('.');
        const b = y.join('.');
        expect(compareVersionType(a, a)).toBe(0);
        expect(Math.sign(compareVersionType(a, b)) + Math.sign(compareVersionType(b, a))).toBe(0);
      }),
    );
  });

  it('ipv4_address compares addresses and subnets; binary is hex, case-insensitive', () => {
    expect(compareValue('ipv4_address', 'subset of', '10.0.0.0/8', '10.1.2.0/24', pcre)).toBe('true');
    expect(compareValue('ipv4_address', 'greater than', '10.0.0.1', '10.0.0.2', pcre)).toBe('true');
    expect(compareValue('binary', 'equals', 'ABCDEF', 'abcdef', pcre)).toBe('true');
    expect(() => compareValue('ipv4_address', 'equals', '300.0.0.1', '1.1.1.1', pcre)).toThrow(/ipv4_address/);
  });

  it('int supports bitwise and; a non-number is a datatype error, never false', () => {
    expect(compareValue('int', 'bitwise and', '2', '6', pcre)).toBe('true');
    expect(() => compareValue('int', 'equals', '1', 'one', pcre)).toThrow(/not an int/);
  });
});
