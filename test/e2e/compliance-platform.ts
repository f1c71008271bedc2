/**
 * The platform of the server-mode compliance tests, shared by the CLI's connector test and the CI
 * integrations' end-to-end tests: a real sshd on loopback, a real `tollgate server` child (SQLite,
 * with a secret key), a `ci` token, and a real `tollgate worker` of the External scanner that
 * trusts the sshd's host key. Also a credentials file with a right (`pw`) and a wrong (`wrong`)
 * password record, whose passwords come from TG_PASSWORD and TG_WRONG (see `secretEnv`).
 * Every process's output is kept so a test can prove that no secret reached it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ComplianceVerdict } from '../../src/model/index.js';
import { PASSWORD_USER, startSshd, type TestSshd } from '../support/sshd.js';
import { startPlatformServer, startTollgate, type PlatformServer, type TollgateProcess } from './worker-platform.js';

export interface CompliancePlatform {
  sshd: TestSshd;
  /** A temporary folder removed by stop(). */
  work: string;
  server: PlatformServer;
  worker: TollgateProcess;
  /** A token of role ci. */
  ciToken: string;
  /** known_hosts with the sshd's host key. */
  knownHosts: string;
  /** Records `pw` (right password, sudo with it) and `wrong`. */
  credentials: string;
  wrongPassword: string;
  /** The variables the credentials file reads its passwords from. */
  secretEnv: Record<string, string>;
  /** Every secret of the platform: the passwords and the ci token. */
  secrets(): string[];
  /** Keeps a test's output for the secret check of stop(). */
  record(output: string): void;
  /** Every output kept so far, the server's and worker's included. */
  outputs(): string;
  /** Stops the processes and removes the folder; answers every output (the processes' last lines included). */
  stop(): Promise<string>;
}

export async function startCompliancePlatform(name: string): Promise<CompliancePlatform> {
  const sshd = await startSshd();
  const work = await mkdtemp(path.join(tmpdir(), `tollgate-${name}-`));
  try {
    return await startOnSshd(sshd, work);
  } catch (error) {
    await sshd.stop();
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

async function startOnSshd(sshd: TestSshd, work: string): Promise<CompliancePlatform> {
  const knownHosts = path.join(work, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const credentials = path.join(work, 'credentials.yaml');
  await writeFile(credentials, ['records:', '  - name: pw', `    username: ${PASSWORD_USER}`, '    password: { env: TG_PASSWORD }', '    sudo: { password: { env: TG_PASSWORD } }', '  - name: wrong', `    username: ${PASSWORD_USER}`, '    password: { env: TG_WRONG }', ''].join('\n'));
  const wrongPassword = `wrong-${randomBytes(9).toString('base64url')}`;
  const server = await startPlatformServer({ dataDir: path.join(work, 'server'), secretKeyHex: randomBytes(32).toString('hex') });
  let ciToken: string;
  let workerToken: string;
  try {
    ciToken = await server.createToken('pipeline', 'ci');
    workerToken = await server.createToken('worker-1', 'worker');
  } catch (error) {
    await server.process.kill();
    throw error;
  }
  await mkdir(path.join(work, 'worker-home'), { recursive: true });
  const worker = startTollgate(['worker', '--server', server.url, '--label', 'External', '--poll', '1', '--heartbeat', '2', '--known-hosts', knownHosts], { TOLLGATE_TOKEN: workerToken, HOME: path.join(work, 'worker-home') });
  const kept: string[] = [];
  return {
    sshd,
    work,
    server,
    worker,
    ciToken,
    knownHosts,
    credentials,
    wrongPassword,
    secretEnv: { TG_PASSWORD: sshd.password, TG_WRONG: wrongPassword },
    secrets: () => [sshd.password, wrongPassword, ciToken],
    record: (output) => void kept.push(output),
    outputs: () => [...kept, worker.output(), server.process.output()].join('\n'),
    async stop() {
      await worker.kill('SIGKILL');
      await server.process.kill();
      const all = [...kept, worker.output(), server.process.output()].join('\n');
      await sshd.stop();
      await rm(work, { recursive: true, force: true });
      return all;
    },
  };
}

/**
 * The failing controls of two verdicts on the same host (one through the server, one standalone),
 * as sorted `policy/cid` lists to compare, leaving out any control either run could not evaluate:
 * on this shared 2-core machine a run has shown ERROR (a timed-out command) for a few controls.
 * `erred` says how many were left out, so a test can compare whole messages only when none was.
 */
export function comparableFailures(first: ComplianceVerdict, second: ComplianceVerdict): { first: string[]; second: string[]; erred: number } {
  const key = (control: { policy: string; cid: string }): string => `${control.policy}/${control.cid}`;
  const erred = new Set([...first.controlsCausingFailure, ...second.controlsCausingFailure].filter((control) => control.state === 'ERROR').map(key));
  const failing = (verdict: ComplianceVerdict): string[] => verdict.controlsCausingFailure.map(key).filter((each) => !erred.has(each)).sort();
  return { first: failing(first), second: failing(second), erred: erred.size };
}
