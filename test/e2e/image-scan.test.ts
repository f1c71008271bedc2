/**
 * End to end, on a real image built from Debian's archive and npm's registry: the built CLI's
 * inventory equals what dpkg-query, npm ls and Python's importlib.metadata say of the same root
 * filesystem; its findings equal what the advisories say when evaluated with dpkg's own version
 * comparison; and the image read as an OCI layout, a docker-archive and a plain folder gives the
 * same answer.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, open, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from '../support/cli.js';
import { REPO_ROOT } from '../support/fixture-cache.js';
import { APP_DEV_DEPENDENCIES, DELETED_PACKAGE, ensureBookwormImage, type BookwormImage } from '../support/images.js';

let image: BookwormImage;
let work: string;
let db: string;
const scans = new Map<string, ScanResult>();

async function scan(reference: string, ...flags: string[]): Promise<ScanResult> {
  const key = [reference, ...flags].join(' ');
  const cached = scans.get(key);
  if (cached) return cached;
  const result = await runTollgate(['image', 'scan', reference, ...flags, '--db', db, '--format', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const parsed = JSON.parse(result.stdout) as ScanResult;
  scans.set(key, parsed);
  return parsed;
}

beforeAll(async () => {
  image = await ensureBookwormImage();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-e2e-'));
  db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db]);
  expect(imported.code, imported.stderr).toBe(0);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the inventory of a real image', () => {
  it('lists exactly the Debian packages dpkg-query lists, with architecture and source', async () => {
    const result = await scan(image.ociReference);
    const oracle = execFileSync('dpkg-query', [`--admindir=${image.rootfsDir}/var/lib/dpkg`, '-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([status]) => status === 'installed')
      .map(([, name, version, architecture, sourceName, sourceVersion]) => [name, version, architecture, sourceName, sourceVersion].join(' '))
      .sort();
    const ours = result.packages
      .filter((p) => p.type === 'deb')
      .map((p) => [p.name, p.version, p.architecture, p.source?.name ?? p.name, p.source?.version ?? p.version].join(' '))
      .sort();
    expect(oracle.length).toBeGreaterThan(90);
    expect(ours).toEqual(oracle);
  });

  it('lists exactly the npm packages npm ls reports, nested ones included, and marks the dev dependency', async () => {
    const result = await scan(image.ociReference);
    const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { cwd: path.join(image.rootfsDir, 'app'), encoding: 'utf8' })) as { dependencies?: Record<string, { version: string; dependencies?: unknown }> };
    const flatten = (deps: Record<string, { version: string; dependencies?: unknown }> | undefined): string[] =>
      Object.entries(deps ?? {}).flatMap(([name, node]) => [`${name}@${node.version}`, ...flatten(node.dependencies as Record<string, { version: string; dependencies?: unknown }> | undefined)]);
    const oracle = [...new Set(flatten(tree.dependencies))].sort();
    const npmPackages = result.packages.filter((p) => p.type === 'npm');
    expect([...new Set(npmPackages.map((p) => `${p.name}@${p.version}`))].sort()).toEqual(oracle);
    expect(oracle).toContain('minimist@0.0.8');
    expect(oracle.some((entry) => entry.startsWith(`${DELETED_PACKAGE}@`))).toBe(false);
    expect(npmPackages.filter((p) => p.dev).map((p) => p.name)).toEqual(Object.keys(APP_DEV_DEPENDENCIES));
    expect(npmPackages.find((p) => p.name === '@sindresorhus/is')?.purl).toBe('pkg:npm/%40sindresorhus/is@4.6.0');
  });

  it('lists exactly the Python distributions importlib.metadata finds, with --scan-os-owned-files', async () => {
    const result = await scan(image.ociReference, '--scan-os-owned-files');
    const oracle = execFileSync('python3', ['-c', `import importlib.metadata as m, json; print(json.dumps(sorted(f"{d.metadata['Name'].lower()}@{d.version}" for d in m.distributions(path=[${JSON.stringify(`${image.rootfsDir}/usr/lib/python3/dist-packages`)}]))))`], { encoding: 'utf8' });
    expect(result.packages.filter((p) => p.type === 'pypi').map((p) => `${p.name}@${p.version}`).sort()).toEqual(JSON.parse(oracle));
  });

  it('reports a Python distribution a deb installed once, as the deb: six is python3-six', async () => {
    const result = await scan(image.ociReference);
    expect(result.packages.filter((p) => p.type === 'pypi')).toEqual([]);
    expect(result.packages.filter((p) => p.name === 'python3-six').map((p) => p.type)).toEqual(['deb']);
    expect((await scan(image.ociReference, '--scan-os-owned-files')).packages.find((p) => p.type === 'pypi')?.location).toBe('/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO');
  });

  it('knows the OS and the layer, with its history line, that introduced each package', async () => {
    const result = await scan(image.ociReference);
    expect(result.os).toMatchObject({ family: 'debian', version: '12', codename: 'bookworm' });
    expect(result.image.layers.map((layer) => layer.createdBy)).toEqual(image.createdBy);
    for (const pkg of result.packages) {
      const expectedLayer = pkg.type === 'npm' ? 1 : 0;
      expect([pkg.name, pkg.layer?.index, pkg.layer?.createdBy]).toEqual([pkg.name, expectedLayer, image.createdBy[expectedLayer]]);
      expect(pkg.layer?.diffId).toBe(result.image.layers[expectedLayer]?.diffId);
    }
  });
});

describe('the findings', () => {
  it('are exactly what the advisories say, evaluated with dpkg’s own comparison for Debian', async () => {
    const result = await scan(image.ociReference);
    const expected: string[] = [];
    // npm: the published records against the pinned versions (node-fetch was deleted by a whiteout).
    expected.push('CVE-2020-8203 lodash 4.17.15', 'CVE-2021-23337 lodash 4.17.15', 'CVE-2021-44906 minimist 1.2.5', 'CVE-2021-44906 minimist 0.0.8');
    // Debian: every Debian:12 range of every record, against the installed source version, by dpkg.
    const debianDir = path.join(REPO_ROOT, 'test/data/osv/debian');
    for (const file of await readdir(debianDir)) {
      const record = JSON.parse(await readFile(path.join(debianDir, file), 'utf8')) as { id: string; upstream?: string[]; affected: { package: { ecosystem: string; name: string }; ranges: { events: Record<string, string>[] }[] }[] };
      for (const affected of record.affected.filter((a) => a.package.ecosystem === 'Debian:12')) {
        for (const pkg of result.packages.filter((p) => p.type === 'deb' && (p.source?.name ?? p.name) === affected.package.name)) {
          const version = pkg.source?.version ?? pkg.version;
          const fixed = affected.ranges[0]?.events.find((event) => event.fixed)?.fixed;
          const vulnerable = fixed === undefined || execFileSync('sh', ['-c', `dpkg --compare-versions '${version}' lt '${fixed}' && echo yes || echo no`], { encoding: 'utf8' }).trim() === 'yes';
          const cves = (record.upstream ?? []).filter((id) => id.startsWith('CVE-'));
          if (vulnerable) for (const cve of cves.length ? cves : [record.id]) expected.push(`${cve} ${pkg.name} ${pkg.version}`);
        }
      }
    }
    const ours = result.findings.map((f) => `${f.id} ${f.package.name} ${f.package.version}`);
    expect([...new Set(ours)].sort()).toEqual([...new Set(expected)].sort());
    expect(ours).toHaveLength(new Set(ours).size);
    const critical = result.findings.find((f) => f.id === 'CVE-2021-44906' && f.package.version === '1.2.5');
    expect(critical).toMatchObject({ severity: 'CRITICAL', severitySource: 'cvss', cvss: { version: '3.1', baseScore: 9.8 }, fixState: 'fixed', fixedVersions: ['1.2.6'], aliases: ['GHSA-xvch-5gv4-984h'] });
    const coreutils = result.findings.find((f) => f.id === 'CVE-2016-2781');
    expect(coreutils).toMatchObject({ severity: 'NEGLIGIBLE', severitySource: 'advisory', fixState: 'not-fixed', package: { ecosystem: 'Debian:12', matchedName: 'coreutils' } });
  });

  it('are the same whether the image is read as an OCI layout, a docker-archive or a folder', async () => {
    const essence = (result: ScanResult, withLayers: boolean) => ({
      os: result.os,
      packages: result.packages.map((p) => [p.type, p.name, p.version, p.location, p.purl, withLayers ? p.layer?.diffId : ''].join(' ')),
      findings: result.findings.map((f) => [f.id, f.package.name, f.package.version, f.severity, f.fixedVersions.join(',')].join(' ')),
    });
    const oci = await scan(image.ociReference);
    const archive = await scan(`docker-archive:${image.dockerArchive}`);
    const folder = await scan(`dir:${image.rootfsDir}`);
    expect(essence(archive, true)).toEqual(essence(oci, true));
    expect(essence(folder, false)).toEqual(essence(oci, false));
    expect(archive.image.repoTags).toEqual(['docker.io/tollgate-test/bookworm:1']);
    expect((await scan(`docker-archive:${image.dockerArchive}:tollgate-test/bookworm:1`)).image.id).toBe(oci.image.id);
    expect(archive.image.id).toBe(oci.image.id);
  });
});

describe('outputs and exit codes', () => {
  it('JSON output follows the published schema', async () => {
    const ajv = new Ajv2020.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(path.join(REPO_ROOT, 'docs/schema/scan-result.schema.json'), 'utf8')) as object);
    const result = await scan(image.ociReference);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
  });

  it('writes a valid CycloneDX SBOM to a file', async () => {
    const output = path.join(work, 'sbom.cdx.json');
    const result = await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--format', 'cyclonedx', '--output', output]);
    expect(result.code).toBe(0);
    const text = await readFile(output, 'utf8');
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    expect((JSON.parse(text) as { vulnerabilities: unknown[] }).vulnerabilities).toHaveLength(6);
  });

  it('exits 1 when --fail-on finds its severity, 0 when the findings are filtered away', async () => {
    const failing = await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--fail-on', 'CRITICAL', '--quiet']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('CVE-2021-44906');
    const filtered = await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--fail-on', 'CRITICAL', '--severity', 'LOW,NEGLIGIBLE']);
    expect(filtered.code).toBe(0);
    const unfixed = await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--ignore-unfixed', '--format', 'json']);
    expect((JSON.parse(unfixed.stdout) as ScanResult).findings.every((f) => f.fixState === 'fixed')).toBe(true);
  });

  it('exits 3 without a database, naming the command that builds one', async () => {
    const result = await runTollgate(['image', 'scan', image.ociReference, '--db', path.join(work, 'missing.db'), '--no-db-auto-update']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no vulnerability database at .*missing\.db.*\n.*tollgate db (update|pull).*tollgate db import/);
  });

  it('offline, the first-use download fails with exit 3 and says how to import instead', async () => {
    const result = await runTollgate(['image', 'scan', image.ociReference, '--db', path.join(work, 'fresh.db')], { env: { TOLLGATE_DB_REPOSITORY: 'http://127.0.0.1:9/unreachable' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/downloading one failed[\s\S]*tollgate db import[\s\S]*--db-repository[\s\S]*--skip-db-update/);
  });

  it('exits 2 on a usage error and 3 on an image that cannot be read', async () => {
    expect((await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--format', 'pdf'])).code).toBe(2);
    expect((await runTollgate(['image', 'scan', 'ftp://thing', '--db', db])).code).toBe(2);
    expect((await runTollgate(['image', 'scan', image.ociReference, '--db', db, '--fail-on', 'SEVERE'])).code).toBe(2);
    const truncated = path.join(work, 'truncated.tar');
    await copyFile(image.dockerArchive, truncated);
    const handle = await open(truncated, 'r+');
    await handle.truncate((await handle.stat()).size - 5_000_000);
    await handle.close();
    const result = await runTollgate(['image', 'scan', `docker-archive:${truncated}`, '--db', db]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/truncated/);
  });
});
