/**
 * OVAL over SSH: the same definitions evaluated on this host through a loopback sshd (nothing
 * installed on the target; files, /proc and the dpkg database read through the SSH view, commands
 * run there) and directly (`local`) give the same results.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthenticationRecord } from '../../src/config/credentials.js';
import { createOvalEvaluation, parseOvalDefinitions } from '../../src/compliance/scap/oval/index.js';
import { definition, makeTree, ovalDocument, removeTree, resultsOf } from '../../src/compliance/scap/oval/test-support.js';
import { openTarget } from '../../src/compliance/targets/open-target.js';
import { KEY_USER, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let work: string;
let tree: string;

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-oval-ssh-'));
  tree = await makeTree({ 'etc/app.conf': 'MaxAuthTries 4\nPermitRootLogin no\n', 'etc/cron.d/job': { content: 'x\n', mode: 0o644 }, 'etc/cron.d/bad': { content: 'x\n', mode: 0o666 } });
}, 120_000);

afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
  await removeTree(tree);
});

function documentFor(base: string): string {
  const parts: { id: string; test: string; object: string; state?: string }[] = [
    {
      id: 'tfc',
      test: '<ind:textfilecontent54_test id="oval:s:tst:tfc" version="1" check="all" check_existence="all_exist"><ind:object object_ref="oval:s:obj:tfc"/><ind:state state_ref="oval:s:ste:tfc"/></ind:textfilecontent54_test>',
      object: `<ind:textfilecontent54_object id="oval:s:obj:tfc" version="1"><ind:filepath>${base}/etc/app.conf</ind:filepath><ind:pattern operation="pattern match">^MaxAuthTries\\s+(\\d+)$</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
      state: '<ind:textfilecontent54_state id="oval:s:ste:tfc" version="1"><ind:subexpression datatype="int" operation="less than or equal">4</ind:subexpression></ind:textfilecontent54_state>',
    },
    {
      id: 'file',
      test: '<unix:file_test id="oval:s:tst:file" version="1" check="all" check_existence="any_exist"><unix:object object_ref="oval:s:obj:file"/><unix:state state_ref="oval:s:ste:file"/></unix:file_test>',
      object: `<unix:file_object id="oval:s:obj:file" version="1"><unix:path>${base}/etc/cron.d</unix:path><unix:filename operation="pattern match">.*</unix:filename></unix:file_object>`,
      state: '<unix:file_state id="oval:s:ste:file" version="1"><unix:owrite datatype="boolean">false</unix:owrite></unix:file_state>',
    },
    {
      id: 'sysctl',
      test: '<unix:sysctl_test id="oval:s:tst:sysctl" version="1" check="all" check_existence="all_exist"><unix:object object_ref="oval:s:obj:sysctl"/><unix:state state_ref="oval:s:ste:sysctl"/></unix:sysctl_test>',
      object: '<unix:sysctl_object id="oval:s:obj:sysctl" version="1"><unix:name>kernel.randomize_va_space</unix:name></unix:sysctl_object>',
      state: '<unix:sysctl_state id="oval:s:ste:sysctl" version="1"><unix:value datatype="int" operation="greater than">0</unix:value></unix:sysctl_state>',
    },
    {
      id: 'mount',
      test: '<linux:partition_test id="oval:s:tst:mount" version="1" check="all" check_existence="all_exist"><linux:object object_ref="oval:s:obj:mount"/></linux:partition_test>',
      object: '<linux:partition_object id="oval:s:obj:mount" version="1"><linux:mount_point>/</linux:mount_point></linux:partition_object>',
    },
    {
      id: 'dpkg',
      test: '<linux:dpkginfo_test id="oval:s:tst:dpkg" version="1" check="all" check_existence="all_exist"><linux:object object_ref="oval:s:obj:dpkg"/><linux:state state_ref="oval:s:ste:dpkg"/></linux:dpkginfo_test>',
      object: '<linux:dpkginfo_object id="oval:s:obj:dpkg" version="1"><linux:name>openssh-server</linux:name></linux:dpkginfo_object>',
      state: '<linux:dpkginfo_state id="oval:s:ste:dpkg" version="1"><linux:evr datatype="debian_evr_string" operation="greater than">0:7</linux:evr></linux:dpkginfo_state>',
    },
    {
      id: 'shadow',
      test: '<unix:shadow_test id="oval:s:tst:shadow" version="1" check="all" check_existence="all_exist"><unix:object object_ref="oval:s:obj:shadow"/></unix:shadow_test>',
      object: '<unix:shadow_object id="oval:s:obj:shadow" version="1"><unix:username>root</unix:username></unix:shadow_object>',
    },
  ];
  return ovalDocument({
    definitions: parts.map((part) => definition(`oval:s:def:${part.id}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:s:tst:${part.id}"/></oval-def:criteria>`)).join(''),
    tests: parts.map((part) => part.test).join(''),
    objects: parts.map((part) => part.object).join(''),
    states: parts.map((part) => part.state ?? '').join(''),
  });
}

describe('OVAL over ssh://', () => {
  it('gives the results the same definitions give on the host directly', async () => {
    const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, ['records:', '  - name: key', `    username: ${KEY_USER}`, `    privateKey: { file: ${sshd.privateKeyFile} }`, '    passphrase: { env: TG_KEY_PASSPHRASE }', '    sudo: true', ''].join('\n'));
    const knownHosts = path.join(work, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    const document = parseOvalDefinitions(documentFor(tree), 'ssh.xml');
    const ids = [...document.definitions.keys()];

    const local = await openTarget('local');
    const direct = resultsOf(await createOvalEvaluation(document, local).evaluate(ids, new Map()));
    await local.close();

    const record = loadAuthenticationRecord(credentials, 'key', { ...process.env, TG_KEY_PASSPHRASE: sshd.passphrase });
    const remote = await openTarget(`ssh://127.0.0.1:${sshd.port}`, { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 10_000 });
    try {
      const overSsh = resultsOf(await createOvalEvaluation(document, remote).evaluate(ids, new Map()));
      expect(overSsh).toEqual(direct);
    } finally {
      await remote.close();
    }
    expect(direct).toMatchObject({ 'oval:s:def:tfc': 'true', 'oval:s:def:file': 'false', 'oval:s:def:mount': 'true', 'oval:s:def:shadow': 'true' });
  }, 120_000);
});
