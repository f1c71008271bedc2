/**
 * Real mounts for the recurse_file_system oracle test (src/compliance/scap/oval/
 * recurse-file-system.test.ts), run as a script in a mount namespace of its own (`unshare --mount
 * --propagation private`): the mounts it makes are seen by this process, the OpenSCAP it runs and
 * the sshd it starts, never by the tests running beside it (the host agreement tests compare two
 * scans of this host's mounts). A temporary tree gets a tmpfs (another filesystem, local), a bind
 * mount of the tree's own filesystem inside the tmpfs, and sshfs from the loopback sshd (a network
 * filesystem). Prints, as JSON, OpenSCAP's result for each question and Tollgate's with each way of
 * reading the tree; the mounts go with the namespace.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAuthenticationRecord } from '../../src/config/credentials.js';
import { createOvalEvaluation } from '../../src/compliance/scap/oval/evaluate.js';
import { parseOvalDefinitions } from '../../src/compliance/scap/oval/parse-definitions.js';
import { definition, oscapResults, ovalDocument, withoutTreeWalk } from '../../src/compliance/scap/oval/test-support.js';
import { FilesystemTarget } from '../../src/compliance/targets/filesystem-target.js';
import { openTarget } from '../../src/compliance/targets/open-target.js';
import type { Target } from '../../src/compliance/targets/target.js';
import { KEY_USER, PASSWORD_USER, startSshd } from './sshd.js';

export interface RecurseFileSystemAnswers {
  /** OpenSCAP's result per question (the test's comment: `local / files has net/n.txt`). */
  oscap: Record<string, string>;
  /** Tollgate's, per way of reading: find, in-process, per-folder, dir:, ssh. */
  tollgate: Record<string, Record<string, string>>;
  /** Whether the find run asked tree queries (the filtered objects). */
  queried: boolean;
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

/** Results by the question each definition asks (its test's comment). */
function byQuestion(xml: string, results: ReadonlyMap<string, string>): Record<string, string> {
  const asked = new Map([...xml.matchAll(/<unix:file_test id="oval:r:tst:(\d+)"[^>]*comment="([^"]*)"/g)].map((match) => [`oval:r:def:${match[1]}`, match[2] as string]));
  return Object.fromEntries([...results].map(([id, result]) => [asked.get(id) ?? id, result]));
}

async function write(file: string, content = 'x\n'): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

async function main(): Promise<RecurseFileSystemAnswers> {
  const base = await mkdtemp(path.join(tmpdir(), 'tollgate-mounts-'));
  const work = await mkdtemp(path.join(tmpdir(), 'tollgate-mounts-oscap-'));
  const exported = await mkdtemp(path.join(tmpdir(), 'tollgate-mounts-export-'));
  const mounted: string[] = [];
  const mount = (command: string, args: string[], at: string, input?: string): void => {
    execFileSync(command, [...args, at], { stdio: 'pipe', ...(input === undefined ? {} : { input }) });
    mounted.unshift(at);
  };
  const sshd = await startSshd();
  try {
    await chmod(base, 0o755);
    await chmod(exported, 0o755);
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

    const xml = documentFor(base);
    const oscap = byQuestion(xml, await oscapResults(xml, work, 'mounts'));
    const tollgate: Record<string, Record<string, string>> = {};
    const local = FilesystemTarget.local();
    let queried = false;
    const queryTrees = local.queryTrees.bind(local);
    local.queryTrees = (...args) => {
      queried = true;
      return queryTrees(...args);
    };
    tollgate.find = byQuestion(xml, await evaluate(xml, local));
    const inProcess = FilesystemTarget.local();
    inProcess.walker = 'in-process';
    tollgate['in-process'] = byQuestion(xml, await evaluate(xml, inProcess));
    tollgate['per-folder'] = byQuestion(xml, await evaluate(xml, withoutTreeWalk(FilesystemTarget.local())));
    // The tree as a root filesystem: the same questions with the tree's paths as `/`.
    const inTree = documentFor('');
    tollgate.dir = byQuestion(inTree, await evaluate(inTree, await FilesystemTarget.openDirectory(`dir:${base}`)));
    // Over SSH (the sshd runs in this namespace: the same host, the same mounts).
    const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, ['records:', '  - name: key', `    username: ${KEY_USER}`, `    privateKey: { file: ${sshd.privateKeyFile} }`, '    passphrase: { env: TG_KEY_PASSPHRASE }', '    sudo: true', ''].join('\n'));
    const record = loadAuthenticationRecord(credentials, 'key', { ...process.env, TG_KEY_PASSPHRASE: sshd.passphrase });
    const ssh = await openTarget(`ssh://127.0.0.1:${sshd.port}`, { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 10_000 });
    try {
      tollgate.ssh = byQuestion(xml, await evaluate(xml, ssh));
    } finally {
      await ssh.close();
    }
    return { oscap, tollgate, queried };
  } finally {
    for (const at of mounted) execFileSync('umount', [at], { stdio: 'pipe' });
    await sshd.stop();
    await rm(base, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
    await rm(exported, { recursive: true, force: true });
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
