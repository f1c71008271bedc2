/**
 * SCAP content tests evaluate: Debian's own SCAP Security Guide. Bookworm's ssg-debian (0.1.65,
 * installed from .ci/run's apt line) has no Debian 12 data stream; trixie's ssg-debian 0.1.76 has
 * `ssg-debian12-ds.xml`, so its package is downloaded once from the Debian archive (the mirror the
 * debootstrap fixtures use) and unpacked into the fixture cache.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildOnce } from './fixture-cache.js';
import { DEBIAN_MIRROR } from './images.js';

const run = promisify(execFile);

export const SSG_DEBIAN_VERSION = '0.1.76-1';
export const INSTALLED_SSG_DIR = '/usr/share/xml/scap/ssg/content';

/** The folder holding trixie's ssg-debian content (ssg-debian12-ds.xml and the rest). */
export async function ensureSsgDebian12(): Promise<string> {
  const dir = await buildOnce('ssg-debian', 1, async (work) => {
    const deb = path.join(work, 'ssg-debian.deb');
    await run('curl', ['-fsSL', '-o', deb, `${DEBIAN_MIRROR}/pool/main/s/scap-security-guide/ssg-debian_${SSG_DEBIAN_VERSION}_all.deb`]);
    await run('dpkg-deb', ['-x', deb, path.join(work, 'root')]);
  });
  return path.join(dir, 'root', 'usr', 'share', 'xml', 'scap', 'ssg', 'content');
}
