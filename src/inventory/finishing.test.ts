import { describe, expect, it } from 'vitest';
import { dedupePackages } from './dedupe.js';
import { resolveOs } from './os-release/resolve.js';
import { purlFor } from '../ecosystems/list.js';
import type { PackageRecord } from '../model/package.js';

describe('purls', () => {
  const debian = { family: 'debian', version: '12', codename: 'bookworm' };
  it.each([
    [{ type: 'deb', name: 'bash', version: '5.2.15-2+b8', architecture: 'amd64', location: '/var/lib/dpkg/status' }, debian, 'pkg:deb/debian/bash@5.2.15-2+b8?arch=amd64&distro=debian-12'],
    [{ type: 'deb', name: 'libc6', version: '2.36-9+deb12u4', architecture: 'amd64', source: { name: 'glibc' }, location: '/var/lib/dpkg/status' }, debian, 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12&upstream=glibc'],
    [{ type: 'deb', name: 'bsdutils', version: '1:2.38.1-5', location: '/x' }, { family: 'ubuntu', version: '22.04' }, 'pkg:deb/ubuntu/bsdutils@1:2.38.1-5?distro=ubuntu-22.04'],
    [{ type: 'apk', name: 'libcrypto3', version: '3.1.4-r5', architecture: 'x86_64', source: { name: 'openssl' }, location: '/x' }, { family: 'alpine', version: '3.19.1' }, 'pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl'],
    [{ type: 'npm', name: '@babel/core', version: '7.0.0', location: '/x' }, undefined, 'pkg:npm/%40babel/core@7.0.0'],
    [{ type: 'npm', name: 'lodash', version: '4.17.15', location: '/x' }, undefined, 'pkg:npm/lodash@4.17.15'],
    [{ type: 'pypi', name: 'ruamel-yaml', version: '0.18.6', location: '/x' }, undefined, 'pkg:pypi/ruamel-yaml@0.18.6'],
  ])('%j', (record, os, expected) => expect(purlFor(record as PackageRecord, os)).toBe(expected));
});

describe('one package per install', () => {
  const installed: PackageRecord = { type: 'npm', name: 'a', version: '1.0.0', location: '/app/node_modules/a/package.json', installPath: '/app/node_modules/a', licenses: ['MIT'] };
  const locked: PackageRecord = { type: 'npm', name: 'a', version: '1.0.0', location: '/app/package-lock.json', installPath: '/app/node_modules/a', dev: true };

  it('merges a node_modules package and its lock entry, keeping the location and the dev flag', () => {
    expect(dedupePackages([locked, installed])).toEqual([{ ...installed, dev: true }]);
    expect(dedupePackages([installed, locked])).toEqual([{ ...installed, dev: true }]);
  });

  it('keeps different versions and different install folders apart', () => {
    const other = { ...installed, version: '2.0.0' };
    const nested = { ...installed, location: '/app/node_modules/b/node_modules/a/package.json', installPath: '/app/node_modules/b/node_modules/a' };
    expect(dedupePackages([installed, other, nested])).toHaveLength(3);
  });

  it('a package only in the lock file stays, with its flag', () => {
    expect(dedupePackages([locked])).toEqual([locked]);
  });
});

describe('resolving the OS', () => {
  it('prefers /etc/os-release and fills the Debian testing version from debian_version', () => {
    expect(resolveOs([{ path: '/etc/debian_version', os: { family: 'debian', version: 'trixie/sid' } }, { path: '/etc/os-release', os: { family: 'debian', version: '', codename: 'trixie' } }])).toEqual({ family: 'debian', version: 'trixie/sid', codename: 'trixie' });
  });
  it('takes the Alpine patch level from alpine-release when os-release has less', () => {
    expect(resolveOs([{ path: '/usr/lib/os-release', os: { family: 'alpine', version: '3.19' } }, { path: '/etc/alpine-release', os: { family: 'alpine', version: '3.19.1' } }])?.version).toBe('3.19.1');
  });
  it('is undefined with nothing found', () => expect(resolveOs([])).toBeUndefined());
});
