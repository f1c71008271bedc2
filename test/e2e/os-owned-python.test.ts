/**
 * Counted once, by the right owner, on a real image: Debian's python3-requests, python3-urllib3 and
 * python3-idna installed by dpkg (their egg-info owned by dpkg's lists) and copies of the same
 * distributions in an application virtualenv. The virtualenv's copies are matched against PyPI
 * advisories exactly as Python's `packaging` (Debian's python3-packaging, the oracle) evaluates the
 * OSV ranges; the dpkg-owned copies yield no PyPI finding, and are reported as the OS package's
 * only when asked to (`--scan-os-owned-files`), marked with the deb that owns them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { ensurePythonOwnedImage, OWNED_DISTRIBUTIONS, VENV_SITE, type PythonOwnedImage } from '../support/python-owned-image.js';

const OSV_PYPI = path.join(REPO_ROOT, 'test/data/osv/pypi');
const DIST_PACKAGES = '/usr/lib/python3/dist-packages';

/**
 * The oracle: Debian's Python and python3-packaging list the virtualenv's distributions
 * (importlib.metadata) and say which OSV records affect each, evaluating every ECOSYSTEM range's
 * events in order with packaging.version.Version as OSV's specification describes.
 */
const ORACLE = String.raw`
import importlib.metadata, json, sys
from packaging.version import Version
site, records = sys.argv[1], json.loads(sys.stdin.read())
def affected(version, ranges):
    v = Version(version)
    for r in ranges:
        if r["type"] != "ECOSYSTEM":
            continue
        inside = False
        for event in r["events"]:
            if "introduced" in event:
                inside = event["introduced"] == "0" or v >= Version(event["introduced"])
            elif "fixed" in event and inside and v >= Version(event["fixed"]):
                inside = False
            elif "last_affected" in event and inside and v > Version(event["last_affected"]):
                inside = False
        if inside:
            return True
    return False
found = set()
for dist in importlib.metadata.distributions(path=[site]):
    name, version = dist.metadata["Name"].lower(), dist.version
    for record in records:
        for entry in record["affected"]:
            if entry["package"]["ecosystem"] == "PyPI" and entry["package"]["name"].lower() == name and affected(version, entry["ranges"]):
                found.add(f'{record["id"]} {name}@{version}')
print(json.dumps(sorted(found)))
`;

let image: PythonOwnedImage;
let work: string;
let db: string;

async function scan(...flags: string[]): Promise<ScanResult> {
  const result = await runTollgate(['image', 'scan', image.ociReference, ...flags, '--db', db, '--format', 'json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ScanResult;
}

beforeAll(async () => {
  image = await ensurePythonOwnedImage();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-owned-'));
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', OSV_PYPI, path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('Python distributions installed by dpkg and copied into a virtualenv', () => {
  it('the virtualenv’s copies are matched against PyPI advisories exactly as python3-packaging evaluates the OSV ranges', async () => {
    const records = await Promise.all((await readdir(OSV_PYPI)).map(async (name) => JSON.parse(await readFile(path.join(OSV_PYPI, name), 'utf8')) as unknown));
    const expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', ORACLE, path.join(image.rootfsDir, VENV_SITE)], { input: JSON.stringify(records), encoding: 'utf8' })) as string[];
    // The oracle itself must have something to say: the advisories affect the versions Debian 12 ships.
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(expected.some((line) => line.startsWith('GHSA-gc5v-m9x4-r6x2'))).toBe(false);
    const result = await scan();
    const found = result.findings.filter((f) => f.package.ecosystem === 'PyPI').flatMap((f) => f.advisoryIds.map((id) => `${id} ${f.package.name}@${f.package.version}`));
    expect(found.sort()).toEqual(expected);
    expect(result.findings.filter((f) => f.package.ecosystem === 'PyPI').every((f) => f.package.location.startsWith(`${VENV_SITE}/`))).toBe(true);
  });

  it('the dpkg-owned copies are the deb packages only: no PyPI package, no PyPI finding', async () => {
    const result = await scan();
    const pypi = result.packages.filter((p) => p.type === 'pypi');
    expect(pypi.map((p) => p.name).sort()).toEqual([...OWNED_DISTRIBUTIONS].sort());
    expect(pypi.every((p) => p.location.startsWith(`${VENV_SITE}/`))).toBe(true);
    expect(result.findings.some((f) => f.package.location.startsWith(DIST_PACKAGES))).toBe(false);
    const debs = execFileSync('dpkg-query', [`--admindir=${image.rootfsDir}/var/lib/dpkg`, '-W', '-f', '${Package}\n', 'python3-requests', 'python3-urllib3', 'python3-idna'], { encoding: 'utf8' }).trim().split('\n');
    for (const deb of debs) expect(result.packages.some((p) => p.type === 'deb' && p.name === deb)).toBe(true);
  });

  it('with --scan-os-owned-files, the dist-packages copies are reported too, each marked with the deb that owns it', async () => {
    const result = await scan('--scan-os-owned-files');
    const owned = result.packages.filter((p) => p.type === 'pypi' && p.location.startsWith(DIST_PACKAGES));
    expect(owned.map((p) => `${p.name}:${p.ownedBy}`)).toEqual(expect.arrayContaining(['requests:python3-requests', 'urllib3:python3-urllib3', 'idna:python3-idna', 'six:python3-six']));
    expect(owned.every((p) => p.ownedBy?.startsWith('python3-'))).toBe(true);
    expect(result.packages.filter((p) => p.type === 'pypi' && p.location.startsWith(`${VENV_SITE}/`)).every((p) => p.ownedBy === undefined)).toBe(true);
  });
});
