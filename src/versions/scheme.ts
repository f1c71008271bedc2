/**
 * The version-scheme contract: how one ecosystem orders its versions.
 *
 * Each scheme lives in its own folder (`src/versions/<id>/index.ts`) and is registered by name
 * in `src/versions/list.ts`. Matching, the gate's software ranges and the compliance package
 * checks all compare versions through this interface, never by hand.
 */
export interface VersionScheme {
  /** `dpkg`, `apk`, `semver`, `pep440`, ... */
  readonly id: string;
  /** True when `version` is well-formed in this scheme. */
  isValid(version: string): boolean;
  /**
   * Total order: negative when a < b, 0 when equal, positive when a > b. Must not throw for
   * valid versions; for invalid input it throws `InvalidVersionError`.
   */
  compare(a: string, b: string): number;
}

export class InvalidVersionError extends Error {
  constructor(
    readonly scheme: string,
    readonly version: string,
  ) {
    super(`invalid ${scheme} version: ${JSON.stringify(version)}`);
    this.name = 'InvalidVersionError';
  }
}
