/**
 * The one list of ecosystem matchers. Adding an ecosystem: a module here and one line.
 */
import { alpineMatcher } from './alpine.js';
import { debianMatcher } from './debian.js';
import type { EcosystemMatcher } from './ecosystem.js';
import { npmMatcher, pypiMatcher } from './language.js';
import { ubuntuMatcher } from './ubuntu.js';

export const ECOSYSTEM_MATCHERS: readonly EcosystemMatcher[] = [debianMatcher, ubuntuMatcher, alpineMatcher, npmMatcher, pypiMatcher];
