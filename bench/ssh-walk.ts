/**
 * The SSH tree walk (`npm run bench -- ssh-walk`): OVAL file objects recursing down a tree, over
 * ssh:// to a real sshd on loopback, with one remote `find` per tree (targets/ssh-tree-walk.ts)
 * against the same target listing and stat'ing folder by folder over SFTP (the baseline, the same
 * connection with the walk hidden), in the same run; and `local` on the same files for reference.
 * Two trees: a made one (5,000 files: 200 folders of 25 files, 4 levels deep) and this host's /etc (real
 * permissions: folders only root can read are listed through sudo in both modes). Time is the
 * median of 3 evaluations, each with a cold cache; requests are the target calls of one evaluation
 * (each a round trip over SSH).
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAuthenticationRecord } from '../src/config/credentials.js';
import { createOvalEvaluation, parseOvalDefinitions } from '../src/compliance/scap/oval/index.js';
import { definition, makeTree, ovalDocument, removeTree } from '../src/compliance/scap/oval/test-support.js';
import { openTarget } from '../src/compliance/targets/open-target.js';
import type { Target } from '../src/compliance/targets/target.js';
import { countingTarget, totalRequests } from '../test/support/counting-target.js';
import { KEY_USER, startSshd } from '../test/support/sshd.js';
import type { Rows } from './compliance.js';

function recursingDocument(root: string): string {
  const objects = [
    `<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>${root}</unix:path><unix:filename operation="pattern match">\\.conf$</unix:filename>`,
    `<unix:behaviors recurse_direction="down" max_depth="-1"/><unix:path>${root}</unix:path><unix:filename operation="pattern match">.*</unix:filename>`,
  ];
  return ovalDocument({
    definitions: objects.map((_, index) => definition(`oval:b:def:${index}`, `<oval-def:criteria><oval-def:criterion test_ref="oval:b:tst:${index}"/></oval-def:criteria>`)).join(''),
    tests: objects.map((_, index) => `<unix:file_test id="oval:b:tst:${index}" version="1" check="all" check_existence="any_exist"><unix:object object_ref="oval:b:obj:${index}"/><unix:state state_ref="oval:b:ste:1"/></unix:file_test>`).join(''),
    objects: objects.map((body, index) => `<unix:file_object id="oval:b:obj:${index}" version="1">${body}</unix:file_object>`).join(''),
    states: '<unix:file_state id="oval:b:ste:1" version="1"><unix:owrite datatype="boolean">false</unix:owrite></unix:file_state>',
  });
}

async function evaluateOnce(xml: string, target: Target): Promise<{ seconds: number; results: string }> {
  const document = parseOvalDefinitions(xml, 'bench.xml');
  const start = process.hrtime.bigint();
  const outcomes = await createOvalEvaluation(document, target).evaluate([...document.definitions.keys()], new Map());
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, results: [...outcomes.values()].map((outcome) => outcome.result).join(',') };
}

async function median3(task: () => Promise<number>): Promise<number> {
  const runs = [await task(), await task(), await task()];
  return runs.sort((a, b) => a - b)[1] as number;
}

export async function benchSshWalk(rows: Rows, results: Record<string, unknown>): Promise<void> {
  const sshd = await startSshd();
  const work = await mkdtemp(path.join(tmpdir(), 'tollgate-bench-ssh-walk-'));
  const files: Record<string, string> = {};
  for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) for (let c = 0; c < 8; c++) for (let n = 0; n < 25; n++) files[`t/l${a}/m${b}/n${c}/f${n}${n % 5 === 0 ? '.conf' : '.txt'}`] = `${n}\n`;
  const tree = await makeTree(files);
  await chmod(tree, 0o755);
  try {
    const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, ['records:', '  - name: key', `    username: ${KEY_USER}`, `    privateKey: { file: ${sshd.privateKeyFile} }`, '    passphrase: { env: TG_KEY_PASSPHRASE }', '    sudo: true', ''].join('\n'));
    const knownHosts = path.join(work, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    const record = loadAuthenticationRecord(credentials, 'key', { ...process.env, TG_KEY_PASSPHRASE: sshd.passphrase });
    const remote = await openTarget(`ssh://127.0.0.1:${sshd.port}`, { record, knownHostsFiles: [knownHosts], connectTimeoutMs: 10_000 });
    const local = await openTarget('local');
    const figures: Record<string, number> = {};
    try {
      for (const [label, root] of [
        ['made tree (5,000 files in 231 folders)', path.join(tree, 't')],
        ['/etc of this host', '/etc'],
      ] as const) {
        const xml = recursingDocument(root);
        const key = root === '/etc' ? 'etc' : 'made';
        const localRun = await evaluateOnce(xml, local);
        const measure = async (walks: boolean): Promise<{ seconds: number; requests: number }> => {
          let requests = 0;
          const seconds = await median3(async () => {
            const counted = countingTarget(remote, { walks });
            const run = await evaluateOnce(xml, counted.target);
            if (run.results !== localRun.results) throw new Error(`ssh-walk bench: ${label}: results over SSH (${run.results}) differ from local (${localRun.results})`);
            requests = totalRequests(counted.counts);
            return run.seconds;
          });
          return { seconds, requests };
        };
        const listing = await measure(false);
        const walking = await measure(true);
        const localSeconds = await median3(async () => (await evaluateOnce(xml, local)).seconds);
        figures[`${key}ListingSeconds`] = listing.seconds;
        figures[`${key}ListingRequests`] = listing.requests;
        figures[`${key}WalkingSeconds`] = walking.seconds;
        figures[`${key}WalkingRequests`] = walking.requests;
        figures[`${key}LocalSeconds`] = localSeconds;
        rows.push([`ssh-walk: ${label}, ssh:// listing folder by folder (median of 3)`, `${listing.seconds.toFixed(2)} s`, `baseline; ${listing.requests} requests`]);
        rows.push([`ssh-walk: ${label}, ssh:// one remote find (median of 3)`, `${walking.seconds.toFixed(2)} s`, `${(listing.seconds / walking.seconds).toFixed(1)}x faster; ${walking.requests} requests`]);
        rows.push([`ssh-walk: ${label}, local (median of 3)`, `${localSeconds.toFixed(2)} s`, 'reference, no network']);
      }
    } finally {
      await remote.close();
      await local.close();
    }
    results.sshWalk = figures;
  } finally {
    await removeTree(tree);
    await removeTree(work);
    await sshd.stop();
  }
}
