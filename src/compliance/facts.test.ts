import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rpmFixture } from '../../test/support/rpm-fixtures.js';
import { tempRoot, type TempRoot } from '../../test/support/temp-root.js';
import { FilesystemTarget } from './targets/filesystem-target.js';
import { TargetFacts } from './facts.js';

let root: TempRoot | undefined;
afterEach(async () => {
  await root?.remove();
  root = undefined;
});

async function factsOf(files: Record<string, string>): Promise<TargetFacts> {
  root = await tempRoot(files);
  return new TargetFacts(root.target);
}

const installed = (name: string): string => `Package: ${name}\nStatus: install ok installed\nVersion: 1.0\n\n`;

describe('installed packages of a target', () => {
  it('come from dpkg first: its status file, then the distroless status.d files', async () => {
    const facts = await factsOf({ 'var/lib/dpkg/status': installed('bash'), 'var/lib/dpkg/status.d/zlib': 'Package: zlib\nVersion: 1.3\n', 'lib/apk/db/installed': 'P:musl\nV:1.2\n' });
    const { manager, packages } = await facts.packages();
    expect(manager).toBe('dpkg');
    expect(packages.map((record) => `${record.name} ${record.location}`)).toEqual(['bash /var/lib/dpkg/status', 'zlib /var/lib/dpkg/status.d/zlib']);
  });

  it('take an empty dpkg status file as dpkg with nothing installed, not as no database', async () => {
    expect(await (await factsOf({ 'var/lib/dpkg/status': '', 'lib/apk/db/installed': 'P:musl\nV:1.2\n' })).packages()).toEqual({ manager: 'dpkg', packages: [] });
  });

  it('come from apk when there is no dpkg database, and from no manager when there is none', async () => {
    expect((await (await factsOf({ 'lib/apk/db/installed': 'P:musl\nV:1.2.4\nA:x86_64\n' })).packages()).packages).toMatchObject([{ type: 'apk', name: 'musl', version: '1.2.4' }]);
    expect((await (await factsOf({ 'lib/apk/db/installed': 'P:musl\nV:1.2.4\n' })).packages()).manager).toBe('apk');
    expect(await (await factsOf({ 'etc/hostname': 'box\n' })).packages()).toEqual({ packages: [] });
  });

  it('come from the rpm database of a root filesystem, read by the inventory\'s reader rather than by rpm', async () => {
    const fixture = await rpmFixture();
    const facts = new TargetFacts(new FilesystemTarget('dir', `dir:${fixture.root}`, fixture.root, false));
    const { manager, packages } = await facts.packages();
    expect(manager).toBe('rpm');
    expect(packages.map((record) => `${record.name} ${record.version}`).sort()).toEqual(fixture.rpmQa.split('\n').filter(Boolean).map((line) => line.split('\t').slice(0, 2).join(' ')));
  }, 300_000);

  it('read a database reached through rpm\'s two folders once, and take an empty one as nothing installed', async () => {
    const fixture = await rpmFixture();
    root = await tempRoot({});
    await root.write('usr/lib/sysimage/rpm/rpmdb.sqlite', await readFile(path.join(fixture.root, 'var/lib/rpm/rpmdb.sqlite')));
    await mkdir(path.join(root.dir, 'var/lib'), { recursive: true });
    await symlink('../../usr/lib/sysimage/rpm', path.join(root.dir, 'var/lib/rpm'));
    const { packages } = await new TargetFacts(root.target).packages();
    expect(packages).toHaveLength(fixture.rpmQa.split('\n').filter(Boolean).length);
    expect(await (await factsOf({ 'var/lib/rpm/rpmdb.sqlite': '' })).packages()).toEqual({ manager: 'rpm', packages: [] });
  }, 300_000);

  it('are an error naming the file, not an empty list, when the rpm database cannot be read', async () => {
    await expect((await factsOf({ 'var/lib/rpm/Packages': 'garbage' })).packages()).rejects.toThrow(/\/var\/lib\/rpm\/Packages: the rpm analyzer could not read this file: not an rpm database/);
  });
});

describe('the operating system of a target', () => {
  it('comes from os-release, /etc before /usr/lib, with debian_version filling a version os-release leaves out', async () => {
    const facts = await factsOf({ 'etc/os-release': 'ID=debian\nVERSION_CODENAME=trixie\n', 'usr/lib/os-release': 'ID=other\nVERSION_ID=1\n', 'etc/debian_version': 'trixie/sid\n' });
    expect(await facts.os()).toMatchObject({ family: 'debian', version: 'trixie/sid', codename: 'trixie' });
  });

  it('is unknown on a target without os-release files', async () => {
    expect(await (await factsOf({ 'etc/hostname': 'box\n' })).os()).toBeUndefined();
  });
});
