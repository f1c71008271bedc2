/**
 * The ecosystem-matcher contract: which advisories a package is looked up against. An OS package
 * matches only its own distribution release's advisories; a language package its ecosystem's.
 */
import type { OsInfo, Package } from '../../model/package.js';
import type { VersionScheme } from '../../versions/scheme.js';

export interface MatchQuery {
  /** OSV ecosystem: `Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`, `npm`, `PyPI`. */
  ecosystem: string;
  /** The name advisories use (the source package for Debian and Ubuntu, the origin for Alpine). */
  name: string;
  /** The version compared (the source version for Debian and Ubuntu). */
  version: string;
  scheme: VersionScheme;
}

export interface EcosystemMatcher {
  readonly id: string;
  /** The query for this package, or undefined when this matcher does not handle it. */
  query(pkg: Package, os: OsInfo | undefined): MatchQuery | undefined;
}
