import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryFs } from './directory-fs.js';
import { readError } from './test-support/read-error.js';

let work: string;
let root: string;
let view: DirectoryFs;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-directory-fs-'));
  root = path.join(work, 'root');
  await mkdir(path.join(root, 'etc', 'ssh'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'hostname'), 'box\n');
  await writeFile(path.join(root, 'etc', 'ssh', 'sshd_config'), 'PermitRootLogin no\n');
  // Outside the root, where a hostile link would like to lead.
  await writeFile(path.join(work, 'secret'), 'outside\n');
  await symlink('/etc/hostname', path.join(root, 'etc', 'absolute'));
  await symlink('../etc/ssh', path.join(root, 'etc', 'ssh-link'));
  await symlink('../../secret', path.join(root, 'etc', 'escape'));
  await symlink(path.join(work, 'secret'), path.join(root, 'etc', 'host-absolute'));
  await symlink('loop-b', path.join(root, 'etc', 'loop-a'));
  await symlink('loop-a', path.join(root, 'etc', 'loop-b'));
  execFileSync('mkfifo', [path.join(root, 'etc', 'fifo')]);
  await writeFile(path.join(root, 'etc', 'huge'), '');
  await truncate(path.join(root, 'etc', 'huge'), 64 * 1024 * 1024);
  view = new DirectoryFs(root);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the view of a folder', () => {
  it('reads files and follows links with the folder as the root', async () => {
    expect((await view.readFile('/etc/hostname', 100)).toString()).toBe('box\n');
    expect((await view.readFile('/etc/absolute', 100)).toString()).toBe('box\n');
    expect((await view.readFile('/etc/ssh-link/sshd_config', 100)).toString()).toBe('PermitRootLogin no\n');
    expect(await view.listDir('/etc/ssh-link')).toEqual(['sshd_config']);
  });

  it('reports a link as a link, and its raw target', async () => {
    expect(await view.stat('/etc/absolute')).toMatchObject({ type: 'symlink' });
    expect(await view.readLink('/etc/absolute')).toBe('/etc/hostname');
    expect(await view.readLink('/etc/hostname')).toBeUndefined();
    expect(await view.stat('/etc/missing')).toBeUndefined();
    expect(await view.listDir('/missing')).toBeUndefined();
  });

  it('refuses a link that climbs out of the root, and reads a host-absolute link inside the root instead', async () => {
    expect(await readError(view.readFile('/etc/escape', 100))).toEqual({ failure: 'outside-root', message: '/etc/escape: a symlink points outside the scanned root' });
    expect(await readError(view.readFile('/etc/host-absolute', 100))).toMatchObject({ failure: 'not-found' });
  });

  it('ends a symlink loop, a FIFO and an oversized file with typed errors, without hanging or reading them', async () => {
    expect(await readError(view.readFile('/etc/loop-a', 100))).toEqual({ failure: 'symlink-loop', message: '/etc/loop-a: too many levels of symbolic links' });
    expect(await readError(view.readFile('/etc/fifo', 100))).toEqual({ failure: 'not-a-file', message: '/etc/fifo: is a other, not a regular file' });
    expect(await readError(view.readFile('/etc/huge', 1024))).toEqual({ failure: 'too-large', message: `/etc/huge: is ${64 * 1024 * 1024} bytes, over the 1024-byte limit for checked files` });
    expect(await readError(view.readFile('/etc', 100))).toMatchObject({ failure: 'not-a-file' });
  });
});

describe('files whose size the kernel does not report (procfs)', () => {
  // A process whose environment is larger than any first buffer: /proc/<pid>/environ says size 0.
  const bigValue = 'x'.repeat(100 * 1024);
  const environment = { TOLLGATE_BIG_A: bigValue, TOLLGATE_BIG_B: bigValue };
  const expected = Buffer.from(Object.entries(environment).map(([name, value]) => `${name}=${value}\0`).join(''));
  let child: ChildProcess;
  let environ: string;

  beforeAll(async () => {
    child = spawn('sleep', ['60'], { env: environment, stdio: 'ignore' });
    await once(child, 'spawn');
    environ = `/proc/${child.pid}/environ`;
  });

  afterAll(() => {
    child.kill();
  });

  it('reads such a file to its end, past any first buffer', async () => {
    expect((await new DirectoryFs('/').stat(environ))?.size).toBe(0);
    const content = await new DirectoryFs('/').readFile(environ, 1024 * 1024);
    expect(content.length).toBe(expected.length);
    expect(content.equals(expected)).toBe(true);
  });

  it('refuses such a file as too large once it passes the bound, rather than returning part of it', async () => {
    expect(await readError(new DirectoryFs('/').readFile(environ, 150 * 1024))).toEqual({
      failure: 'too-large',
      message: `${environ}: is over the ${150 * 1024}-byte limit for checked files`,
    });
    expect(await readError(new DirectoryFs('/').readFile('/proc/self/status', 100))).toMatchObject({ failure: 'too-large' });
  });
});
