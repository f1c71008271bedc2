/**
 * Combines what the OS files say into one answer. os-release wins (`/etc` before `/usr/lib`);
 * the distribution's own version file fills what it leaves out: Debian testing and unstable have no
 * VERSION_ID (debian_version says `trixie/sid`), and alpine-release gives the full `3.19.1` where
 * os-release may give `3.19.1` or only `3.19`.
 */
import type { OsInfo } from '../../model/package.js';

const PRECEDENCE = ['/etc/os-release', '/usr/lib/os-release', '/etc/alpine-release', '/etc/debian_version'];

function rank(path: string): number {
  const index = PRECEDENCE.indexOf(path);
  return index === -1 ? PRECEDENCE.length : index;
}

export function resolveOs(found: readonly { path: string; os: OsInfo }[]): OsInfo | undefined {
  const sorted = [...found].sort((a, b) => rank(a.path) - rank(b.path));
  const primary = sorted[0];
  if (!primary) return undefined;
  const os: OsInfo = { ...primary.os };
  const fromFile = (path: string): OsInfo | undefined => sorted.find((entry) => entry.path === path)?.os;
  if (os.family === 'debian' && os.version === '') {
    const debianVersion = fromFile('/etc/debian_version');
    if (debianVersion) os.version = debianVersion.version;
  }
  if (os.family === 'alpine') {
    const alpineRelease = fromFile('/etc/alpine-release');
    if (alpineRelease) {
      const majorMinor = (version: string): string => version.split('.').slice(0, 2).join('.');
      if (os.version === '' || (majorMinor(os.version) === majorMinor(alpineRelease.version) && alpineRelease.version.length > os.version.length)) {
        os.version = alpineRelease.version;
      }
    }
  }
  return os;
}
