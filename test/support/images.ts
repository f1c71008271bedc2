/**
 * The real image the end-to-end tests and benchmarks scan, built once and cached
 * (test/support/fixture-cache.ts):
 *
 *   layer 0  a `debootstrap --variant=minbase bookworm` root filesystem, with python3-six
 *   layer 1  /app: a package.json, its lock file (v3) and node_modules installed by real npm from
 *            old versions with published advisories (nested and scoped packages, a dev dependency)
 *   layer 2  `npm uninstall node-fetch` in /app (a whiteout of a whole package folder and a new
 *            lock file), /etc/issue.net deleted (a file whiteout), /etc/tollgate-fixture added
 *
 * written as an OCI image layout with umoci and copied to a docker-archive with skopeo. The merged
 * root filesystem (umoci unpack of the final image) is kept for oracles and `dir:` scans.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildOnce } from './fixture-cache.js';

const run = promisify(execFile);

export const FIXTURE_TAG = 'bookworm';
export const DEBIAN_MIRROR = process.env.TOLLGATE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/** The app's direct dependencies, pinned to versions with published advisories. */
export const APP_DEPENDENCIES = { lodash: '4.17.15', minimist: '1.2.5', 'node-fetch': '2.6.0', mkdirp: '0.5.1', '@sindresorhus/is': '4.6.0' };
export const APP_DEV_DEPENDENCIES = { 'ansi-regex': '3.0.0' };
export const DELETED_PACKAGE = 'node-fetch';
export const DELETED_FILE = '/etc/issue.net';

export interface BookwormImage {
  ociDir: string;
  ociReference: string;
  dockerArchive: string;
  /** The merged root filesystem of the final image. */
  rootfsDir: string;
  /** History lines of the three layers. */
  createdBy: string[];
}

export async function sh(command: string, args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failure.stderr?.slice(-2000) ?? failure.message}`);
  }
}

export const CREATED_BY = [
  `debootstrap --variant=minbase --include=python3-six bookworm / ${DEBIAN_MIRROR}`,
  'COPY app /app # npm install --ignore-scripts',
  `RUN cd /app && npm uninstall ${DELETED_PACKAGE} && rm ${DELETED_FILE}`,
];

async function buildBookworm(dir: string): Promise<void> {
  const rootfs = path.join(dir, 'debootstrap');
  await sh('debootstrap', ['--variant=minbase', '--include=python3-six', 'bookworm', rootfs, DEBIAN_MIRROR]);
  await rm(path.join(rootfs, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });

  const layout = path.join(dir, 'oci');
  const image = `${layout}:${FIXTURE_TAG}`;
  const bundle = path.join(dir, 'bundle');
  await sh('umoci', ['init', '--layout', layout]);
  await sh('umoci', ['new', '--image', image]);
  await sh('umoci', ['unpack', '--image', image, bundle]);
  await sh('cp', ['-a', `${rootfs}/.`, path.join(bundle, 'rootfs')]);
  await sh('umoci', ['repack', '--image', image, '--history.created_by', CREATED_BY[0] as string, bundle]);
  await rm(bundle, { recursive: true, force: true });
  await rm(rootfs, { recursive: true, force: true });

  // Layer 1: a real npm install of old versions.
  const app = path.join(dir, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(path.join(app, 'package.json'), `${JSON.stringify({ name: 'fixture-app', version: '1.0.0', private: true, dependencies: APP_DEPENDENCIES, devDependencies: APP_DEV_DEPENDENCIES }, null, 2)}\n`);
  await sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--lockfile-version=3'], app);
  // unpack + copy + repack rather than `umoci insert`: umoci 0.4.7's insert writes a layer tar without
  // its trailer (it ends mid-block), which GNU tar and Tollgate rightly refuse as truncated.
  await sh('umoci', ['unpack', '--image', image, bundle]);
  await sh('cp', ['-a', app, path.join(bundle, 'rootfs', 'app')]);
  await sh('umoci', ['repack', '--image', image, '--history.created_by', CREATED_BY[1] as string, bundle]);
  await rm(bundle, { recursive: true, force: true });

  // Layer 2: delete a package (npm rewrites the lock file) and a base file; add a file.
  await sh('umoci', ['unpack', '--image', image, bundle]);
  const root = path.join(bundle, 'rootfs');
  await sh('npm', ['uninstall', '--ignore-scripts', '--no-audit', '--no-fund', DELETED_PACKAGE], path.join(root, 'app'));
  await rm(path.join(root, DELETED_FILE));
  await writeFile(path.join(root, 'etc', 'tollgate-fixture'), 'built for tollgate tests\n');
  await sh('umoci', ['repack', '--image', image, '--history.created_by', CREATED_BY[2] as string, bundle]);
  await rm(bundle, { recursive: true, force: true });
  await rm(app, { recursive: true, force: true });

  await sh('umoci', ['gc', '--layout', layout]);
  await sh('skopeo', ['copy', '--quiet', `oci:${image}`, `docker-archive:${path.join(dir, 'bookworm.tar')}:tollgate-test/bookworm:1`]);
  await sh('umoci', ['unpack', '--image', image, path.join(dir, 'final')]);
}

const VERSION = 2;

export async function ensureBookwormImage(): Promise<BookwormImage> {
  const dir = await buildOnce('bookworm-image', VERSION, buildBookworm);
  return {
    ociDir: path.join(dir, 'oci'),
    ociReference: `oci:${path.join(dir, 'oci')}:${FIXTURE_TAG}`,
    dockerArchive: path.join(dir, 'bookworm.tar'),
    rootfsDir: path.join(dir, 'final', 'rootfs'),
    createdBy: CREATED_BY,
  };
}

/** Reads a JSON blob of the layout by digest (for tests that inspect the material itself). */
export async function readBlob(ociDir: string, digest: string): Promise<Buffer> {
  return readFile(path.join(ociDir, 'blobs', ...digest.split(':')));
}
