/**
 * The compliance task's inputs as `tollgate compliance scan` arguments. Pure, like the image
 * task's: states, criticalities, time limits and targets are judged by the CLI. What is decided
 * here is the connectors' form: "fail by state AND criticality" as check boxes, turned into the
 * two lists the gate takes, and a bare address turned into an SSH target.
 */
import { listItems, lineItems } from './input-lists.js';
import { reportArguments, type ReportFiles } from './report-files.js';
import { TaskInputError } from './connection.js';

export const STATE_INPUTS = { stateFail: 'FAIL', stateError: 'ERROR', stateException: 'EXCEPTION' } as const;
export const CRITICALITY_INPUTS = {
  criticalityMinimal: 'MINIMAL',
  criticalityMedium: 'MEDIUM',
  criticalitySerious: 'SERIOUS',
  criticalityCritical: 'CRITICAL',
  criticalityUrgent: 'URGENT',
} as const;

export type StateInput = keyof typeof STATE_INPUTS;
export type CriticalityInput = keyof typeof CRITICALITY_INPUTS;

export interface ComplianceTaskInputs {
  /** An address (host name or IP, made `ssh://`), `env.NAME`, `ec2:<instance id>`, or a target the CLI names (`ssh://`, `dir:`, `image:`, `local`). */
  target: string;
  credentialsFile?: string;
  authenticationRecord?: string;
  sshHostKey?: string;
  policies?: string;
  failByStateAndCriticality: boolean;
  states: Partial<Record<StateInput, boolean>>;
  criticalities: Partial<Record<CriticalityInput, boolean>>;
  failOnAuthFailure?: boolean;
  failOnNoData?: boolean;
  excludeCids?: string;
  /** Minutes or an expression such as `2*60`. */
  timeout?: string;
  exceptionsFile?: string;
  scanName?: string;
  /** Server mode: the scanner label whose workers scan the target. */
  scanner?: string;
  /** Server mode: the server's option profile. */
  optionProfile?: string;
  /** Server mode, an `ec2:` target: the server's cloud connector that resolves the instance. */
  cloudConnector?: string;
  /** Server mode: minutes between two polls (a number or an expression). */
  pollingFrequency?: string;
  /** Server mode: create or update the pipeline's unix record from the credentials file's record. */
  createAuthRecord?: boolean;
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Target forms the CLI reads itself; anything else that looks like an address is an SSH host. */
const CLI_TARGET = /^(?:local$|dir:|image:|ssh:\/\/|env\.|ec2:)/;
const ADDRESS = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function complianceTarget(text: string): string {
  const target = text.trim();
  if (target === '') throw new TaskInputError('no target: give a host address, env.NAME, ec2:<instance id> or a target such as ssh://user@host');
  if (CLI_TARGET.test(target)) return target;
  if (ADDRESS.test(target)) return `ssh://${target}`;
  throw new TaskInputError(`target "${target}" is not a host address, env.NAME, ec2:<instance id> or a target the CLI reads (ssh://, dir:, image:, local)`);
}

function checked<K extends string, V extends string>(map: Record<K, V>, boxes: Partial<Record<K, boolean>>): V[] {
  return (Object.keys(map) as K[]).filter((key) => boxes[key]).map((key) => map[key]);
}

/**
 * `--server URL` and the server-only inputs. In server mode an authentication record alone names a
 * record stored on the server; with "create auth record" it names the record of the credentials
 * file the server stores as the pipeline's own. The CLI judges the combination.
 */
function serverArguments(inputs: ComplianceTaskInputs, serverUrl: string): string[] {
  const args = ['--server', serverUrl];
  if (present(inputs.scanner)) args.push('--scanner', inputs.scanner.trim());
  if (present(inputs.optionProfile)) args.push('--option-profile', inputs.optionProfile.trim());
  if (present(inputs.cloudConnector)) args.push('--cloud-connector', inputs.cloudConnector.trim());
  if (present(inputs.pollingFrequency)) args.push('--poll', inputs.pollingFrequency.trim());
  if (inputs.createAuthRecord) args.push('--create-auth-record', 'unix');
  if (present(inputs.credentialsFile)) args.push('--credentials', inputs.credentialsFile.trim());
  if (present(inputs.authenticationRecord)) args.push('--auth', inputs.authenticationRecord.trim());
  return args;
}

function standaloneCredentials(inputs: ComplianceTaskInputs): string[] {
  if (present(inputs.credentialsFile) !== present(inputs.authenticationRecord)) {
    throw new TaskInputError('credentialsFile and authenticationRecord go together: the secure file of records and the name of the record to use');
  }
  return present(inputs.credentialsFile) && present(inputs.authenticationRecord) ? ['--credentials', inputs.credentialsFile.trim(), '--auth', inputs.authenticationRecord.trim()] : [];
}

export function complianceScanArguments(inputs: ComplianceTaskInputs, files: ReportFiles, serverUrl?: string): string[] {
  const args = ['compliance', 'scan', complianceTarget(inputs.target), '--quiet', ...reportArguments(files)];
  args.push(...(serverUrl === undefined ? standaloneCredentials(inputs) : serverArguments(inputs, serverUrl)));
  if (present(inputs.sshHostKey)) args.push('--ssh-host-key', inputs.sshHostKey.trim());
  for (const policy of lineItems(inputs.policies)) args.push('--policy', policy);
  if (inputs.failByStateAndCriticality) {
    const states = checked(STATE_INPUTS, inputs.states);
    const criticalities = checked(CRITICALITY_INPUTS, inputs.criticalities);
    if (states.length === 0) throw new TaskInputError('fail by state and criticality is on but no state is checked (Fail, Error, Exception)');
    if (criticalities.length === 0) throw new TaskInputError('fail by state and criticality is on but no criticality is checked (Minimal, Medium, Serious, Critical, Urgent)');
    args.push('--fail-on-state', states.join(','), '--fail-on-criticality', criticalities.join(','));
  } else {
    // Control states never fail the build; only an authentication failure or missing data can.
    args.push('--fail-on-state', '');
  }
  if (inputs.failOnAuthFailure) args.push('--fail-on-auth-failure');
  if (inputs.failOnNoData) args.push('--fail-on-no-data');
  const cids = listItems(inputs.excludeCids);
  if (cids.length > 0) args.push('--exclude-cid', cids.join(','));
  if (present(inputs.timeout)) args.push('--timeout', inputs.timeout.trim());
  if (present(inputs.exceptionsFile)) args.push('--exceptions', inputs.exceptionsFile.trim());
  if (present(inputs.scanName)) args.push('--scan-name', inputs.scanName.trim());
  return args;
}
