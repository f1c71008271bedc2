/**
 * recurse_file_system against OpenSCAP (`oscap oval eval`) on real mounts of this host: a tree in a
 * temporary folder with a tmpfs mounted in it (another filesystem, local), a network filesystem
 * (sshfs from a real sshd on loopback) and a bind mount of the tree's own filesystem inside the
 * tmpfs. Every file object recursing from each of three starts with each behavior, walked or
 * answered by a tree query (a filter), must name the same files and folders in both tools, and so
 * must objects that do not recurse (their start is judged too): with `find`, with the walk in this
 * process, folder by folder, on `dir:` and over SSH. Mounting needs root: CI runs as root,
 * elsewhere the suite says why it skips.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FilesystemTarget } from '../../targets/filesystem-target.js';
import type { Target } from '../../targets/target.js';
import { createOvalEvaluation } from './evaluate.js';
import { parseOvalDefinitions } from './parse-definitions.js';
import { definition, oscapResults, ovalDocument, withoutTreeWalk } from './test-support.js';
import { KEY_USER, PASSWORD_USER, startSshd, type TestSshd } from '../../../../test/support/sshd.js';
import { loadAuthenticationRecord } from '../../../config/credentials.js';
import { openTarget } from '../../targets/open-target.js';

function canMount(): boolean {
  try {
    execFileSync('sshfs', ['--version'], { stdio: 'pipe' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

const mountable = canMount();
if (!mountable && process.env.CI) throw new Error('recurse_file_system tests need root (mount) and sshfs, which CI installs and runs as');

let base: string;
let work: string;
let exported: string;
let sshd: TestSshd;
const mounted: string[] = [];

function mount(command: string, args: string[], at: string, input?: string): void {
  execFileSync(command, [...args, at], { stdio: 'pipe', ...(input === undefined ? {} : { input }) });
  mounted.unshift(at);
}

async function write(file: string, content = 'x\n'): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** Files and folders whose presence among each object's items is asked, relative to the tree. */
const FILES = ['top.txt', 'd/inner.txt', 'same/s.txt', 'same/s/deeper.txt', 'same/back/inner.txt', 'net/n.txt', 'net/sub/n2.txt'];
const FOLDERS = ['', 'd', 'same', 'same/s', 'same/back', 'net', 'net/sub'];

/** `root`: the tree's path as the target names it ('' for a target whose root is the tree). */
function documentFor(root: string): string {
  const at = (entry: string): string => (entry === '' ? root || '/' : `${root}/${entry}`);
  const defs: string[] = [];
  const tests: string[] = [];
  const objects: string[] = [];
  // Every file and folder of the tree is readable by its owner: the filter keeps all, and makes the walk a tree query.
  const states = ['<unix:file_state id="oval:r:ste:999999" version="1"><unix:uread datatype="boolean">true</unix:uread></unix:file_state>'];
  let n = 0;
  for (const mode of ['all', 'local', 'defined']) {
    for (const start of ['', 'same', 'net']) {
      for (const filtered of [false, true]) {
        for (const folders of [false, true]) {
          const object = `oval:r:obj:${objects.length + 1}`;
          const filter = filtered ? '<oval-def:filter action="include">oval:r:ste:999999</oval-def:filter>' : '';
          const name = folders ? '<unix:filename xsi:nil="true"/>' : '<unix:filename operation="pattern match">.*</unix:filename>';
          objects.push(`<unix:file_object id="${object}" version="1"><unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1" recurse_file_system="${mode}"/><unix:path>${at(start)}</unix:path>${name}${filter}</unix:file_object>`);
          for (const entry of folders ? FOLDERS : FILES) {
            n++;
            const full = at(entry);
            const state = `oval:r:ste:${n}`;
            states.push(`<unix:file_state id="${state}" version="1">${folders ? `<unix:path>${full}</unix:path>` : `<unix:filepath>${full}</unix:filepath>`}</unix:file_state>`);
            tests.push(`<unix:file_test id="oval:r:tst:${n}" version="1" check="at least one" check_existence="at_least_one_exists" comment="${mode} /${start} ${filtered ? 'filtered ' : ''}${folders ? 'folders' : 'files'} has ${entry || '.'}"><unix:object object_ref="${object}"/><unix:state state_ref="${state}"/></unix:file_test>`);
            defs.push(definition(`oval:r:def:${n}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:r:tst:${n}"/></oval-def:criteria>`));
          }
        }
      }
    }
  }
  // Without recursion the behavior still judges the start: a folder on the network filesystem is no
  // item for "local", a file in it none either.
  for (const mode of ['all', 'local']) {
    for (const [entry, name] of [['net', '<unix:filename xsi:nil="true"/>'], ['net/n.txt', '<unix:filename>n.txt</unix:filename>']] as const) {
      const object = `oval:r:obj:${objects.length + 1}`;
      objects.push(`<unix:file_object id="${object}" version="1"><unix:behaviors recurse_direction="none" recurse_file_system="${mode}"/><unix:path>${at('net')}</unix:path>${name}</unix:file_object>`);
      n++;
      const state = `oval:r:ste:${n}`;
      states.push(`<unix:file_state id="${state}" version="1">${entry === 'net' ? `<unix:path>${at(entry)}</unix:path>` : `<unix:filepath>${at(entry)}</unix:filepath>`}</unix:file_state>`);
      tests.push(`<unix:file_test id="oval:r:tst:${n}" version="1" check="at least one" check_existence="at_least_one_exists" comment="${mode} /net not recursing has ${entry}"><unix:object object_ref="${object}"/><unix:state state_ref="${state}"/></unix:file_test>`);
      defs.push(definition(`oval:r:def:${n}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:r:tst:${n}"/></oval-def:criteria>`));
    }
  }
  return ovalDocument({ definitions: defs.join(''), tests: tests.join(''), objects: objects.join(''), states: states.join('') });
}

async function evaluate(xml: string, target: Target): Promise<Map<string, string>> {
  const document = parseOvalDefinitions(xml, 'defs.xml');
  const ids = [...document.definitions.keys()];
  const evaluation = createOvalEvaluation(document, target);
  await evaluation.plan?.(ids);
  const outcomes = await evaluation.evaluate(ids, new Map());
  return new Map([...outcomes].map(([id, outcome]) => [id, outcome.result]));
}

/** The tests' comments by definition, to name a disagreement by what it asks. */
function questions(xml: string): Map<string, string> {
  return new Map([...xml.matchAll(/<unix:file_test id="oval:r:tst:(\d+)"[^>]*comment="([^"]*)"/g)].map((match) => [`oval:r:def:${match[1]}`, match[2] as string]));
}

describe.skipIf(!mountable)('recurse_file_system on real mounts, against oscap oval eval', () => {
  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'tollgate-mounts-'));
    await chmod(base, 0o755);
    work = await mkdtemp(path.join(tmpdir(), 'tollgate-mounts-oscap-'));
    exported = await mkdtemp(path.join(tmpdir(), 'tollgate-mounts-export-'));
    await chmod(exported, 0o755);
    sshd = await startSshd();
    await write(path.join(base, 'top.txt'));
    await write(path.join(base, 'd/inner.txt'));
    await mkdir(path.join(base, 'same'));
    await mkdir(path.join(base, 'net'));
    mount('mount', ['-t', 'tmpfs', 'tollgate-test'], path.join(base, 'same'));
    await write(path.join(base, 'same/s.txt'));
    await write(path.join(base, 'same/s/deeper.txt'));
    await mkdir(path.join(base, 'same/back'));
    // The tree's own filesystem again, inside the tmpfs: a walk that stays on the start's
    // filesystem from the tmpfs does not enter it.
    mount('mount', ['--bind', path.join(base, 'd')], path.join(base, 'same/back'));
    // A network filesystem: the exported folder over SFTP from the loopback sshd (type fuse.sshfs),
    // open to every user (the SSH case reads it as another one).
    await write(path.join(exported, 'n.txt'));
    await write(path.join(exported, 'sub/n2.txt'));
    await chmod(path.join(exported, 'sub'), 0o755);
    const knownHosts = path.join(work, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    const options = `allow_other,password_stdin,port=${sshd.port},UserKnownHostsFile=${knownHosts},StrictHostKeyChecking=yes,PubkeyAuthentication=no`;
    mount('sshfs', ['-o', options, `${PASSWORD_USER}@127.0.0.1:${exported}`], path.join(base, 'net'), `${sshd.password}\n`);
  });

  afterAll(async () => {
    for (const at of mounted) execFileSync('umount', [at], { stdio: 'pipe' });
    await sshd?.stop();
    await rm(base, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
    await rm(exported, { recursive: true, force: true });
  });

  it('names the same files and folders as OpenSCAP for all, local and defined from each start, with find, in-process and folder by folder', async () => {
    const xml = documentFor(base);
    const oscap = await oscapResults(xml, work, 'mounts');
    const asked = questions(xml);
    const named = (results: Map<string, string>): Record<string, string> => Object.fromEntries([...results].map(([id, result]) => [asked.get(id) ?? id, result]));
    const expected = named(oscap);
    // What the behaviors mean, so that agreement is not agreement on nothing.
    expect(expected['all / files has net/sub/n2.txt']).toBe('true');
    expect(expected['local / files has net/n.txt']).toBe('false');
    expect(expected['local / folders has net']).toBe('true');
    expect(expected['local / files has same/back/inner.txt']).toBe('true');
    expect(expected['local /net folders has net']).toBe('false');
    expect(expected['defined / files has same/s.txt']).toBe('false');
    expect(expected['defined / folders has same']).toBe('true');
    expect(expected['defined /same files has same/s/deeper.txt']).toBe('true');
    expect(expected['defined /same files has same/back/inner.txt']).toBe('false');
    expect(expected['defined /same filtered folders has same/back']).toBe('true');
    expect(expected['all /net not recursing has net/n.txt']).toBe('true');
    expect(expected['local /net not recursing has net/n.txt']).toBe('false');
    expect(expected['local /net not recursing has net']).toBe('false');

    const local = FilesystemTarget.local();
    const queries = vi.spyOn(local, 'queryTrees');
    expect(named(await evaluate(xml, local))).toEqual(expected);
    // The filtered objects were answered by tree queries, the others walked.
    expect(queries).toHaveBeenCalled();
    const inProcess = FilesystemTarget.local();
    inProcess.walker = 'in-process';
    expect(named(await evaluate(xml, inProcess))).toEqual(expected);
    expect(named(await evaluate(xml, withoutTreeWalk(FilesystemTarget.local())))).toEqual(expected);
  }, 120_000);

  it('keeps the same boundaries on a root filesystem target (dir:), whose mounts are this host\'s below its root', async () => {
    const xml = documentFor('');
    const onHost = documentFor(base);
    const oscap = await oscapResults(onHost, work, 'mounts-dir');
    const target = await FilesystemTarget.openDirectory(`dir:${base}`);
    const results = await evaluate(xml, target);
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(oscap));
  }, 120_000);

  it('reads the mount table of a host over SSH, nothing installed there (the loopback sshd: this host, the same mounts)', async () => {
    const xml = documentFor(base);
    const oscap = await oscapResults(xml, work, 'mounts-ssh');
    const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, ['records:', '  - name: key', `    username: ${KEY_USER}`, `    privateKey: { file: ${sshd.privateKeyFile} }`, '    passphrase: { env: TG_KEY_PASSPHRASE }', '    sudo: true', ''].join('\n'));
    const knownHosts = path.join(work, 'known_hosts');
    const record = loadAuthenticationRecord(credentials, 'key', { ...process.env, TG_KEY_PASSPHRASE: sshd.passphrase });
    const target = await openTarget(`ssh://127.0.0.1:${sshd.port}`, { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 10_000 });
    try {
      const asked = questions(xml);
      const named = (results: Map<string, string>): Record<string, string> => Object.fromEntries([...results].map(([id, result]) => [asked.get(id) ?? id, result]));
      expect(named(await evaluate(xml, target))).toEqual(named(oscap));
    } finally {
      await target.close();
    }
  }, 120_000);
});
