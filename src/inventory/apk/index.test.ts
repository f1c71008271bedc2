import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apkAnalyzer, parseApkInstalled } from './index.js';

const installed = readFileSync(new URL('testdata/installed', import.meta.url));

describe('the files an Alpine package installed', () => {
  const result = apkAnalyzer.analyze({ path: '/lib/apk/db/installed', content: installed });
  const owned = new Map(result.ownedFiles?.map((entry) => [entry.package, entry.paths.split('\n')]));

  it('reads the real database: its packages, unchanged', () => {
    expect(result.packages?.map((p) => `${p.name}@${p.version}`)).toEqual([
      'musl@1.2.2-r3',
      'alpine-keys@2.3-r1',
      'libcrypto1.1@1.1.1k-r0',
      'libssl1.1@1.1.1k-r0',
      'ca-certificates-bundle@20191127-r5',
      'zlib@1.2.11-r3',
      'scanelf@1.3.2-r0',
      'musl-utils@1.2.2-r3',
      'libc-utils@0.7.2-r3',
      'apk-tools@2.12.6-r0',
      'busybox@1.33.1-r3',
    ]);
    expect(result.packages?.find((p) => p.name === 'libssl1.1')).toEqual({ type: 'apk', name: 'libssl1.1', version: '1.1.1k-r0', architecture: 'armv7', source: { name: 'openssl' }, licenses: ['OpenSSL'], location: '/lib/apk/db/installed' });
    expect(result.warnings).toBeUndefined();
  });

  it('joins each R: file to the F: folder before it', () => {
    expect(owned.get('zlib')).toEqual(['/lib/libz.so.1', '/lib/libz.so.1.2.11']);
    expect(owned.get('libssl1.1')).toEqual(['/lib/libssl.so.1.1', '/usr/lib/libssl.so.1.1']);
    expect(owned.get('busybox')).toContain('/usr/share/udhcpc/default.script');
    expect(owned.get('busybox')).toContain('/bin/sh');
  });

  it('lists files only, never folders, and nothing for a package without files', () => {
    expect(owned.get('busybox')).not.toContain('/etc/network');
    expect(owned.has('libc-utils')).toBe(false);
    const count = [...owned.values()].reduce((sum, paths) => sum + paths.length, 0);
    expect(count).toBe(installed.toString('utf8').split('\n').filter((line) => line.startsWith('R:')).length);
  });

  it('puts a file listed before any folder at the root, and a folder written with slashes once', () => {
    const text = 'P:a\nV:1\nR:top\nF:/usr/bin/\nR:tool\n\nP:b\nV:2\nR:other\n';
    expect(parseApkInstalled(text, '/lib/apk/db/installed').ownedFiles).toEqual([
      { package: 'a', paths: '/top\n/usr/bin/tool' },
      { package: 'b', paths: '/other' },
    ]);
  });

  it('is an OS package analyzer', () => expect(apkAnalyzer.packageKind).toBe('os'));
});
