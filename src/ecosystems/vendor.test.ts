import { describe, expect, it } from 'vitest';
import { isDistributionVendor } from './vendor.js';

describe('the distribution’s vendor', () => {
  it('a package naming no vendor is the distribution’s, as is one on an unidentified OS', () => {
    expect(isDistributionVendor(undefined, { family: 'debian', version: '12' })).toBe(true);
    expect(isDistributionVendor('  ', { family: 'debian', version: '12' })).toBe(true);
    expect(isDistributionVendor('Docker', undefined)).toBe(true);
  });

  it('the distribution’s own name, its vendor’s, or that of a distribution it derives from', () => {
    expect(isDistributionVendor('Debian', { family: 'debian', version: '12' })).toBe(true);
    expect(isDistributionVendor('Ubuntu', { family: 'ubuntu', version: '22.04', idLike: ['debian'] })).toBe(true);
    expect(isDistributionVendor('Debian', { family: 'kali', version: '2024.1', idLike: ['debian'] })).toBe(true);
    expect(isDistributionVendor('Red Hat, Inc.', { family: 'rhel', version: '9.3' })).toBe(true);
    expect(isDistributionVendor('Rocky Enterprise Software Foundation', { family: 'rocky', version: '9.3' })).toBe(true);
    expect(isDistributionVendor('SUSE LLC <https://www.suse.com/>', { family: 'sles', version: '15.5' })).toBe(true);
  });

  it('any other vendor is third-party', () => {
    expect(isDistributionVendor('Docker', { family: 'debian', version: '12' })).toBe(false);
    expect(isDistributionVendor('Ubuntu', { family: 'debian', version: '12' })).toBe(false);
    expect(isDistributionVendor('NodeSource', { family: 'rhel', version: '9.3' })).toBe(false);
  });
});
