import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostileInputError, ImageError, isTollgateError } from '../../errors.js';
import { buildBom, cyclonedxRenderer } from '../../report/cyclonedx/index.js';
import { PACKAGE_TYPES, type Package } from '../../model/package.js';
import type { ScanResult } from '../../model/image-scan.js';
import { readSbomDocument, DEFAULT_SBOM_LIMITS, type SbomLimits } from './sbom-document.js';
import { inventoryOfSbom } from './sbom-inventory.js';
import { osOfDistro, readPurl } from './purl-package.js';
import { SbomSource } from '../sources/sbom.js';
import { openImage } from '../sources.js';

const testdata = (name: string) => readFile(new URL(`testdata/${name}`, import.meta.url));
const inventoryOf = async (name: string) => inventoryOfSbom(readSbomDocument(await testdata(name)));
const listed = (packages: { type: string; name: string; version: string; location: string; source?: { name: string; version?: string } }[]) =>
  packages.map((p) => `${p.type}:${p.name}@${p.version}${p.source ? ` <${p.source.name}${p.source.version ? `@${p.source.version}` : ''}>` : ''}${p.location ? ` ${p.location}` : ''}`);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-sbom-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('CycloneDX JSON', () => {
  it('reads nested components depth first, the OS nested in the subject, and the image id it names', async () => {
    const inventory = await inventoryOf('nested.cdx.json');
    expect(inventory.os).toEqual({ family: 'debian', version: '12' });
    expect(inventory.imageId).toBe('sha256:9b2a4d1c0f7e3a6b8c5d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b');
    expect(listed(inventory.packages)).toEqual([
      'deb:libc6@2.36-9+deb12u4 <glibc>',
      'npm:app@1.0.0',
      'npm:lodash@4.17.15 /app/node_modules/lodash/package.json',
      'npm:@babel/core@7.0.0',
      'pypi:requests@2.28.1',
    ]);
    expect(inventory.packages.find((p) => p.name === '@babel/core')?.licenses).toEqual(['MIT OR Apache-2.0']);
    expect(inventory.packages[0]?.architecture).toBe('amd64');
  });

  it('counts what it cannot match: no purl, an unreadable purl, an unsupported purl type, and duplicates once', async () => {
    const { warnings } = await inventoryOf('nested.cdx.json');
    expect(warnings).toEqual([
      '1 component (vendored-zlib@1.2.13) without a package URL (purl): not matched against any advisory database',
      expect.stringMatching(/^1 component \(broken@1\) with a package URL Tollgate cannot read \(.+\): not matched$/),
      'unsupported package type: generic — 1 component (commons-text@1.9) not matched against any advisory database',
      '1 duplicate component (same package URL and location) counted once',
    ]);
  });

  it('warns about a specVersion outside 1.4–1.6 and reads it anyway', () => {
    const document = readSbomDocument(Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.2', components: [{ type: 'library', name: 'a', version: '1', purl: 'pkg:npm/a@1' }] })));
    expect(document.warnings).toEqual(['CycloneDX specVersion "1.2" is not 1.4, 1.5 or 1.6; read as 1.6']);
    expect(document.components).toHaveLength(1);
  });
});

describe('CycloneDX XML', () => {
  it('reads components, nested ones, properties, licences and escaped purls, and the OS component', async () => {
    const inventory = await inventoryOf('trivy.cdx.xml');
    expect(inventory.os).toEqual({ family: 'alpine', version: '3.19.1' });
    expect(listed(inventory.packages)).toEqual(['apk:busybox@1.36.1-r15 <busybox>', 'apk:libssl3@3.1.4-r5 <openssl>', 'pypi:six@1.16.0 usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA']);
    expect(inventory.packages[0]?.licenses).toEqual(['GPL-2.0-only']);
    expect(inventory.warnings).toEqual([]);
  });

  it('refuses a document type declaration: entity expansion and external entities never run', () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&b;</name></component></components></bom>';
    const external = '<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]><bom><components><component><name>&x;</name></component></components></bom>';
    for (const document of [laughs, external]) expect(() => readSbomDocument(Buffer.from(document))).toThrow(HostileInputError);
  });

  it('names the namespace of an unknown version, and refuses XML that is no CycloneDX bom or is not well formed', () => {
    expect(readSbomDocument(Buffer.from('<bom xmlns="http://cyclonedx.org/schema/bom/1.3"><components/></bom>')).warnings).toEqual(['CycloneDX XML namespace "http://cyclonedx.org/schema/bom/1.3" is not 1.4, 1.5 or 1.6; read as 1.6']);
    expect(() => readSbomDocument(Buffer.from('<project><name>x</name></project>'))).toThrow(/root is not a CycloneDX <bom>/);
    expect(() => readSbomDocument(Buffer.from('<bom><components><component><name>x</component></bom>'))).toThrow(/not a valid CycloneDX XML document/);
  });
});

describe('SPDX 2.3 JSON', () => {
  it('reads purls from externalRefs in both category spellings and the OS from an OPERATING-SYSTEM package', async () => {
    const inventory = await inventoryOf('syft.spdx.json');
    expect(inventory.os).toEqual({ family: 'ubuntu', version: '22.04' });
    expect(listed(inventory.packages)).toEqual(['deb:libssl3@3.0.2-0ubuntu1.15 <openssl>', 'npm:minimist@1.2.5']);
    expect(inventory.warnings).toEqual(['1 component (a-file-without-purl@1) without a package URL (purl): not matched against any advisory database']);
  });
});

describe('the OS', () => {
  it('comes from the purls’ distro qualifier when no component states it, and a second OS is named in a warning', () => {
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [
      { type: 'library', name: 'bash', version: '5.2.15-2+b8', purl: 'pkg:deb/debian/bash@5.2.15-2%2Bb8?distro=debian-12' },
      { type: 'library', name: 'zlib', version: '1.3-r2', purl: 'pkg:apk/alpine/zlib@1.3-r2?distro=alpine-3.19' },
    ] };
    const inventory = inventoryOfSbom(readSbomDocument(Buffer.from(JSON.stringify(bom))));
    expect(inventory.os).toEqual({ family: 'debian', version: '12' });
    expect(inventory.warnings).toEqual(['the SBOM names more than one OS (debian 12, alpine 3.19); matched as debian 12']);
  });

  it('reads distro qualifiers as distributions write them', () => {
    expect(osOfDistro('debian-12')).toEqual({ family: 'debian', version: '12' });
    expect(osOfDistro('opensuse-leap-15.5')).toEqual({ family: 'opensuse-leap', version: '15.5' });
    expect(osOfDistro('3.19.1', 'alpine')).toEqual({ family: 'alpine', version: '3.19.1' });
    expect(osOfDistro('bookworm')).toBeUndefined();
    expect(osOfDistro('')).toBeUndefined();
  });

  it('purl names carry the namespace as each ecosystem writes it', () => {
    const name = (purl: string) => {
      const reading = readPurl(purl);
      return reading.kind === 'package' ? reading.record.name : reading.kind;
    };
    expect(name('pkg:npm/%40babel/core@7.0.0')).toBe('@babel/core');
    expect(name('pkg:deb/debian/libc6@2.36')).toBe('libc6');
    expect(name('pkg:pypi/requests')).toBe('invalid');
    expect(name('pkg:cocoapods/AFNetworking@4.0.1')).toBe('unsupported');
  });
});

/** A document refused with Tollgate's own error (exit 3), never a crash. */
function refused(content: string | Buffer, limits?: SbomLimits): Error {
  try {
    readSbomDocument(Buffer.isBuffer(content) ? content : Buffer.from(content), limits);
  } catch (error) {
    expect(isTollgateError(error), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error('the document was accepted');
}

describe('hostile documents', () => {
  const small: SbomLimits = { maxBytes: 4096, maxComponents: 10, maxDepth: 5 };
  const nestedJson = (depth: number) => {
    let component: object = { type: 'library', name: 'leaf', version: '1', purl: 'pkg:npm/leaf@1' };
    for (let level = 0; level < depth; level++) component = { type: 'library', name: `n${level}`, version: '1', components: [component] };
    return JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [component] });
  };

  it('a document over the size limit is refused before it is parsed', () => {
    expect(refused(Buffer.alloc(5000, 0x20), small)).toBeInstanceOf(HostileInputError);
  });

  it('components nested past the depth limit are refused, in JSON and in XML, and deep honest nesting is read', () => {
    expect(refused(nestedJson(5), small).message).toMatch(/nested more than 5 levels/);
    expect(readSbomDocument(Buffer.from(nestedJson(4)), small).components).toHaveLength(5);
    const deepXml = `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>${'<component><name>n</name><components>'.repeat(200)}${'</components></component>'.repeat(200)}</components></bom>`;
    expect(refused(deepXml)).toBeInstanceOf(ImageError);
    // A JSON nesting bomb (not components) parses without exhausting the stack and is no SBOM.
    expect(refused(`${'['.repeat(100_000)}${']'.repeat(100_000)}`).message).toMatch(/not an SBOM/);
  });

  it('more components than the limit are refused', () => {
    const components = Array.from({ length: 11 }, (_, n) => ({ type: 'library', name: `p${n}`, version: '1', purl: `pkg:npm/p${n}@1` }));
    expect(refused(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components }), { ...small, maxBytes: DEFAULT_SBOM_LIMITS.maxBytes }).message).toMatch(/more than 10 components/);
  });

  it('truncated documents and documents of no known format are clear errors', () => {
    const whole = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'a', version: '1', purl: 'pkg:npm/a@1' }] });
    for (let cut = 1; cut < whole.length; cut += 7) expect(refused(whole.slice(0, cut))).toBeInstanceOf(ImageError);
    expect(refused('{"name": "a package.json"}').message).toMatch(/neither CycloneDX .* nor SPDX/);
    expect(refused('PK\u0003\u0004 a zip').message).toMatch(/not an SBOM/);
    expect(refused('').message).toMatch(/not an SBOM/);
  });

  it('values of the wrong type are ignored, never trusted', () => {
    const bom = { bomFormat: 'CycloneDX', specVersion: 1.6, metadata: 'x', components: [5, null, 'x', { name: { a: 1 }, version: [1], purl: 7, properties: 'p', components: { type: 'library', name: 'b', version: '2', purl: 'pkg:npm/b@2' } }] };
    const inventory = inventoryOfSbom(readSbomDocument(Buffer.from(JSON.stringify(bom))));
    expect(listed(inventory.packages)).toEqual(['npm:b@2']);
    expect(inventory.warnings).toContain('3 component entries are not objects; skipped');
  });

  it('any JSON value as a document, and any text as XML, is read or refused with a Tollgate error', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        for (const wrapped of [value, { bomFormat: 'CycloneDX', components: value }, { bomFormat: 'CycloneDX', metadata: { component: value }, components: [value] }, { spdxVersion: 'SPDX-2.3', packages: value }]) {
          try {
            inventoryOfSbom(readSbomDocument(Buffer.from(JSON.stringify(wrapped))));
          } catch (error) {
            if (!isTollgateError(error)) throw error;
          }
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('', '<bom>', '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">'), (body, prefix) => {
        try {
          inventoryOfSbom(readSbomDocument(Buffer.from(`${prefix}${body}`)));
        } catch (error) {
          if (!isTollgateError(error)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any text as a purl is read or rejected with a reason, never thrown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((rest) => `pkg:${rest}`), fc.webUrl().map((url) => `pkg:npm/${encodeURIComponent(url)}@1?distro=${url}`)), (text) => {
        expect(['package', 'unsupported', 'invalid']).toContain(readPurl(text).kind);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Tollgate’s own CycloneDX', () => {
  // Maven and Composer names always carry a namespace (group:artifact, vendor/name): a bare name is
  // not a package of theirs, so this generator of bare names leaves them out.
  const bareNameTypes = PACKAGE_TYPES.filter((type) => type !== 'maven' && type !== 'composer');
  const arbitraryPackage = fc.record({
    type: fc.constantFrom(...bareNameTypes),
    name: fc.stringMatching(/^[a-z][a-z0-9.+-]{0,12}$/),
    version: fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}(-[0-9a-z]{1,4})?$/),
    location: fc.stringMatching(/^\/[a-z0-9/._-]{1,30}$/),
    architecture: fc.option(fc.constantFrom('amd64', 'arm64', 'all'), { nil: undefined }),
    source: fc.option(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), version: fc.option(fc.stringMatching(/^s[0-9]\.[0-9]$/), { nil: undefined }) }), { nil: undefined }),
    dev: fc.option(fc.constant(true), { nil: undefined }),
    licenses: fc.option(fc.constantFrom(['MIT'], ['GPL-2.0-only', 'MIT'], ['Apache-2.0 OR MIT'], ['some licence']), { nil: undefined }),
    layer: fc.option(fc.record({ index: fc.nat(20), diffId: fc.stringMatching(/^sha256:[0-9a-f]{64}$/), createdBy: fc.string({ minLength: 1, maxLength: 30 }) }), { nil: undefined }),
  });

  it('round-trips every package field the inventory has', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryPackage, { maxLength: 12, selector: (p) => `${p.type} ${p.name} ${p.version} ${p.location}` }), (records) => {
        const packages: Package[] = records.map((record, index) => {
          const clean = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as unknown as Package;
          const os = ['deb', 'apk', 'rpm'].includes(record.type);
          // The purl carries the type, name, version and (for OS packages) the architecture and source.
          const qualifiers = os ? `?${[record.architecture ? `arch=${record.architecture}` : '', record.source ? `upstream=${record.source.name}` : '', 'distro=debian-12'].filter(Boolean).join('&')}` : '';
          return { ...clean, id: `p${index}`, purl: `pkg:${record.type}/${os ? 'debian/' : ''}${record.name}@${encodeURIComponent(record.version)}${qualifiers}` };
        }).map((p) => Object.fromEntries(Object.entries(p).filter(([, value]) => value !== undefined)) as unknown as Package);
        const scan = { schemaVersion: 1, tool: { name: 'tollgate', version: 't' }, scannedAt: '2026-01-01T00:00:00Z', image: { reference: 'x', source: 'oci', repoTags: [], repoDigests: [], layers: [] }, packages, findings: [], summary: { packages: 0, findings: 0, bySeverity: {}, fixable: 0 }, warnings: [] } as unknown as ScanResult;
        const text = cyclonedxRenderer.renderImage?.({ scans: [scan] } as never, {} as never) as string;
        const read = inventoryOfSbom(readSbomDocument(Buffer.from(text)));
        const strip = ({ id: _id, purl: _purl, ...rest }: Package) => rest;
        expect(read.packages).toEqual(packages.map(strip));
        expect(buildBom([scan]).components.size).toBe(packages.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the sbom: image source', () => {
  it('opens a file as an image with no layer to read and the inventory it states', async () => {
    const file = path.join(work, 'nested.cdx.json');
    await writeFile(file, await testdata('nested.cdx.json'));
    const source = await openImage(`sbom:${file}`);
    expect(source).toBeInstanceOf(SbomSource);
    expect(source.image).toMatchObject({ reference: `sbom:${file}`, source: 'sbom', id: expect.stringMatching(/^sha256:/) });
    expect(source.described?.packages).toHaveLength(5);
    expect(() => source.openLayer(0)).toThrow(/describes packages, not files/);
    await source.close();
  });

  it('a missing file, a folder and an oversized file are clear errors naming the file', async () => {
    await expect(openImage(`sbom:${path.join(work, 'missing.json')}`)).rejects.toThrow(/cannot open SBOM .*missing\.json \(ENOENT\)/);
    await mkdir(path.join(work, 'folder'), { recursive: true });
    await expect(openImage(`sbom:${path.join(work, 'folder')}`)).rejects.toThrow(/is not a regular file/);
    const big = path.join(work, 'big.json');
    await writeFile(big, Buffer.alloc(5000, 0x20));
    await expect(SbomSource.open(`sbom:${big}`, big, { ...DEFAULT_SBOM_LIMITS, maxBytes: 4096 })).rejects.toThrow(HostileInputError);
    await expect(openImage('sbom:')).rejects.toThrow(/no file named/);
  });

  it('a document it cannot read names the file', async () => {
    const file = path.join(work, 'bad.json');
    await writeFile(file, '{"bomFormat": "CycloneDX", ');
    await expect(openImage(`sbom:${file}`)).rejects.toThrow(new RegExp(`SBOM ${file}: not a valid SBOM JSON document`));
  });
});
