/**
 * An image whose Python distributions are held twice, built once and cached
 * (test/support/fixture-cache.ts), on the bookworm image of images.ts:
 *
 *   layers 0-2  the bookworm image (debootstrap root with python3-six, an npm app)
 *   layer 3     Debian's python3-requests, python3-urllib3, python3-idna (and what they need),
 *               fetched with `apt-get download` and installed by dpkg in the root, so dpkg's
 *               lists own their egg-info in /usr/lib/python3/dist-packages; and an application
 *               virtualenv (`python3 -m venv`) at /app/venv holding copies of the same
 *               distributions (their modules and egg-info), which no package owns.
 *
 * The merged root filesystem is kept for the oracles (importlib.metadata, dpkg-query).
 */
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildOnce } from './fixture-cache.js';
import { ensureBookwormImage, FIXTURE_TAG, sh } from './images.js';

export const PYTHON_TAG = 'python-owned';
/** The distributions installed both by dpkg and in the virtualenv. */
export const OWNED_DISTRIBUTIONS = ['requests', 'urllib3', 'idna'];
const DEBS = ['python3-requests', 'python3-urllib3', 'python3-idna', 'python3-certifi', 'python3-charset-normalizer', 'python3-chardet'];
export const VENV_SITE = '/app/venv/lib/python3.11/site-packages';
export const CREATED_BY = 'apt-get download python3-requests ... && dpkg -i *.deb && python3 -m venv /app/venv && cp -a <dist-packages copies> /app/venv/...';

export interface PythonOwnedImage {
  ociReference: string;
  rootfsDir: string;
}

async function buildPythonOwned(dir: string): Promise<void> {
  const base = await ensureBookwormImage();
  const layout = path.join(dir, 'oci');
  await cp(base.ociDir, layout, { recursive: true });
  const bundle = path.join(dir, 'final');
  await sh('umoci', ['unpack', '--image', `${layout}:${FIXTURE_TAG}`, bundle]);
  const root = path.join(bundle, 'rootfs');

  const debs = path.join(root, 'tmp', 'debs');
  await mkdir(debs, { recursive: true });
  await sh('apt-get', ['download', ...DEBS], debs);
  const files = (await readdir(debs)).filter((name) => name.endsWith('.deb')).map((name) => `/tmp/debs/${name}`);
  // ca-certificates (python3-certifi's dependency) is not needed to read metadata: dependencies are forced.
  await sh('chroot', [root, 'dpkg', '--force-depends', '-i', ...files]);
  await rm(debs, { recursive: true, force: true });

  const venv = path.join(root, 'app', 'venv');
  await sh('/usr/bin/python3', ['-m', 'venv', '--without-pip', venv]);
  const site = path.join(root, VENV_SITE);
  await mkdir(site, { recursive: true });
  const distPackages = path.join(root, 'usr', 'lib', 'python3', 'dist-packages');
  for (const entry of await readdir(distPackages)) {
    const copied = OWNED_DISTRIBUTIONS.some((name) => entry === name || (entry.startsWith(`${name}-`) && (entry.endsWith('.egg-info') || entry.endsWith('.dist-info'))));
    if (copied) await cp(path.join(distPackages, entry), path.join(site, entry), { recursive: true });
  }
  await sh('umoci', ['repack', '--image', `${layout}:${PYTHON_TAG}`, '--history.created_by', CREATED_BY, bundle]);
  await sh('umoci', ['gc', '--layout', layout]);
  // umoci keeps its bookkeeping beside the rootfs; the rootfs stays for the oracles.
}

const VERSION = 1;

export async function ensurePythonOwnedImage(): Promise<PythonOwnedImage> {
  const dir = await buildOnce('python-owned-image', VERSION, buildPythonOwned);
  return { ociReference: `oci:${path.join(dir, 'oci')}:${PYTHON_TAG}`, rootfsDir: path.join(dir, 'final', 'rootfs') };
}
