/**
 * Python (PyPI) version ordering per PEP 440, through `@renovatebot/pep440`: epochs, pre-, post-
 * and development releases, local versions, and the normalisation PEP 440 defines
 * (`1.0-alpha1` == `1.0a1`, `1.0.post1` == `1.0-1`).
 */
import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440';
import { InvalidVersionError, type VersionScheme } from '../scheme.js';

function isValid(version: string): boolean {
  return version.length <= 256 && validPep440(version) !== null;
}

export const pep440: VersionScheme = {
  id: 'pep440',
  isValid,
  compare(a, b) {
    if (!isValid(a)) throw new InvalidVersionError('pep440', a);
    if (!isValid(b)) throw new InvalidVersionError('pep440', b);
    return Math.sign(comparePep440(a, b));
  },
};
