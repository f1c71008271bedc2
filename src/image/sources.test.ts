import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, UsageError } from '../errors.js';
import { buildDockerArchive, writeMultiPlatformLayout, writeOciLayout, type TestLayer } from '../../test/support/image-builder.js';
import { parsePlatform } from './platform.js';
import { openImage } from './sources.js';
import type { ImageSource } from './source.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-sources-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const base: TestLayer = {
  entries: [
    { type: 'file', name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { type: 'file', name: 'etc/issue', content: 'Debian\n' },
  ],
  createdBy: 'ADD rootfs.tar.xz /',
};
const app: TestLayer = { entries: [{ type: 'file', name: 'app/index.js', content: 'console.log(1)' }], createdBy: 'COPY . /app', compression: 'zstd' };

async function allPaths(source: ImageSource): Promise<string[][]> {
  const result: string[][] = [];
  for (const layer of source.layers) {
    const paths: string[] = [];
    for await (const entry of source.openLayer(layer.index)) paths.push(entry.path);
    result.push(paths);
  }
  return result;
}

async function withSource<T>(reference: string, use: (source: ImageSource) => Promise<T>, platform?: string): Promise<T> {
  const source = await openImage(reference, platform ? { platform: parsePlatform(platform) } : {});
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

describe('OCI image layouts', () => {
  it('reads a tagged image: layers in order with diff ids, digests and created_by lines', async () => {
    const layout = path.join(work, 'oci-basic');
    const [layers] = await writeOciLayout(layout, [{ tag: 'v1', layers: [base, app] }]);
    await withSource(`oci:${layout}:v1`, async (source) => {
      expect(source.image).toMatchObject({ source: 'oci', repoTags: ['v1'], os: 'linux', architecture: 'amd64' });
      expect(source.layers.map((l) => [l.diffId, l.digest, l.createdBy])).toEqual(layers?.map((l) => [l.diffId, l.digest, l.createdBy]));
      expect(await allPaths(source)).toEqual([['/etc/os-release', '/etc/issue'], ['/app/index.js']]);
    });
  });

  it('opens the only image without a tag, and explains when a tag is needed or unknown', async () => {
    const single = path.join(work, 'oci-single');
    await writeOciLayout(single, [{ tag: 'only', layers: [base] }]);
    await withSource(`oci:${single}`, async (source) => expect(source.image.repoTags).toEqual(['only']));

    const two = path.join(work, 'oci-two');
    await writeOciLayout(two, [{ tag: 'a', layers: [base] }, { tag: 'b', layers: [app] }]);
    await expect(openImage(`oci:${two}`)).rejects.toThrow(UsageError);
    await expect(openImage(`oci:${two}:c`)).rejects.toThrow(/no image tagged "c" \(tags: a, b\)/);
    await withSource(`oci:${two}:b`, async (source) => expect(await allPaths(source)).toEqual([['/app/index.js']]));
  });

  it('picks the requested platform from a multi-platform index (default linux/amd64)', async () => {
    const layout = path.join(work, 'oci-multi');
    await writeMultiPlatformLayout(layout, 'multi', [
      { platform: { os: 'linux', architecture: 'amd64' }, layers: [{ entries: [{ type: 'file', name: 'amd64', content: '' }] }] },
      { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [{ entries: [{ type: 'file', name: 'arm64', content: '' }] }] },
    ]);
    await withSource(`oci:${layout}:multi`, async (source) => expect(await allPaths(source)).toEqual([['/amd64']]));
    await withSource(`oci:${layout}:multi`, async (source) => expect(await allPaths(source)).toEqual([['/arm64']]), 'linux/arm64');
    await expect(openImage(`oci:${layout}:multi`, { platform: parsePlatform('linux/s390x') })).rejects.toThrow(/no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\/v8\)/);
  });

  it('detects layer compression from the bytes, not the declared media type', async () => {
    const layout = path.join(work, 'oci-mislabelled');
    await writeOciLayout(layout, [{ tag: 't', layers: [{ ...base, compression: 'none', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] }]);
    await withSource(`oci:${layout}:t`, async (source) => expect(await allPaths(source)).toEqual([['/etc/os-release', '/etc/issue']]));
  });

  it('refuses a layer blob whose bytes do not match its digest', async () => {
    const layout = path.join(work, 'oci-tampered');
    const [layers] = await writeOciLayout(layout, [{ tag: 't', layers: [base] }]);
    const blob = path.join(layout, 'blobs', 'sha256', (layers?.[0]?.digest ?? '').slice(7));
    const bytes = await readFile(blob);
    const { gzipSync, gunzipSync } = await import('node:zlib');
    const tar = gunzipSync(bytes);
    tar.write('X', 600);
    await writeFile(blob, gzipSync(tar));
    await withSource(`oci:${layout}:t`, async (source) => expect(allPaths(source)).rejects.toThrow(/digest mismatch/));
  });

  it('refuses digests that would name files outside the blob store', async () => {
    const layout = path.join(work, 'oci-traversal');
    await mkdir(layout, { recursive: true });
    await writeFile(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(path.join(layout, 'index.json'), JSON.stringify({ manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../../../etc/passwd', size: 1 }] }));
    await expect(openImage(`oci:${layout}`)).rejects.toThrow(/invalid digest/);
  });

  it('refuses a blob that is a symlink', async () => {
    const layout = path.join(work, 'oci-symlinked');
    await writeOciLayout(layout, [{ tag: 't', layers: [base] }]);
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifestFile = path.join(layout, 'blobs', 'sha256', (index.manifests[0]?.digest ?? '').slice(7));
    await rm(manifestFile);
    await symlink('/etc/hostname', manifestFile);
    await expect(openImage(`oci:${layout}:t`)).rejects.toThrow(/is a symlink/);
  });

  it('says clearly when a folder is not a layout', async () => {
    await expect(openImage(`oci:${work}`)).rejects.toThrow(/is not an OCI image layout/);
  });
});

describe('docker-archive tarballs', () => {
  it.each(['legacy', 'oci', 'podman'] as const)('reads the %s layout with repo tags, diff ids and history', async (style) => {
    const file = path.join(work, `archive-${style}.tar`);
    await writeFile(file, await buildDockerArchive([{ style, layers: [base, app], repoTags: ['example/app:1'] }]));
    await withSource(`docker-archive:${file}`, async (source) => {
      expect(source.image).toMatchObject({ source: 'docker-archive', repoTags: ['example/app:1'] });
      expect(source.image.id).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(source.layers.map((l) => l.createdBy)).toEqual(['ADD rootfs.tar.xz /', 'COPY . /app']);
      expect(await allPaths(source)).toEqual([['/etc/os-release', '/etc/issue'], ['/app/index.js']]);
    });
  });

  it('follows the symlinks legacy archives use for repeated layers', async () => {
    const file = path.join(work, 'archive-dup.tar');
    await writeFile(file, await buildDockerArchive([{ layers: [base, app], duplicateFirstLayerAsSymlink: true }]));
    await withSource(`docker-archive:${file}`, async (source) => expect((await allPaths(source))[0]).toEqual(['/etc/os-release', '/etc/issue']));
  });

  it('picks one image of several by tag or index, and asks when ambiguous', async () => {
    const file = path.join(work, 'archive-multi.tar');
    await writeFile(file, await buildDockerArchive([{ layers: [base], repoTags: ['a:1'] }, { layers: [app], repoTags: ['docker.io/library/b:2'] }]));
    await expect(openImage(`docker-archive:${file}`)).rejects.toThrow(/holds 2 images/);
    await withSource(`docker-archive:${file}:b:2`, async (source) => expect(await allPaths(source)).toEqual([['/app/index.js']]));
    await withSource(`docker-archive:${file}:@0`, async (source) => expect(source.image.repoTags).toEqual(['a:1']));
    await withSource(`docker-archive:${file}:docker.io/b:2`, async (source) => expect(source.image.repoTags).toEqual(['docker.io/library/b:2']));
    await expect(openImage(`docker-archive:${file}:c:3`)).rejects.toThrow(/no image tagged "c:3" \(tags: a:1, docker\.io\/library\/b:2\)/);
  });

  it('refuses a layer whose content does not match the config diff id', async () => {
    const file = path.join(work, 'archive-bad.tar');
    const bytes = await buildDockerArchive([{ layers: [{ entries: [{ type: 'file', name: 'f', content: 'original content' }] }] }]);
    const at = bytes.indexOf('original content');
    bytes.write('tampered content', at);
    await writeFile(file, bytes);
    await withSource(`docker-archive:${file}`, async (source) => expect(allPaths(source)).rejects.toThrow(/diff id mismatch/));
  });

  it('explains a compressed archive, a missing manifest and a missing file', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = path.join(work, 'archive.tar.gz');
    await writeFile(gz, gzipSync(await buildDockerArchive([{ layers: [base] }])));
    await expect(openImage(`docker-archive:${gz}`)).rejects.toThrow(/compressed archive/);
    const plain = path.join(work, 'not-docker.tar');
    const { makeTar } = await import('../../test/support/image-builder.js');
    await writeFile(plain, await makeTar([{ type: 'file', name: 'hello', content: 'x' }]));
    await expect(openImage(`docker-archive:${plain}`)).rejects.toThrow(/no manifest\.json/);
    await expect(openImage(`docker-archive:${path.join(work, 'missing.tar')}`)).rejects.toThrow(ImageError);
  });
});

describe('root filesystem folders', () => {
  it('walks the tree, reports symlinks without following them, skips proc/sys/dev', async () => {
    const root = path.join(work, 'rootfs');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await mkdir(path.join(root, 'proc', '1'), { recursive: true });
    await writeFile(path.join(root, 'etc', 'os-release'), 'ID=debian\n');
    await symlink('/etc', path.join(root, 'host-etc'));
    await writeFile(path.join(root, 'proc', '1', 'status'), 'x');
    await withSource(`dir:${root}`, async (source) => {
      const entries: [string, string, string | undefined][] = [];
      for await (const entry of source.openLayer(0)) entries.push([entry.path, entry.kind, entry.linkTarget]);
      expect(entries.sort()).toEqual([
        ['/etc', 'directory', undefined],
        ['/etc/os-release', 'file', undefined],
        ['/host-etc', 'symlink', '/etc'],
      ]);
    });
  });

  it('refuses to read a file that was swapped for a symlink', async () => {
    const root = path.join(work, 'rootfs-swap');
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'etc', 'os-release'), 'ID=debian\n');
    await withSource(`dir:${root}`, async (source) => {
      for await (const entry of source.openLayer(0)) {
        if (entry.path !== '/etc/os-release') continue;
        await rm(path.join(root, 'etc', 'os-release'));
        await symlink('/etc/shadow', path.join(root, 'etc', 'os-release'));
        await expect(entry.read(1024)).rejects.toThrow(/cannot open \(ELOOP\)/);
      }
    });
  });

  it('explains a missing folder and an unknown reference scheme', async () => {
    await expect(openImage(`dir:${path.join(work, 'nope')}`)).rejects.toThrow(/no such folder/);
    await expect(openImage('ftp://example/image')).rejects.toThrow(/prefix it with one of docker-archive:, oci:, dir:/);
  });
});
