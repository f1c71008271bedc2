/**
 * The same SCAP profile on the same machine through two front doors: `local` and `ssh://` to a
 * real sshd on loopback (nothing installed on the target; sudo for root-only files). Debian 12's
 * `standard` profile must give the same result for every rule, read from both XCCDF results.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTollgate } from '../support/cli.js';
import { ensureSsgDebian12 } from '../support/scap-content.js';
import { KEY_USER, startSshd, type TestSshd } from '../support/sshd.js';
import { readRuleResults } from '../support/xccdf-results.js';

let sshd: TestSshd;
let work: string;
let dataStream: string;

beforeAll(async () => {
  sshd = await startSshd();
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-scap-ssh-'));
  dataStream = path.join(await ensureSsgDebian12(), 'ssg-debian12-ds.xml');
}, 600_000);

afterAll(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

async function scan(target: string, name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Map<string, string>> {
  const results = path.join(work, `${name}.xml`);
  const run = await runTollgate(['compliance', 'scan', target, '--quiet', '--policy', `scap:${dataStream}#standard`, '--xccdf-results', results, '--format', 'json', '--output', '/dev/null', ...extra], { env });
  expect([0, 1], run.stderr).toContain(run.code);
  return readRuleResults(results);
}

describe('the standard profile of the Debian 12 content on this machine', () => {
  it('gives the same result for every rule locally and over SSH', async () => {
    const credentials = path.join(work, 'credentials.yaml');
    await writeFile(credentials, `records:\n  - name: key\n    username: ${KEY_USER}\n    privateKey: { file: ${sshd.privateKeyFile} }\n    passphrase: { env: TG_KEY_PASSPHRASE }\n    sudo: true\n`);
    const local = await scan('local', 'local');
    const overSsh = await scan(`ssh://127.0.0.1:${sshd.port}`, 'ssh', ['--credentials', credentials, '--auth', 'key', '--ssh-host-key', sshd.hostKeyFingerprint], { TG_KEY_PASSPHRASE: sshd.passphrase });
    expect(local.size).toBeGreaterThan(20);
    expect(Object.fromEntries(overSsh)).toEqual(Object.fromEntries(local));
  }, 900_000);
});
