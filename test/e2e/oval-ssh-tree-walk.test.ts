/**
 * Recursive file objects over SSH walk each tree with one remote `find` (targets/ssh-tree-walk.ts)
 * instead of a listing and a stat per folder: against a real sshd on loopback, the items of every
 * object must be those the same objects give on the host directly (`local`) and over SSH listing
 * folder by folder, names with spaces and line breaks, links, depth limits and a folder only root
 * can read (listed through sudo) included; and the walk must take far fewer requests.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthenticationRecord } from '../../src/config/credentials.js';
import { createOvalEvaluation, parseOvalDefinitions } from '../../src/compliance/scap/oval/index.js';
import { collectItems, definition, makeTree, ovalDocument, removeTree, resultsOf } from '../../src/compliance/scap/oval/test-support.js';
import { file } from '../../src/compliance/scap/oval/test-types/file/index.js';
import { textfilecontent54 } from '../../src/compliance/scap/oval/test-types/textfilecontent54/index.js';
import type { OvalItem, OvalTestType } from '../../src/compliance/scap/oval/test-types/test-type.js';
import { openTarget } from '../../src/compliance/targets/open-target.js';
import type { Target } from '../../src/compliance/targets/target.js';
import { countingTarget, totalRequests } from '../support/counting-target.js';
import { KEY_USER, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let work: string;
let tree: string;

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-ssh-walk-'));
  const files: Record<string, string | { content?: string; mode?: number; link?: string }> = {
    'a/top.conf': 'MaxAuthTries 4\n',
    'a/b/mid.conf': 'MaxAuthTries 6\n',
    'a/b/c/d/deep.conf': 'MaxAuthTries 3\n',
    'a/b/c/run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    'a/with space/x.conf': 'MaxAuthTries 5\n',
    'a/new\nline/y.conf': 'MaxAuthTries 2\n',
    'a/link': { link: 'b' },
    'a/locked/secret.conf': { content: 'MaxAuthTries 9\n', mode: 0o600 },
  };
  for (let dir = 0; dir < 20; dir++) for (let n = 0; n < 10; n++) files[`a/many/d${dir}/f${n}.conf`] = `n ${n}\n`;
  tree = await makeTree(files);
  await chmod(tree, 0o755);
  await chmod(path.join(tree, 'a/locked'), 0o700);
  await mkdir(path.join(tree, 'a/empty'));
}, 120_000);

afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
  if (tree) await removeTree(tree);
});

function objects(base: string): { type: OvalTestType; xml: string }[] {
  const fileObject = (body: string): { type: OvalTestType; xml: string } => ({ type: file, xml: `<unix:file_object id="oval:w:obj:1" version="1">${body}</unix:file_object>` });
  const escaped = base.replaceAll('.', '\\.');
  return [
    fileObject(`<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>${base}/a</unix:path><unix:filename operation="pattern match">\\.conf$</unix:filename>`),
    fileObject(`<unix:behaviors recurse_direction="down" max_depth="1"/><unix:path>${base}/a</unix:path><unix:filename operation="pattern match">.*</unix:filename>`),
    fileObject(`<unix:behaviors recurse_direction="down" max_depth="2" recurse="directories"/><unix:path>${base}/a</unix:path><unix:filename>mid.conf</unix:filename>`),
    fileObject(`<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>${base}/a</unix:path><unix:filename xsi:nil="true"/>`),
    fileObject(`<unix:behaviors recurse_direction="down" max_depth="-1" recurse="symlinks and directories"/><unix:path>${base}/a/b</unix:path><unix:filename operation="pattern match">.*</unix:filename>`),
    fileObject(`<unix:filepath operation="pattern match">^${escaped}/a/.*\\.(conf|sh)$</unix:filepath>`),
    fileObject(`<unix:behaviors recurse_direction="up" max_depth="2"/><unix:path>${base}/a/b/c</unix:path><unix:filename xsi:nil="true"/>`),
    {
      type: textfilecontent54,
      xml: `<ind:textfilecontent54_object id="oval:w:obj:1" version="1"><ind:behaviors recurse_direction="down" max_depth="-1"/><ind:path>${base}/a</ind:path><ind:filename operation="pattern match">\\.conf$</ind:filename><ind:pattern operation="pattern match">^MaxAuthTries\\s+(\\d+)</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>`,
    },
  ];
}

async function itemsOn(target: Target): Promise<OvalItem[][]> {
  const all: OvalItem[][] = [];
  for (const object of objects(tree)) all.push(await collectItems(object.type, ovalDocument({ objects: object.xml }), 'oval:w:obj:1', target));
  return all;
}

async function remoteTarget(): Promise<Target> {
  const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, ['records:', '  - name: key', `    username: ${KEY_USER}`, `    privateKey: { file: ${sshd.privateKeyFile} }`, '    passphrase: { env: TG_KEY_PASSPHRASE }', '    sudo: true', ''].join('\n'));
    const knownHosts = path.join(work, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const record = loadAuthenticationRecord(credentials, 'key', { ...process.env, TG_KEY_PASSPHRASE: sshd.passphrase });
  return openTarget(`ssh://127.0.0.1:${sshd.port}`, { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 10_000 });
}

/** Every object as a definition of one document: a file_test or textfilecontent54_test that its items exist. */
function documentOfAll(): string {
  const all = objects(tree);
  return ovalDocument({
    definitions: all.map((_, index) => definition(`oval:w:def:${index}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:w:tst:${index}"/></oval-def:criteria>`)).join(''),
    tests: all
      .map((object, index) => (object.type === file ? `<unix:file_test id="oval:w:tst:${index}" version="1" check="all" check_existence="at_least_one_exists"><unix:object object_ref="oval:w:obj:${index}"/><unix:state state_ref="oval:w:ste:1"/></unix:file_test>` : `<ind:textfilecontent54_test id="oval:w:tst:${index}" version="1" check="all" check_existence="at_least_one_exists"><ind:object object_ref="oval:w:obj:${index}"/></ind:textfilecontent54_test>`))
      .join(''),
    objects: all.map((object, index) => object.xml.replace('id="oval:w:obj:1"', `id="oval:w:obj:${index}"`)).join(''),
    states: '<unix:file_state id="oval:w:ste:1" version="1"><unix:owrite datatype="boolean">false</unix:owrite></unix:file_state>',
  });
}

describe('recursive file objects over ssh://', () => {
  it('give the items they give locally, with one remote walk instead of a request per folder', async () => {
    const local = await openTarget('local');
    const direct = await itemsOn(local);
    await local.close();

    const remote = await remoteTarget();
    try {
      const walking = countingTarget(remote, { walks: true });
      const listing = countingTarget(remote, { walks: false });
      const overSshWalking = await itemsOn(walking.target);
      const overSshListing = await itemsOn(listing.target);
      expect(overSshWalking).toEqual(direct);
      expect(overSshListing).toEqual(direct);
      // The objects found what the tree holds: the locked folder (through sudo), the odd names, the deep file.
      const paths = direct[0]?.map((item) => item.filepath?.[0]) ?? [];
      expect(paths).toContain(`${tree}/a/locked/secret.conf`);
      expect(paths).toContain(`${tree}/a/new\nline/y.conf`);
      expect(paths).toContain(`${tree}/a/with space/x.conf`);
      expect(paths).toContain(`${tree}/a/b/c/d/deep.conf`);
      // 200 under many/, 6 more, and mid.conf and deep.conf again through the link to b (followed by default)
      expect(paths.length).toBe(208);
      expect(paths).toContain(`${tree}/a/link/c/d/deep.conf`);
      expect(walking.counts.walkTrees).toBeGreaterThan(0);
      expect(totalRequests(walking.counts) * 5).toBeLessThan(totalRequests(listing.counts));
    } finally {
      await remote.close();
    }
  }, 180_000);

  it('walk every tree of the evaluated definitions in one request before evaluating them, with the results local gives', async () => {
    const document = parseOvalDefinitions(documentOfAll(), 'walk.xml');
    const ids = [...document.definitions.keys()];
    const local = await openTarget('local');
    const direct = resultsOf(await createOvalEvaluation(document, local).evaluate(ids, new Map()));
    await local.close();
    const remote = await remoteTarget();
    try {
      const walking = countingTarget(remote, { walks: true });
      expect(resultsOf(await createOvalEvaluation(document, walking.target).evaluate(ids, new Map()))).toEqual(direct);
      expect(walking.counts.walkTrees).toBe(1);
      // Listed one by one: the locked folder (through sudo), and the folders reached through the link a/link -> b (a/link, a/link/c, a/link/c/d).
      expect(walking.counts.listDir).toBe(4);
    } finally {
      await remote.close();
    }
    expect(new Set(Object.values(direct))).toEqual(new Set(['true', 'false']));
  }, 180_000);
});
