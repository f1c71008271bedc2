/**
 * Alpine: apk packages on an OS whose os-release `ID` is `alpine`. Advisories are per branch
 * (`Alpine:v3.19`, from the secdb) and written against the origin package (`o:` in the installed
 * database), so `libcrypto3` is looked up as `openssl`; the installed version is compared as is.
 *
 * Never guesses a branch: a version that does not start with `major.minor` is not placed.
 */
import type { EcosystemDescriptor, OsRelease } from '../ecosystem.js';
import { osPackagePurl } from '../os-package-purl.js';

/** Branches and their end of support, from the table at alpinelinux.org/releases. */
export const ALPINE_RELEASES: readonly OsRelease[] = [
  { release: '3.0', endOfSupport: '2016-05-01' },
  { release: '3.1', endOfSupport: '2016-11-01' },
  { release: '3.2', endOfSupport: '2017-05-01' },
  { release: '3.3', endOfSupport: '2017-11-01' },
  { release: '3.4', endOfSupport: '2018-05-01' },
  { release: '3.5', endOfSupport: '2018-11-01' },
  { release: '3.6', endOfSupport: '2019-05-01' },
  { release: '3.7', endOfSupport: '2019-11-01' },
  { release: '3.8', endOfSupport: '2020-05-01' },
  { release: '3.9', endOfSupport: '2020-11-01' },
  { release: '3.10', endOfSupport: '2021-05-01' },
  { release: '3.11', endOfSupport: '2021-11-01' },
  { release: '3.12', endOfSupport: '2022-05-01' },
  { release: '3.13', endOfSupport: '2022-11-01' },
  { release: '3.14', endOfSupport: '2023-05-01' },
  { release: '3.15', endOfSupport: '2023-11-01' },
  { release: '3.16', endOfSupport: '2024-05-23' },
  { release: '3.17', endOfSupport: '2024-11-22' },
  { release: '3.18', endOfSupport: '2025-05-09' },
  { release: '3.19', endOfSupport: '2025-11-01' },
  { release: '3.20', endOfSupport: '2026-04-01' },
  { release: '3.21', endOfSupport: '2026-11-01' },
  { release: '3.22', endOfSupport: '2027-05-01' },
  { release: '3.23', endOfSupport: '2027-11-01' },
];

/** The branch, `major.minor`, of a full version (`3.19.1` -> `3.19`). */
export function alpineBranch(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

export const alpine: EcosystemDescriptor = {
  id: 'alpine',
  packageType: 'apk',
  osFamily: 'alpine',
  versionScheme: 'apk',
  osv: { ecosystem: 'Alpine', downloadByDefault: true },
  osvEcosystemFor(os) {
    const branch = os ? alpineBranch(os.version) : undefined;
    return branch ? `Alpine:v${branch}` : undefined;
  },
  normalizeName: (name) => name,
  purl: osPackagePurl('apk', 'alpine'),
  advisoryQuery: (pkg) => ({ name: pkg.source?.name ?? pkg.name, version: pkg.version }),
  releaseOf: (os) => alpineBranch(os.version),
  releases: ALPINE_RELEASES,
};
