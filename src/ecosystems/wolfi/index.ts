/**
 * Wolfi: apk packages on an OS whose os-release `ID` is `wolfi`. Advisories (CGA, from Wolfi's
 * security data) under the one OSV ecosystem `Wolfi`, by origin package, apk ordering
 * (src/ecosystems/rolling-apk.ts).
 */
import { rollingApkDistribution } from '../rolling-apk.js';

export const wolfi = rollingApkDistribution('wolfi', 'wolfi', 'Wolfi');
