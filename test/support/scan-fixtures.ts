/**
 * Hand-built scan results for tests of the gate and the renderers: small, explicit, and shaped
 * exactly like what the engine produces (ScanResult, schema version 1).
 */
import type { ScanResult } from '../../src/model/image-scan.js';
import { summarize } from '../../src/engine/summary.js';
import type { Package } from '../../src/model/package.js';
import type { CvssScore, Finding } from '../../src/model/finding.js';
import type { Severity } from '../../src/model/severity.js';

export function pkg(overrides: Partial<Package> & Pick<Package, 'name' | 'version'>): Package {
  const type = overrides.type ?? 'npm';
  return {
    id: overrides.id ?? `${type}-${overrides.name}-${overrides.version}`,
    type,
    location: overrides.location ?? `/app/node_modules/${overrides.name}/package.json`,
    purl: overrides.purl ?? (type === 'deb' ? `pkg:deb/debian/${overrides.name}@${overrides.version}?distro=debian-12` : `pkg:${type}/${overrides.name}@${overrides.version}`),
    layer: overrides.layer ?? { index: 1, diffId: `sha256:${'b'.repeat(64)}`, createdBy: 'COPY . /app' },
    ...overrides,
  };
}

export function cvss(version: CvssScore['version'], baseScore: number): CvssScore {
  const vector = version === '2.0' ? 'AV:N/AC:L/Au:N/C:P/I:P/A:P' : `CVSS:${version}/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`;
  return { version, vector, baseScore, source: 'test' };
}

export function finding(id: string, onPackage: Package, overrides: Partial<Finding> & { severity: Severity }): Finding {
  const scores = overrides.cvssScores ?? [];
  return {
    id,
    aliases: overrides.aliases ?? [],
    advisoryIds: overrides.advisoryIds ?? [id],
    package: {
      id: onPackage.id,
      name: onPackage.name,
      version: onPackage.version,
      type: onPackage.type,
      purl: onPackage.purl,
      location: onPackage.location,
      ecosystem: onPackage.type === 'deb' ? 'Debian:12' : 'npm',
      matchedName: onPackage.source?.name ?? onPackage.name,
      matchedVersion: onPackage.version,
      ...(onPackage.layer ? { layer: onPackage.layer } : {}),
    },
    fixState: overrides.fixState ?? (overrides.fixedVersions?.length ? 'fixed' : 'not-fixed'),
    fixedVersions: overrides.fixedVersions ?? [],
    severitySource: scores.length ? 'cvss' : 'advisory',
    ...(scores[0] ? { cvss: scores[0] } : {}),
    cvssScores: scores,
    references: [`https://osv.dev/vulnerability/${id}`],
    title: overrides.title ?? `Flaw ${id} in ${onPackage.name}`,
    ...overrides,
  };
}

export function scanOf(packages: Package[], findings: Finding[], image: Partial<ScanResult['image']> = {}): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: 'tollgate', version: '0.0.0-test' },
    scannedAt: '2026-01-01T00:00:00.000Z',
    image: {
      reference: 'oci:/images/app:1',
      source: 'oci',
      id: `sha256:${'c'.repeat(64)}`,
      manifestDigest: `sha256:${'d'.repeat(64)}`,
      repoTags: ['example/app:1'],
      repoDigests: [],
      os: 'linux',
      architecture: 'amd64',
      size: 123_456_789,
      layers: [
        { index: 0, diffId: `sha256:${'a'.repeat(64)}`, size: 100_000_000, createdBy: 'ADD rootfs.tar.xz /' },
        { index: 1, diffId: `sha256:${'b'.repeat(64)}`, size: 23_456_789, createdBy: 'COPY . /app' },
      ],
      ...image,
    },
    os: { family: 'debian', version: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    packages,
    findings,
    summary: summarize(packages.length, findings),
    warnings: [],
  };
}

/** A small but varied image: npm and Debian packages, findings at every level. */
export function sampleScan(): ScanResult {
  const lodash = pkg({ name: 'lodash', version: '4.17.15' });
  const minimist = pkg({ name: 'minimist', version: '1.2.5' });
  const openssl = pkg({ name: 'libssl3', version: '3.0.11-1~deb12u2', type: 'deb', location: '/var/lib/dpkg/status', source: { name: 'openssl' }, layer: { index: 0, diffId: `sha256:${'a'.repeat(64)}`, createdBy: 'ADD rootfs.tar.xz /' } });
  const coreutils = pkg({ name: 'coreutils', version: '9.1-1', type: 'deb', location: '/var/lib/dpkg/status', layer: { index: 0, diffId: `sha256:${'a'.repeat(64)}` } });
  const findings = [
    finding('CVE-2021-44906', minimist, { severity: 'CRITICAL', aliases: ['GHSA-xvch-5gv4-984h'], advisoryIds: ['GHSA-xvch-5gv4-984h'], fixedVersions: ['1.2.6'], cvssScores: [cvss('3.1', 9.8)] }),
    finding('CVE-2020-8203', lodash, { severity: 'HIGH', aliases: ['GHSA-p6mc-m468-83gw'], advisoryIds: ['GHSA-p6mc-m468-83gw'], fixedVersions: ['4.17.20'], cvssScores: [cvss('3.1', 7.4)] }),
    finding('CVE-2021-23337', lodash, { severity: 'HIGH', aliases: ['GHSA-35jh-r3h4-6jhm'], advisoryIds: ['GHSA-35jh-r3h4-6jhm'], fixedVersions: ['4.17.21'], cvssScores: [cvss('3.1', 7.2), cvss('2.0', 6.5)] }),
    finding('CVE-2023-5678', openssl, { severity: 'MEDIUM', aliases: ['DSA-5532-1'], advisoryIds: ['DSA-5532-1'], fixedVersions: ['3.0.13-1~deb12u1'], cvssScores: [cvss('3.1', 5.3)] }),
    finding('CVE-2016-2781', coreutils, { severity: 'NEGLIGIBLE', advisoryIds: ['DEBIAN-CVE-2016-2781'], aliases: ['DEBIAN-CVE-2016-2781'] }),
    finding('CVE-2025-0001', coreutils, { severity: 'UNKNOWN', advisoryIds: ['DEBIAN-CVE-2025-0001'] }),
  ];
  return scanOf([coreutils, openssl, lodash, minimist], findings);
}
