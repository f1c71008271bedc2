import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLocalFilesystem, mountsUnderRoot, parseMountInfo, readLocalMountTable, type MountedFilesystem } from './mount-table.js';

const SAMPLE = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '40 22 0:40 / /home/shared\\040docs rw,relatime shared:20 master:3 - nfs4 server:/export/docs rw,vers=4.2',
  '41 22 0:41 / /mnt/share rw,relatime - cifs //fileserver/share rw',
  '42 22 0:42 / /srv/data rw - xfs /dev/mapper/data rw',
  'not a mountinfo line',
  '',
].join('\n');

function mount(path: string, device: string, type = 'ext4', source = '/dev/sda1'): MountedFilesystem {
  return { path, device, type, source };
}

describe('parseMountInfo', () => {
  it('reads each mount point, device, type and source, past the optional fields, and decodes escaped spaces', () => {
    expect(parseMountInfo(SAMPLE)).toEqual([
      { path: '/', device: '254:1', type: 'ext4', source: '/dev/vda1' },
      { path: '/proc', device: '0:21', type: 'proc', source: 'proc' },
      { path: '/home/shared docs', device: '0:40', type: 'nfs4', source: 'server:/export/docs' },
      { path: '/mnt/share', device: '0:41', type: 'cifs', source: '//fileserver/share' },
      { path: '/srv/data', device: '0:42', type: 'xfs', source: '/dev/mapper/data' },
    ]);
  });

  it('gives back every path the kernel escaped, whatever it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '\t', '\n', '\\', 'é', '-', '0'), { minLength: 1, maxLength: 12 }), (chars) => {
        const path = `/m/${chars.join('')}`;
        const escaped = path.replace(/[ \t\n\\]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
        expect(parseMountInfo(`30 1 8:3 / ${escaped} rw - ext4 /dev/sda3 rw\n`)).toEqual([{ path, device: '8:3', type: 'ext4', source: '/dev/sda3' }]);
      }),
    );
  });

  it('reads this host\'s own table with / in it', async () => {
    const mounts = await readLocalMountTable('/');
    expect(mounts.some((entry) => entry.path === '/')).toBe(true);
    expect(mounts.every((entry) => /^\d+:\d+$/.test(entry.device))).toBe(true);
  });
});

describe('isLocalFilesystem', () => {
  it('tells network filesystems (a FUSE one by its subtype), /proc, /sys and autofs entries from local ones, by type', () => {
    for (const type of ['nfs', 'nfs4', 'cifs', 'smb3', 'fuse.sshfs', 'ceph', 'glusterfs', 'proc', 'sysfs', 'autofs']) expect(isLocalFilesystem(mount('/a', '0:1', type, 'x'))).toBe(false);
    for (const type of ['ext4', 'xfs', 'btrfs', 'tmpfs', 'overlay', 'devtmpfs', 'fuse.bindfs', 'cgroup2']) expect(isLocalFilesystem(mount('/a', '0:1', type, 'x'))).toBe(true);
    // The type decides, not a source that looks like a server's (OpenSCAP 1.3.7 judges the same).
    expect(isLocalFilesystem(mount('/a', '0:1', 'tmpfs', 'server:/export'))).toBe(true);
  });
});

describe('mountsUnderRoot', () => {
  const host = [mount('/', '8:1'), mount('/srv', '8:2'), mount('/srv/tree/var', '8:3'), mount('/srv/treeish', '8:4'), mount('/proc', '0:5', 'proc', 'proc')];

  it('keeps the mounts below a root as its paths, the mount holding the root at /', () => {
    expect(mountsUnderRoot(host, '/srv/tree')).toEqual([mount('/', '8:2'), mount('/var', '8:3')]);
  });

  it('keeps a mount on the root itself as /', () => {
    expect(mountsUnderRoot(host, '/srv')).toEqual([mount('/', '8:2'), mount('/tree/var', '8:3'), mount('/treeish', '8:4')]);
  });

  it('keeps the whole table for /', () => {
    expect(mountsUnderRoot(host, '/')).toEqual(host);
  });
});
