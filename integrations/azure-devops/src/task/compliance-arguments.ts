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

export function complianceScanArguments(inputs: ComplianceTaskInputs, files: ReportFiles): string[] {
  const args = ['compliance', 'scan', complianceTarget(inputs.target), '--quiet', ...reportArguments(files)];
  if (present(inputs.credentialsFile) !== present(inputs.authenticationRecord)) {
    throw new TaskInputError('credentialsFile and authenticationRecord go together: the secure file of records and the name of the record to use');
  }
  if (present(inputs.credentialsFile) && present(inputs.authenticationRecord)) args.push('--credentials', inputs.credentialsFile.trim(), '--auth', inputs.authenticationRecord.trim());
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
