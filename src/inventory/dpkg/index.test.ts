import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSelector } from '../file-selector.js';
import { dpkgAnalyzer, parseDpkgFileList, parseDpkgMd5sums, parseDpkgStatus } from './index.js';

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

describe('distroless status.d', () => {
  it('reads a real md5sums file as the files the package installed, the paths made absolute', () => {
    const result = dpkgAnalyzer.analyze({ path: '/var/lib/dpkg/status.d/python3-six.md5sums', content: fixture('python3-six.md5sums') });
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toBeUndefined();
    const [owned] = result.ownedFiles ?? [];
    expect(owned?.package).toBe('python3-six');
    const paths = owned?.paths.split('\n') ?? [];
    expect(paths).toEqual(fixture('python3-six.md5sums').toString('utf8').trimEnd().split('\n').map((line) => `/${line.slice(34)}`));
    expect(paths).toContain('/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO');
  });

  it('reads the package stanza beside it, which carries no Status', () => {
    const result = dpkgAnalyzer.analyze({ path: '/var/lib/dpkg/status.d/python3-six', content: fixture('python3-six.status.d') });
    expect(result.packages).toEqual([{ type: 'deb', name: 'python3-six', version: '1.16.0-4', architecture: 'all', source: { name: 'six' }, location: '/var/lib/dpkg/status.d/python3-six' }]);
  });

  it('drops malformed lines, absolute paths and paths climbing out of the root, with one warning', () => {
    const text = `${'a'.repeat(32)}  usr/bin/a\nnot a checksum line\n${'b'.repeat(32)}  /etc/absolute\n${'c'.repeat(32)}  usr/../../etc/shadow\n${'d'.repeat(32)} *usr/bin/binary-mode\r\n`;
    expect(parseDpkgMd5sums(text, '/var/lib/dpkg/status.d/tool.md5sums')).toEqual({
      ownedFiles: [{ package: 'tool', paths: '/usr/bin/a\n/usr/bin/binary-mode' }],
      warnings: ['3 line(s) that are not "<md5>  <relative path>"; ignored'],
    });
    expect(parseDpkgMd5sums('', '/var/lib/dpkg/status.d/empty.md5sums')).toEqual({});
  });

  it('any text is read or skipped line by line, never thrown', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const result = parseDpkgMd5sums(text, '/var/lib/dpkg/status.d/x.md5sums');
        for (const path of result.ownedFiles?.[0]?.paths.split('\n') ?? []) expect(path.startsWith('/') && !path.split('/').includes('..')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the vendor', () => {
  it('is the Origin field where a package has one', () => {
    const result = parseDpkgStatus('Package: docker-ce\nStatus: install ok installed\nVersion: 5:27.0.3-1~debian.12~bookworm\nArchitecture: amd64\nOrigin: Docker\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b8\n', '/var/lib/dpkg/status', true);
    expect(result.packages?.map((p) => [p.name, p.vendor])).toEqual([
      ['docker-ce', 'Docker'],
      ['bash', undefined],
    ]);
  });
});
