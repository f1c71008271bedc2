import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileSelector } from '../file-selector.js';
import { dpkgAnalyzer, parseDpkgFileList } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`testdata/${name}`, import.meta.url));

describe('the files a Debian package installed', () => {
  it('reads a real .list file: every path of python3-yaml, the root written as /', () => {
    const result = dpkgAnalyzer.analyze({ path: '/var/lib/dpkg/info/python3-yaml.list', content: fixture('python3-yaml.list') });
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toBeUndefined();
    expect(result.ownedFiles).toHaveLength(1);
    const [owned] = result.ownedFiles ?? [];
    expect(owned?.package).toBe('python3-yaml');
    const paths = owned?.paths.split('\n') ?? [];
    expect(paths).toHaveLength(46);
    expect(paths[0]).toBe('/');
    expect(paths).toContain('/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA');
    expect(paths.every((path) => path.startsWith('/'))).toBe(true);
  });

  it('keeps one string per package, not one object per path', () => {
    const [owned] = dpkgAnalyzer.analyze({ path: '/var/lib/dpkg/info/python3-yaml.list', content: fixture('python3-yaml.list') }).ownedFiles ?? [];
    expect(typeof owned?.paths).toBe('string');
  });

  it('names a multi-arch package with its architecture, as dpkg names the file', () => {
    const result = parseDpkgFileList('/.\n/usr/lib/x86_64-linux-gnu/libffi.so.8\n', '/var/lib/dpkg/info/libffi8:amd64.list');
    expect(result.ownedFiles).toEqual([{ package: 'libffi8:amd64', paths: '/\n/usr/lib/x86_64-linux-gnu/libffi.so.8' }]);
  });

  it('drops lines that are not absolute paths with one warning, and tolerates CRLF and an empty list', () => {
    expect(parseDpkgFileList('/usr/bin/a\r\nrelative/path\n\n/usr/bin/b\n../escape\n', '/var/lib/dpkg/info/a.list')).toEqual({
      ownedFiles: [{ package: 'a', paths: '/usr/bin/a\n/usr/bin/b' }],
      warnings: ['2 line(s) that are not absolute paths; ignored'],
    });
    expect(parseDpkgFileList('', '/var/lib/dpkg/info/empty.list')).toEqual({});
  });

  it('the status file of the same package still gives the package itself', () => {
    const result = dpkgAnalyzer.analyze({ path: '/var/lib/dpkg/status', content: fixture('python3-yaml.status') });
    expect(result.packages).toEqual([{ type: 'deb', name: 'python3-yaml', version: '6.0-3+b2', architecture: 'amd64', source: { name: 'pyyaml', version: '6.0-3' }, location: '/var/lib/dpkg/status' }]);
    expect(result.ownedFiles).toBeUndefined();
  });

  it('is an OS package analyzer that reads the lists and nothing else under info/', () => {
    expect(dpkgAnalyzer.packageKind).toBe('os');
    const selector = new FileSelector([dpkgAnalyzer]);
    const wanted = (path: string) => [...selector.analyzersFor(path), ...selector.candidatesFor(path)];
    expect(wanted('/var/lib/dpkg/info/python3-yaml.list')).toEqual([dpkgAnalyzer]);
    expect(wanted('/var/lib/dpkg/info/libc6:amd64.list')).toEqual([dpkgAnalyzer]);
    for (const path of ['/var/lib/dpkg/info/python3-yaml.md5sums', '/var/lib/dpkg/info/python3-yaml.postinst', '/var/lib/dpkg/info/sub/x.list', '/srv/var/lib/dpkg/info/a.list']) {
      expect(wanted(path)).toEqual([]);
    }
  });

  it('leaves the lists out of what a reader of the package database alone reads (compliance facts)', () => {
    expect(dpkgAnalyzer.patterns).toEqual(['var/lib/dpkg/status', 'var/lib/dpkg/status.d/*']);
  });
});
