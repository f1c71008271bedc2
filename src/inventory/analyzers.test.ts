import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isContentAnalyzer } from './analyzer.js';
import { FileSelector } from './file-selector.js';
import { ANALYZERS } from './list.js';

const selector = new FileSelector(ANALYZERS);
const idsFor = (path: string) => selector.analyzersFor(path).map((analyzer) => analyzer.id);

describe('which files each analyzer reads', () => {
  it.each([
    ['/etc/os-release', ['os-release']],
    ['/usr/lib/os-release', ['os-release']],
    ['/etc/alpine-release', ['os-release']],
    ['/etc/debian_version', ['os-release']],
    ['/var/lib/dpkg/status', ['dpkg']],
    ['/var/lib/dpkg/status.d/libc6', ['dpkg']],
    ['/var/lib/dpkg/status.d/libc6.md5sums', ['dpkg']],
    ['/lib/apk/db/installed', ['apk']],
    ['/app/node_modules/lodash/package.json', ['npm']],
    ['/node_modules/lodash/package.json', ['npm']],
    ['/app/node_modules/@babel/core/package.json', ['npm']],
    ['/app/node_modules/a/node_modules/b/package.json', ['npm']],
    ['/app/node_modules/a/node_modules/@s/b/package.json', ['npm']],
    ['/app/package-lock.json', ['npm']],
    ['/app/node_modules/.package-lock.json', ['npm']],
    ['/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', ['python']],
    ['/usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA', ['python']],
    ['/usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO', ['python']],
    ['/usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info', ['python']],
    ['/opt/venv/lib/python3.12/site-packages/ruamel.yaml-0.18.dist-info/METADATA', ['python']],
  ])('%s is read by %j', (path, expected) => expect(idsFor(path)).toEqual(expected));

  it.each([
    '/app/node_modules/foo/test/package.json',
    '/app/node_modules/foo/lib/fixtures/package.json',
    '/app/package.json',
    '/var/lib/dpkg/status-old',
    '/var/lib/dpkg/status.d/sub/x',
    '/etc/os-release.bak',
    '/usr/lib/python3/dist-packages/six.py',
    '/usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD',
    '/home/user/METADATA',
    '/lib/apk/db/installed.old',
  ])('%s is read by nobody', (path) => expect(idsFor(path)).toEqual([]));
});

const analyzer = (id: string) => {
  const found = ANALYZERS.find((candidate) => candidate.id === id);
  if (!found || !isContentAnalyzer(found)) throw new Error(`${id}: no content analyzer of that id in the list`);
  return found;
};
const run = (id: string, path: string, content: string | Buffer) => analyzer(id).analyze({ path, content: Buffer.isBuffer(content) ? content : Buffer.from(content) });
const fixture = (name: string) => readFileSync(new URL(name, import.meta.url));

describe('dpkg', () => {
  it('reads the real status file: versions with epochs, sources in both forms, architecture', () => {
    const result = run('dpkg', '/var/lib/dpkg/status', fixture('dpkg/testdata/status'));
    const byName = new Map(result.packages?.map((p) => [p.name, p]));
    expect([...byName.keys()].sort()).toEqual(['base-files', 'bash', 'bsdutils', 'coreutils', 'libc6', 'tzdata', 'util-linux']);
    expect(byName.get('bash')).toMatchObject({ type: 'deb', version: expect.stringMatching(/^5\.2\.15-2/), source: { name: 'bash', version: '5.2.15-2' }, architecture: 'amd64', location: '/var/lib/dpkg/status' });
    expect(byName.get('bsdutils')).toMatchObject({ version: expect.stringMatching(/^1:2\.38/), source: { name: 'util-linux', version: expect.stringMatching(/^2\.38/) } });
    expect(byName.get('libc6')?.source?.name).toBe('glibc');
    expect(byName.get('tzdata')?.source).toBeUndefined();
    expect(result.warnings).toBeUndefined();
  });

  it('keeps only installed packages', () => {
    const stanza = (name: string, status: string) => `Package: ${name}\nStatus: ${status}\nVersion: 1.0-1\nArchitecture: amd64\n`;
    const text = [
      stanza('a', 'install ok installed'),
      stanza('b', 'hold ok installed'),
      stanza('c', 'deinstall ok config-files'),
      stanza('d', 'install ok half-installed'),
      stanza('e', 'purge ok not-installed'),
      stanza('f', 'install reinstreq half-installed'),
      'Package: g\nVersion: 1.0\n',
    ].join('\n');
    expect(run('dpkg', '/var/lib/dpkg/status', text).packages?.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('reads distroless status.d files, which have no Status, and their md5sums as owned files', () => {
    const text = 'Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n';
    expect(run('dpkg', '/var/lib/dpkg/status.d/libssl3', text).packages).toEqual([{ type: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u2', architecture: 'amd64', source: { name: 'openssl' }, location: '/var/lib/dpkg/status.d/libssl3' }]);
    expect(run('dpkg', '/var/lib/dpkg/status.d/libssl3.md5sums', `${'0'.repeat(32)}  usr/lib/x\n`)).toEqual({ ownedFiles: [{ package: 'libssl3', paths: '/usr/lib/x' }] });
  });

  it('handles CRLF, continuation lines and garbage with warnings, never a throw', () => {
    const text = 'Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\nDescription: x\r\n more\r\n .\r\n\r\n  stray continuation\r\nnot a field\r\n\r\nStatus: install ok installed\r\n';
    const result = run('dpkg', '/var/lib/dpkg/status', text);
    expect(result.packages?.map((p) => p.name)).toEqual(['a']);
    expect(result.warnings).toHaveLength(3);
    expect(() => run('dpkg', '/var/lib/dpkg/status', Buffer.from([0, 255, 10, 58, 10, 0x80]))).not.toThrow();
  });

  it('a generated status file parses to exactly the generated installed packages', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,12}$/);
    const version = fc.stringMatching(/^[0-9][a-z0-9.+~]{0,8}(-[0-9a-z.+~]{1,5})?$/);
    const entry = fc.record({ name, version, installed: fc.boolean(), source: fc.option(fc.tuple(name, fc.option(version, { nil: undefined })), { nil: undefined }), description: fc.array(fc.stringMatching(/^[a-zA-Z .]{1,20}$/), { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const text = entries
          .map((e) => {
            const lines = [`Package: ${e.name}`, `Status: ${e.installed ? 'install ok installed' : 'deinstall ok config-files'}`, `Version: ${e.version}`];
            if (e.source) lines.push(`Source: ${e.source[0]}${e.source[1] ? ` (${e.source[1]})` : ''}`);
            lines.push(`Description: short`, ...e.description.map((line) => ` ${line.trim() || '.'}`));
            return lines.join('\n');
          })
          .join('\n\n');
        const result = run('dpkg', '/var/lib/dpkg/status', text);
        expect(result.packages?.map((p) => [p.name, p.version, p.source?.name, p.source?.version])).toEqual(
          entries.filter((e) => e.installed).map((e) => [e.name, e.version, e.source?.[0], e.source?.[1]]),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('os-release', () => {
  it('reads this machine’s real os-release', () => {
    expect(run('os-release', '/etc/os-release', fixture('os-release/testdata/debian-12.os-release')).os).toEqual({
      family: 'debian',
      version: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
  });

  it.each([
    ['ID="alpine"\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"', { family: 'alpine', version: '3.19.1', prettyName: 'Alpine Linux v3.19' }],
    ["ID=ubuntu\nVERSION_ID='22.04'\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID_LIKE=debian", { family: 'ubuntu', version: '22.04', codename: 'jammy', idLike: ['debian'] }],
    ['ID=rhel\nVERSION_ID="9.3"\nID_LIKE="fedora"\n# comment\nPRETTY_NAME="Red Hat \\"Enterprise\\" Linux"', { family: 'rhel', version: '9.3', idLike: ['fedora'], prettyName: 'Red Hat "Enterprise" Linux' }],
    ['ID=debian\nVERSION="12 (bookworm)"', { family: 'debian', version: '', codename: 'bookworm' }],
    ['NAME="AlmaLinux"\nVERSION="9.1 (Lime Lynx)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.1"\nPLATFORM_ID="platform:el9"', { family: 'almalinux', version: '9.1', idLike: ['rhel', 'centos', 'fedora'], platformId: 'platform:el9' }],
  ])('parses %j', (text, expected) => expect(run('os-release', '/etc/os-release', text).os).toMatchObject(expected));

  it('reads the version files', () => {
    expect(run('os-release', '/etc/alpine-release', '3.19.1\n').os).toEqual({ family: 'alpine', version: '3.19.1' });
    expect(run('os-release', '/etc/debian_version', fixture('os-release/testdata/debian_version')).os).toEqual({ family: 'debian', version: '12.11' });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void run('os-release', '/etc/os-release', Buffer.from(bytes))));
  });
});

describe('apk', () => {
  it('reads records with name, version, arch, origin and license', () => {
    const text = ['C:Q1abc=', 'P:musl', 'V:1.2.4_git20230717-r4', 'A:x86_64', 'S:383152', 'o:musl', 'L:MIT', 'F:lib', 'R:ld-musl-x86_64.so.1', '', 'P:libcrypto3', 'V:3.1.4-r5', 'A:x86_64', 'o:openssl', 'L:Apache-2.0', '', 'P:broken', ''].join('\n');
    const result = run('apk', '/lib/apk/db/installed', text);
    expect(result.packages).toEqual([
      { type: 'apk', name: 'musl', version: '1.2.4_git20230717-r4', architecture: 'x86_64', source: { name: 'musl' }, licenses: ['MIT'], location: '/lib/apk/db/installed' },
      { type: 'apk', name: 'libcrypto3', version: '3.1.4-r5', architecture: 'x86_64', source: { name: 'openssl' }, licenses: ['Apache-2.0'], location: '/lib/apk/db/installed' },
    ]);
    expect(result.warnings).toEqual(['record at line 17: no P (name) or V (version); skipped']);
  });
});

describe('npm', () => {
  it('reads installed package.json files, scoped and nested, with their install folder', () => {
    expect(run('npm', '/app/node_modules/@sindresorhus/is/package.json', fixture('npm/testdata/installed/sindresorhus-is.package.json')).packages).toEqual([
      { type: 'npm', name: '@sindresorhus/is', version: '4.6.0', licenses: ['MIT'], location: '/app/node_modules/@sindresorhus/is/package.json', installPath: '/app/node_modules/@sindresorhus/is' },
    ]);
    expect(run('npm', '/app/node_modules/mkdirp/node_modules/minimist/package.json', fixture('npm/testdata/installed/nested-minimist.package.json')).packages?.[0]).toMatchObject({ name: 'minimist', version: '0.0.8', installPath: '/app/node_modules/mkdirp/node_modules/minimist' });
  });

  it('skips a package.json that names no package, and warns on one that is not JSON', () => {
    expect(run('npm', '/app/node_modules/x/package.json', '{"type":"module"}')).toEqual({});
    expect(run('npm', '/app/node_modules/x/package.json', '{oops').warnings).toEqual(['not a JSON object; skipped']);
  });

  it.each(['v1', 'v2', 'v3'])('reads lock file %s: every package, its install folder and dev flag', (version) => {
    const result = run('npm', '/app/package-lock.json', fixture(`npm/testdata/package-lock.${version}.json`));
    expect(result.packages?.map((p) => [p.name, p.version, p.installPath, p.dev ?? false]).sort()).toEqual([
      ['@sindresorhus/is', '4.6.0', '/app/node_modules/@sindresorhus/is', false],
      ['ansi-regex', '3.0.0', '/app/node_modules/ansi-regex', true],
      ['minimist', '0.0.8', '/app/node_modules/mkdirp/node_modules/minimist', false],
      ['minimist', '1.2.5', '/app/node_modules/minimist', false],
      ['mkdirp', '0.5.1', '/app/node_modules/mkdirp', false],
    ]);
  });

  it('reads npm’s hidden lock file relative to the project folder', () => {
    const result = run('npm', '/srv/app/node_modules/.package-lock.json', fixture('npm/testdata/hidden-package-lock.json'));
    expect(result.packages?.find((p) => p.name === 'mkdirp')?.installPath).toBe('/srv/app/node_modules/mkdirp');
  });

  it('skips workspace links and the root entry', () => {
    const lock = { lockfileVersion: 3, packages: { '': { name: 'root', version: '1.0.0' }, 'node_modules/ws-a': { resolved: 'packages/a', link: true }, 'packages/a': { name: 'ws-a', version: '2.0.0' }, 'node_modules/x': { version: '1.0.0', devOptional: true } } };
    expect(run('npm', '/app/package-lock.json', JSON.stringify(lock)).packages?.map((p) => [p.name, p.dev ?? false])).toEqual([['x', false]]);
  });
});

describe('python', () => {
  it.each([
    ['/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', 'python/testdata/PyYAML-6.0.METADATA', 'pyyaml', '6.0', ['MIT']],
    ['/usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO', 'python/testdata/PyJWT-2.6.0.PKG-INFO', 'pyjwt', '2.6.0', ['MIT']],
    ['/usr/lib/python3/dist-packages/cryptography.egg-info/PKG-INFO', 'python/testdata/cryptography.PKG-INFO', 'cryptography', '38.0.4', undefined],
  ])('reads real metadata %s', (path, file, name, version, licenses) => {
    const [record] = run('python', path, fixture(file)).packages ?? [];
    expect(record).toMatchObject({ type: 'pypi', name, version, location: path });
    if (licenses) expect(record?.licenses).toEqual(licenses);
  });

  it('normalises names per PEP 503 and reads only the header', () => {
    const text = 'Metadata-Version: 2.1\nName: Ruamel.YAML__Clib\nVersion: 0.2.8\n\nName: not-this\nVersion: 9\n';
    expect(run('python', '/x/site-packages/a.dist-info/METADATA', text).packages?.[0]).toMatchObject({ name: 'ruamel-yaml-clib', version: '0.2.8' });
    expect(run('python', '/x/site-packages/a.dist-info/METADATA', 'Summary: nothing\n').warnings).toHaveLength(1);
  });
});
