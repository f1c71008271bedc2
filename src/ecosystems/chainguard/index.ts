/**
 * Chainguard OS: apk packages on an OS whose os-release `ID` is `chainguard` (Chainguard's images).
 * Advisories (CGA) under the one OSV ecosystem `Chainguard`, by origin package, apk ordering
 * (src/ecosystems/rolling-apk.ts). Never matched against Wolfi's or Alpine's advisories.
 */
import { rollingApkDistribution } from '../rolling-apk.js';

export const chainguard = rollingApkDistribution('chainguard', 'chainguard', 'Chainguard');
