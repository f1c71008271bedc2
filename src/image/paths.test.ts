import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostileInputError } from '../errors.js';
import { normalizeEntryPath, resolveInRoot } from './paths.js';

describe('normalising entry names', () => {
  it.each([
    ['./etc/passwd', '/etc/passwd'],
    ['etc//apt/./sources.list', '/etc/apt/sources.list'],
    ['/usr/lib/', '/usr/lib'],
    ['./', '/'],
  ])('%s -> %s', (name, expected) => expect(normalizeEntryPath(name, 'x')).toBe(expected));

  it.each(['../etc', 'a/../../b', 'a/b/..'])('refuses %s', (name) => {
    expect(() => normalizeEntryPath(name, 'x')).toThrow(HostileInputError);
  });

  it('always yields an absolute path without dot segments for names it accepts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '.', '', '..', 'c.d', '...'), { maxLength: 8 }), (segments) => {
        const name = segments.join('/');
        let result: string;
        try {
          result = normalizeEntryPath(name, 'x');
        } catch (error) {
          expect(segments).toContain('..');
          expect(error).toBeInstanceOf(HostileInputError);
          return;
        }
        expect(result.startsWith('/')).toBe(true);
        if (result !== '/') expect(result.split('/').slice(1).every((s) => s !== '.' && s !== '..' && s !== '')).toBe(true);
      }),
    );
  });
});

describe('resolving paths inside the root', () => {
  const links = new Map<string, string>([
    ['/etc/os-release', '../usr/lib/os-release'],
    ['/lib', 'usr/lib'],
    ['/usr/bin/python3', '/usr/bin/python3.11'],
    ['/loop/a', '/loop/b'],
    ['/loop/b', '/loop/a'],
    ['/escape', '../../../etc/shadow'],
    ['/abs', '/etc/hostname'],
  ]);
  const readLink = (path: string) => links.get(path);

  it('follows relative links', () => expect(resolveInRoot('/etc/os-release', readLink)).toBe('/usr/lib/os-release'));
  it('follows links in folder components', () => expect(resolveInRoot('/lib/apk/db/installed', readLink)).toBe('/usr/lib/apk/db/installed'));
  it('treats absolute targets as relative to the image root', () => expect(resolveInRoot('/abs', readLink)).toBe('/etc/hostname'));
  it('refuses loops', () => expect(() => resolveInRoot('/loop/a', readLink)).toThrow(/too many levels of symbolic links/));
  it('refuses a link that climbs above the root', () => expect(() => resolveInRoot('/escape', readLink)).toThrow(HostileInputError));
  it('leaves paths without links alone', () => expect(resolveInRoot('/var/lib/dpkg/status', readLink)).toBe('/var/lib/dpkg/status'));

  it('never produces a path outside the root, whatever the links', () => {
    const segment = fc.constantFrom('a', 'b', '..', '.', '');
    const target = fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('/'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('/a', '/a/b', '/b', '/b/a'), fc.tuple(fc.boolean(), target)), fc.array(fc.constantFrom('a', 'b'), { maxLength: 4 }), (table, parts) => {
        const read = (path: string) => {
          const entry = table[path];
          return entry ? (entry[0] ? `/${entry[1]}` : entry[1]) : undefined;
        };
        try {
          const resolved = resolveInRoot(`/${parts.join('/')}`, read);
          expect(resolved.startsWith('/')).toBe(true);
          expect(resolved.split('/')).not.toContain('..');
        } catch (error) {
          expect(error).toBeInstanceOf(HostileInputError);
        }
      }),
    );
  });
});
