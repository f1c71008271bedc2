import { describe, expect, it } from 'vitest';
import type { MountedFilesystem } from '../../targets/mount-table.js';
import { belowNotEntered, boundaryOf, recurseFileSystem } from './filesystem-boundaries.js';
import type { OvalObject } from './model.js';

function mount(path: string, device: string, type = 'ext4'): MountedFilesystem {
  return { path, device, type, source: '/dev/x' };
}

const HOST = [mount('/', '8:1'), mount('/usr', '8:2'), mount('/usr/lib/modules', '8:3'), mount('/home', '0:40', 'nfs4'), mount('/home/local', '8:4'), mount('/proc', '0:5', 'proc'), mount('/usr', '8:6')];

describe('boundaryOf', () => {
  it('keeps a defined walk on the start\'s filesystem: every mount below on another device is reached, not entered', () => {
    expect([...boundaryOf('/', '/', HOST, 'defined').notEntered].sort()).toEqual(['/home', '/home/local', '/proc', '/usr', '/usr/lib/modules']);
    // A later mount on /usr covers the earlier one: its device is the one that counts.
    expect([...boundaryOf('/usr', '/usr', HOST, 'defined').notEntered]).toEqual(['/usr/lib/modules']);
  });

  it('keeps a local walk out of network filesystems and /proc, and gives nothing from a start on one', () => {
    const fromRoot = boundaryOf('/', '/', HOST, 'local');
    expect([...fromRoot.notEntered].sort()).toEqual(['/home', '/proc']);
    expect(fromRoot.skipsStart).toBe(false);
    expect(boundaryOf('/home/user', '/home/user', HOST, 'local').skipsStart).toBe(true);
    expect(boundaryOf('/home/local/x', '/home/local/x', HOST, 'local').skipsStart).toBe(false);
  });

  it('judges a start by its real path and names what it does not enter as the walk names it', () => {
    // /lib -> /usr/lib: on /usr's filesystem, with the modules mount below it.
    const boundary = boundaryOf('/lib', '/usr/lib', HOST, 'defined');
    expect([...boundary.notEntered]).toEqual(['/lib/modules']);
  });

  it('sets no boundary for all, nor without a mount table', () => {
    expect(boundaryOf('/', '/', HOST, 'all').notEntered.size).toBe(0);
    expect(boundaryOf('/', '/', [], 'defined').notEntered.size).toBe(0);
  });
});

describe('belowNotEntered', () => {
  it('holds for paths strictly below a folder not entered, not for the folder or a sibling sharing its prefix', () => {
    const boundary = { skipsStart: false, notEntered: new Set(['/home', '/a/b']) };
    expect(belowNotEntered('/home/u/f', boundary)).toBe(true);
    expect(belowNotEntered('/a/b/c', boundary)).toBe(true);
    expect(belowNotEntered('/home', boundary)).toBe(false);
    expect(belowNotEntered('/homework/f', boundary)).toBe(false);
    expect(belowNotEntered('/a/bc/d', boundary)).toBe(false);
  });
});

describe('recurseFileSystem', () => {
  it('reads the behavior, all by default, and refuses a value OVAL does not define', () => {
    const object = (value?: string): OvalObject => ({ id: 'oval:x:obj:1', behaviors: value === undefined ? {} : { recurse_file_system: value } }) as unknown as OvalObject;
    expect(recurseFileSystem(object())).toBe('all');
    expect(recurseFileSystem(object('defined'))).toBe('defined');
    expect(() => recurseFileSystem(object('remote'))).toThrow(/recurse_file_system="remote"/);
  });
});
