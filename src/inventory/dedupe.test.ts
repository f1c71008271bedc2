import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageRecord } from '../model/package.js';
import { dedupePackages } from './dedupe.js';

const pypi = (location: string, version = '1.16.0', licenses?: string[]): PackageRecord => ({ type: 'pypi', name: 'six', version, location, ...(licenses ? { licenses } : {}) });
const site = '/usr/lib/python3/dist-packages';

describe('one Python install, described twice', () => {
  it('an egg-info folder, an egg-info file and a dist-info of one version in one folder are one package at the dist-info', () => {
    const records = [pypi(`${site}/six-1.16.0.egg-info/PKG-INFO`, '1.16.0', ['MIT']), pypi(`${site}/six-1.16.0.egg-info`), pypi(`${site}/six-1.16.0.dist-info/METADATA`)];
    expect(dedupePackages(records)).toEqual([pypi(`${site}/six-1.16.0.dist-info/METADATA`, '1.16.0', ['MIT'])]);
  });

  it('other versions, or other folders, are other installs', () => {
    const records = [pypi(`${site}/six-1.16.0.egg-info/PKG-INFO`), pypi(`${site}/six-1.15.0.dist-info/METADATA`, '1.15.0'), pypi(`/app/venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA`)];
    expect(dedupePackages(records)).toHaveLength(3);
  });

  it('whatever the order, the result is the same one package', () => {
    const records = [pypi(`${site}/six-1.16.0.egg-info/PKG-INFO`), pypi(`${site}/six-1.16.0.dist-info/METADATA`), pypi(`${site}/six-1.16.0.egg-info`)];
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: 1 }), (subset) => {
        const result = dedupePackages(subset);
        expect(result).toHaveLength(1);
        if (subset.some((record) => record.location.includes('.dist-info/'))) expect(result[0]?.location).toBe(`${site}/six-1.16.0.dist-info/METADATA`);
      }),
    );
  });
});
