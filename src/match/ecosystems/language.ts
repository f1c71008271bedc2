/**
 * Language ecosystems: npm and PyPI packages match their ecosystem's advisories by name, wherever
 * in the image they are installed.
 */
import { getVersionScheme } from '../../versions/list.js';
import type { EcosystemMatcher } from './ecosystem.js';

export const npmMatcher: EcosystemMatcher = {
  id: 'npm',
  query: (pkg) => (pkg.type === 'npm' ? { ecosystem: 'npm', name: pkg.name, version: pkg.version, scheme: getVersionScheme('semver') } : undefined),
};

export const pypiMatcher: EcosystemMatcher = {
  id: 'pypi',
  query: (pkg) => (pkg.type === 'pypi' ? { ecosystem: 'PyPI', name: pkg.name, version: pkg.version, scheme: getVersionScheme('pep440') } : undefined),
};
