/**
 * `tollgate compliance scan --server …` (issue 14): the pipeline has a scanner worker near the host
 * scan it. Ensures the host (an address, or a cloud instance through a connector configured on the
 * server), the pipeline's own asset group `tollgate_AG_<job>` (replaced with this target and these
 * policies; another pipeline's group is never touched), uploads policy files, ensures the
 * authentication record (a named one, or `tollgate_unix_<job>` created from a credentials file),
 * launches on the scanner label, polls the scan's state and fetches the result. Judging the result
 * is the compliance gate's, exactly as for a standalone scan. One outcome is decided here, as the
 * connectors' FAQ has it: a scan the server ended with "no host alive" (a cloud instance that is not
 * running) fails the build (exit 1); every other error state aborts it (exit 3) with its message.
 *
 * Secrets of a record go only into the body of PUT /auth-records: never into a message or log.
 */
import { ExitCode, ScanError, TollgateError, UsageError } from '../errors.js';
import type { ComplianceResult } from '../model/compliance-result.js';
import type { Secret } from '../util/secret.js';
import { describeAnswer, PlatformUnreachableError, refuseBadCredentials, type PlatformAnswer, type PlatformClient } from './platform-client.js';

/** The server found no host alive to scan (code `host_not_alive`): the build fails rather than aborts. */
export class HostNotAliveError extends TollgateError {
  readonly exitCode = ExitCode.GateFailed;
}

/** Names on the server: `^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** A CI job's name made fit for a server name: other characters become `_`, bounded in length. */
export function pipelineNameOf(prefix: string, jobName: string): string {
  const safe = jobName.replace(/[^A-Za-z0-9._:@-]/g, '_');
  return `${prefix}${safe}`.slice(0, 128);
}

export type ComplianceTarget = { kind: 'address'; host: string; address: string; port?: number } | { kind: 'cloud'; host: string; instanceId: string };

/** `10.0.0.5`, `host.example:2222`, `ssh:user@host[:port]`, `env.NAME` (read here), `ec2:<instance-id>`. */
export function parseComplianceTarget(text: string, env: NodeJS.ProcessEnv = process.env): ComplianceTarget {
  let spec = text.trim();
  if (/^env\.[A-Za-z_][A-Za-z0-9_]*$/.test(spec)) {
    const value = env[spec.slice(4)]?.trim();
    if (!value) throw new UsageError(`target ${spec}: the environment variable ${spec.slice(4)} is not set`);
    spec = value;
  }
  if (spec.startsWith('ec2:')) {
    const instanceId = spec.slice(4);
    if (!/^i-[0-9a-f]{8,17}$/.test(instanceId)) throw new UsageError(`target ${spec}: not an EC2 instance id (i- and 8 or 17 hex digits)`);
    return { kind: 'cloud', host: `ec2:${instanceId}`, instanceId };
  }
  if (spec.startsWith('ssh:')) spec = spec.replace(/^ssh:(\/\/)?/, '').replace(/^[^@]*@/, '');
  const withPort = /^([^:\s]+):(\d{1,5})$/.exec(spec);
  const address = withPort ? (withPort[1] as string) : spec.replace(/^\[|\]$/g, '');
  const port = withPort ? Number(withPort[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new UsageError(`target ${text}: port ${port} is out of range`);
  if (!NAME.test(address)) throw new UsageError(`target "${text}": give a host address or name, env.NAME or ec2:<instance-id>`);
  return { kind: 'address', host: address, address, ...(port !== undefined ? { port } : {}) };
}

/** A Unix record to create or update on the server, from a credentials file. */
export interface UnixRecordInput {
  username: string;
  password?: Secret;
  privateKey?: Secret;
  passphrase?: Secret;
  sudo?: true | Secret;
}

export interface ComplianceServerScan {
  target: ComplianceTarget;
  jobName: string;
  scanName: string;
  scanner: string;
  optionProfile?: string;
  /** Policy names on the server, and the YAML of those to upload first (policy files). */
  policies: { name: string; yaml?: string }[];
  auth: { record: string } | { create: UnixRecordInput };
  cloudConnector?: string;
  pollIntervalMs: number;
  timeoutMs: number;
  log: (line: string) => void;
}

export type ComplianceServerOutcome = { kind: 'finished'; scanId: string; result: ComplianceResult } | { kind: 'timeout'; scanId: string; state: string };

async function expect2xx(client: PlatformClient, method: string, path: string, body: unknown, what: string): Promise<PlatformAnswer> {
  const answer = await client.request(method, path, body);
  refuseBadCredentials(answer, client.shown);
  if (answer.status === 409 && (answer.body as { error?: { code?: string } } | undefined)?.error?.code === 'no_secret_key') {
    throw new ScanError(`the Tollgate server at ${client.shown} cannot store ${what}: it has no secret key`, { hint: 'start the server with TOLLGATE_SECRET_KEY or --secret-key-file' });
  }
  if (answer.status >= 400 && answer.status < 500) throw new UsageError(`the Tollgate server at ${client.shown} refused ${what} (${describeAnswer(answer)})`);
  if (answer.status < 200 || answer.status >= 300) throw new ScanError(`the Tollgate server at ${client.shown} could not store ${what} (${describeAnswer(answer)})`);
  return answer;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runComplianceOnServer(client: PlatformClient, scan: ComplianceServerScan): Promise<ComplianceServerOutcome> {
  const { target } = scan;
  const hostBody = target.kind === 'cloud' ? { cloudInstanceId: target.instanceId, ...(scan.cloudConnector ? { cloudConnector: scan.cloudConnector } : {}) } : { address: target.address };
  if (target.kind === 'cloud' && !scan.cloudConnector) throw new UsageError(`target ${target.host}: name the server's cloud connector with --cloud-connector`);
  await expect2xx(client, 'PUT', `/api/v1/hosts/${encodeURIComponent(target.host)}`, hostBody, `the host ${target.host}`);
  for (const policy of scan.policies.filter((item) => item.yaml !== undefined)) {
    await expect2xx(client, 'PUT', `/api/v1/policies/${encodeURIComponent(policy.name)}`, { yaml: policy.yaml }, `the policy ${policy.name}`);
  }
  const policyNames = scan.policies.map((policy) => policy.name);
  const group = pipelineNameOf('tollgate_AG_', scan.jobName);
  await expect2xx(client, 'PUT', `/api/v1/asset-groups/${encodeURIComponent(group)}`, { hosts: [target.host], policies: policyNames }, `the asset group ${group}`);
  let authRecord: string;
  if ('record' in scan.auth) authRecord = scan.auth.record;
  else {
    authRecord = pipelineNameOf('tollgate_unix_', scan.jobName);
    const record = scan.auth.create;
    const reveal = (secret: Secret | undefined): string | undefined => (secret === undefined ? undefined : String(secret.reveal()));
    const body = {
      type: 'unix',
      user: record.username,
      ...(record.password ? { password: reveal(record.password) } : {}),
      ...(record.privateKey ? { privateKey: reveal(record.privateKey) } : {}),
      ...(record.passphrase ? { passphrase: reveal(record.passphrase) } : {}),
      ...(record.sudo ? { sudo: true, ...(record.sudo === true ? {} : { sudoPassword: reveal(record.sudo) }) } : {}),
      ...(target.kind === 'address' && target.port !== undefined ? { port: target.port } : {}),
    };
    await expect2xx(client, 'PUT', `/api/v1/auth-records/${encodeURIComponent(authRecord)}`, body, `the authentication record ${authRecord}`);
    scan.log(`authentication record ${authRecord} stored (its secrets sealed on the server)`);
  }
  const launched = await expect2xx(client, 'POST', '/api/v1/compliance-scans', { name: scan.scanName, assetGroup: group, scanner: scan.scanner, ...(scan.optionProfile ? { optionProfile: scan.optionProfile } : {}), policies: policyNames, authRecord }, 'the scan launch');
  const scanId = (launched.body as { id?: unknown } | undefined)?.id;
  if (typeof scanId !== 'string') throw new ScanError(`the Tollgate server at ${client.shown} launched the scan without naming it`);
  scan.log(`scan ${scanId} "${scan.scanName}" queued for scanner ${scan.scanner} (asset group ${group})`);
  const deadline = Date.now() + scan.timeoutMs;
  let lastState = 'Queued';
  for (;;) {
    let state = lastState;
    try {
      const answer = await client.request('GET', `/api/v1/compliance-scans/${encodeURIComponent(scanId)}`);
      refuseBadCredentials(answer, client.shown);
      const view = answer.body as { state?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
      if (answer.status === 200 && typeof view?.state === 'string') {
        state = view.state;
        if (state === 'Finished') return { kind: 'finished', scanId, result: await fetchResult(client, scanId) };
        if (state === 'Error' && view.error?.code === 'host_not_alive') throw new HostNotAliveError(`compliance scan ${scanId} failed: ${String(view.error.message ?? 'no host alive')}`);
        if (state === 'Error') throw new ScanError(`compliance scan ${scanId} ended in error: ${String(view.error?.code ?? 'unknown')}: ${String(view.error?.message ?? '')}`);
        if (state === 'Canceled') throw new ScanError(`compliance scan ${scanId} was canceled on the server`);
      } else if (answer.status === 404) throw new ScanError(`the Tollgate server at ${client.shown} no longer knows compliance scan ${scanId}`);
      else scan.log(`scan ${scanId}: ${describeAnswer(answer)}; polling goes on`);
    } catch (error) {
      if (!(error instanceof PlatformUnreachableError)) throw error;
      scan.log(`${error.message}; polling goes on`);
    }
    if (state !== lastState) scan.log(`scan ${scanId}: ${state}`);
    lastState = state;
    const wait = Math.min(scan.pollIntervalMs, deadline - Date.now());
    if (wait <= 0) {
      // The pipeline gives up; the scan would otherwise run for nobody.
      await client.request('POST', `/api/v1/compliance-scans/${encodeURIComponent(scanId)}/cancel`, {}).catch(() => undefined);
      return { kind: 'timeout', scanId, state: lastState };
    }
    await sleep(wait);
  }
}

async function fetchResult(client: PlatformClient, scanId: string): Promise<ComplianceResult> {
  const answer = await client.request('GET', `/api/v1/compliance-scans/${encodeURIComponent(scanId)}/result`);
  refuseBadCredentials(answer, client.shown);
  const result = answer.body as Partial<ComplianceResult> | undefined;
  if (answer.status !== 200 || typeof result !== 'object' || result === null || !Array.isArray(result.policies) || typeof result.authentication !== 'object') {
    throw new ScanError(`the result of compliance scan ${scanId} could not be fetched (${describeAnswer(answer)})`);
  }
  return result as ComplianceResult;
}
