/**
 * Composer's version normalisation, `Composer\Semver\VersionParser::normalize` (composer/semver 3):
 * `v1.2` → `1.2.0.0`, `1.0-beta.2` → `1.0.0.0-beta2`, `2.1-p1` → `2.1.0.0-patch1`,
 * `1.x-dev` → `1.9999999.9999999.9999999-dev`, `20240101` → `20240101`, `dev-main` stays, an
 * alias (`dev-main as 1.0.x-dev`) and a stability flag (`@beta`) are stripped, build metadata
 * (`+build`) dropped. Anything else is not a Composer version: undefined.
 *
 * Ported by hand (no npm library ports composer/semver); proven against Debian's composer in
 * index.test.ts.
 */

/**
 * Composer's `(?:[.-]?\d++)*+` (a possessive loop, which JavaScript lacks) written as the same
 * language without nested ambiguity, so a long run of digits cannot make the match backtrack
 * exponentially.
 */
const MODIFIER = String.raw`[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+(?:[.-]\d+)*)?))?([.-]?dev)?`;
const CLASSICAL = new RegExp(String.raw`^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(String.raw`^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)${MODIFIER}$`, 'i');
const ALIAS = /^([^,\s]+) +as +([^,\s]+)$/;
const STABILITY_FLAG = /@(?:stable|RC|beta|alpha|dev)$/i;
const BUILD_METADATA = /^([^,\s+]+)\+\S+$/;
const DEV_SUFFIX = /^(.*?)[.-]?dev$/i;
const NUMERIC_BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** Longer strings are refused before any pattern runs: no Composer version is this long. */
const MAX_LENGTH = 1024;

/** PHP's trim(): space, tab, LF, CR, NUL, vertical tab. */
function phpTrim(text: string): string {
  return text.replace(/^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g, '');
}

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  if (lower === 'a') return 'alpha';
  if (lower === 'b') return 'beta';
  if (lower === 'p' || lower === 'pl') return 'patch';
  if (lower === 'rc') return 'RC';
  return lower;
}

/** `VersionParser::normalizeBranch`: `1.x` → `1.9999999.9999999.9999999-dev`, `feature` → `dev-feature`. */
export function normalizeComposerBranch(name: string): string {
  const trimmed = phpTrim(name);
  const match = NUMERIC_BRANCH.exec(trimmed);
  if (!match) return `dev-${trimmed}`;
  let version = '';
  for (let i = 1; i < 5; i += 1) version += match[i] === undefined ? '.x' : (match[i] as string).replace(/[*X]/g, 'x');
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** Adds the stability and dev suffixes the way normalize() does after a classical or date match. */
function withModifiers(version: string, stability: string | undefined, stabilityNumber: string | undefined, dev: string | undefined): string {
  let out = version;
  if (stability) {
    if (stability === 'stable') return out;
    out += `-${expandStability(stability)}${stabilityNumber ? stabilityNumber.replace(/^[.-]+/, '') : ''}`;
  }
  if (dev) out += '-dev';
  return out;
}

export function normalizeComposerVersion(input: string): string | undefined {
  if (input.length > MAX_LENGTH) return undefined;
  let version = phpTrim(input);
  const alias = ALIAS.exec(version);
  if (alias) version = alias[1] as string;
  const flag = STABILITY_FLAG.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.slice(0, 4).toLowerCase() === 'dev-') return `dev-${version.slice(4)}`;
  const build = BUILD_METADATA.exec(version);
  if (build) version = build[1] as string;

  const classical = CLASSICAL.exec(version);
  if (classical) {
    const [, major, minor, patch, revision, stability, number, dev] = classical;
    return withModifiers(`${major}${minor || '.0'}${patch || '.0'}${revision || '.0'}`, stability, number, dev);
  }
  const date = DATE.exec(version);
  if (date) {
    const [, stamp, stability, number, dev] = date;
    return withModifiers((stamp as string).replace(/\D/g, '.'), stability, number, dev);
  }
  const devBranch = DEV_SUFFIX.exec(version);
  if (devBranch) {
    const normalized = normalizeComposerBranch(devBranch[1] as string);
    if (!normalized.includes('dev-')) return normalized;
  }
  return undefined;
}
