/**
 * A scan as the parameters of the Azure DevOps tasks and the Jenkins steps, which take the
 * commercial connectors' parameter names (integrations/azure-devops/tasks/*\/task.json,
 * integrations/jenkins/vars/*.groovy) rather than the CLI's flags. Every flag of the scan is either
 * translated into those parameters with the same meaning or refused with a usage error naming it:
 * a step that silently dropped `--fail-on` would pass builds the command line fails.
 */
import { UsageError } from '../../errors.js';
import { CRITICALITIES } from '../../model/control.js';
import { FAILING_STATES } from '../../model/compliance-verdict.js';
import { parseSeverity, type Severity } from '../../model/severity.js';
import type { GivenFlag, ScanInvocation } from './pipeline-scan.js';

export type ParameterValue = boolean | string | readonly string[];
export type StepParameters = [string, ParameterValue][];

/** Reads the flags of one scan, remembering which were used, so that none is left behind unseen. */
class FlagReader {
  readonly #flags: Map<string, GivenFlag>;
  readonly #used = new Set<string>();

  constructor(scan: ScanInvocation, readonly step: string) {
    this.#flags = new Map(scan.flags.map((flag) => [flag.flag, flag]));
  }

  /** Every value given to `flag`, each comma-separated list split when `split` says so. */
  values(flag: string, split = false): string[] {
    this.#used.add(flag);
    const values = this.#flags.get(flag)?.values ?? [];
    return split ? values.flatMap((value) => value.split(',').map((part) => part.trim()).filter(Boolean)) : [...values];
  }

  /** The value of a flag given once (the last one, as the CLI reads it). */
  last(flag: string): string | undefined {
    return this.values(flag).at(-1);
  }

  has(flag: string): boolean {
    this.#used.add(flag);
    return this.#flags.has(flag);
  }

  /** Refuses what no parameter carries. */
  finish(): void {
    const left = [...this.#flags.keys()].filter((flag) => !this.#used.has(flag));
    if (left.length > 0) throw new UsageError(`${left.join(', ')}: ${this.step} has no parameter for ${left.length === 1 ? 'this flag' : 'these flags'}; run the CLI in a script step instead (pipeline snippet --ci github or gitlab show the flags as they are)`);
  }
}

const SEVERITY_LEVEL: Record<Exclude<Severity, 'UNKNOWN'>, number> = { NEGLIGIBLE: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 };

/** `--fail-on` and `--fail-severity` as a limit per connector level (5 = CRITICAL ... 1 = NEGLIGIBLE). */
function severityLimits(reader: FlagReader): Map<number, number> {
  const limits = new Map<number, number>();
  const limit = (severity: Severity | undefined, count: number, text: string): void => {
    if (!severity || severity === 'UNKNOWN') throw new UsageError(`${reader.step} has no limit for "${text}" (levels 5..1, CRITICAL to NEGLIGIBLE)`);
    const level = SEVERITY_LEVEL[severity];
    limits.set(level, Math.min(limits.get(level) ?? count, count));
  };
  const failOn = reader.last('--fail-on');
  if (failOn !== undefined) {
    const floor = parseSeverity(failOn);
    if (!floor || floor === 'UNKNOWN') throw new UsageError(`--fail-on ${failOn}: ${reader.step} fails by levels 5..1 (CRITICAL to NEGLIGIBLE)`);
    for (const [severity, level] of Object.entries(SEVERITY_LEVEL)) if (level >= SEVERITY_LEVEL[floor]) limit(severity as Severity, 0, failOn);
  }
  for (const entry of reader.values('--fail-severity', true)) {
    const [level = '', count = ''] = entry.split('=');
    limit(parseSeverity(level), Number(count), entry);
  }
  return limits;
}

/** The states and criticalities that fail the build, as the CLI decides them by default. */
function complianceConditions(reader: FlagReader): { states: readonly string[]; criticalities: readonly string[] } {
  return { states: reader.values('--fail-on-state', true).map((state) => state.toUpperCase()), criticalities: reader.values('--fail-on-criticality', true).map((level) => level.toUpperCase()) };
}

function stateAndCriticality(reader: FlagReader, stateNames: Record<string, string>): StepParameters {
  const { states, criticalities } = complianceConditions(reader);
  // The CLI fails on FAIL at every criticality unless told otherwise; the steps fail on nothing unless asked.
  const failing = states.length > 0 ? states : ['FAIL'];
  const levels = criticalities.length > 0 ? criticalities : CRITICALITIES;
  return [['failByStateAndCriticality', true], ...FAILING_STATES.map((state): [string, boolean] => [stateNames[state] ?? state, failing.includes(state)]), ...CRITICALITIES.map((level): [string, boolean] => [`criticality${level.slice(0, 1)}${level.slice(1).toLowerCase()}`, levels.includes(level)])];
}

function optional(name: string, value: string | undefined): StepParameters {
  return value === undefined ? [] : [[name, value]];
}

function switchParameter(reader: FlagReader, flag: string, name: string): StepParameters {
  return reader.has(flag) ? [[name, true]] : [];
}

function list(reader: FlagReader, flag: string, name: string, split = false): StepParameters {
  const values = reader.values(flag, split);
  return values.length > 0 ? [[name, values]] : [];
}

/** The service connection an Azure DevOps snippet names: a "Tollgate server" connection holding the URL and the token. */
export const AZURE_SERVICE_CONNECTION = 'tollgate-server';
/** The Jenkins credential a snippet names for the token: a "Secret text" credential (the steps' serverCredentialsId). */
export const JENKINS_TOKEN_CREDENTIAL = 'tollgate-token';
/** The Jenkins credential a snippet names for --credentials: a "Secret file" credential of records (tollgateComplianceScan's credentialsId). */
export const JENKINS_RECORDS_CREDENTIAL = 'tollgate-auth-records';

/** Jenkins: the server and the credential its token comes from (bound to TOLLGATE_TOKEN by the step). */
function jenkinsServer(reader: FlagReader): StepParameters {
  const server = reader.last('--server');
  return server === undefined ? [] : [['serverUrl', server], ['serverCredentialsId', JENKINS_TOKEN_CREDENTIAL]];
}

export function jenkinsImageParameters(scan: ScanInvocation): StepParameters {
  const reader = new FlagReader(scan, 'tollgateImageScan');
  const parameters: StepParameters = [['imageIds', scan.subjects], ...jenkinsServer(reader), ...switchParameter(reader, '--via-sensor', 'viaSensor'), ...optional('poll', reader.last('--poll')), ...optional('timeout', reader.last('--timeout'))];
  parameters.push(...optional('dockerUrl', reader.last('--docker-host')), ...optional('dockerCert', reader.last('--docker-cert-path')), ...switchParameter(reader, '--registry-insecure', 'registryInsecure'), ...optional('vulnsTimeout', reader.last('--max-scan-time')));
  const limits = severityLimits(reader);
  if (limits.size > 0) {
    parameters.push(['isFailOnSevereVulns', true]);
    for (const level of [5, 4, 3, 2, 1]) if (limits.has(level)) parameters.push([`isSev${level}Vulns`, true], [`severity${level}Limit`, String(limits.get(level))]);
  }
  const ids = reader.values('--fail-id', true);
  if (ids.length > 0) parameters.push(['isFailOnCVEs', true], ['cveList', ids]);
  const software = reader.values('--fail-software');
  if (software.length > 0) parameters.push(['isFailOnSoftware', true], ['softwareList', software]);
  const cvss = reader.values('--fail-cvss', true);
  if (cvss.length > 1) throw new UsageError('--fail-cvss: tollgateImageScan takes one version:score (cvssVersion, cvssThreshold)');
  if (cvss[0] !== undefined) {
    const [version = '', threshold = ''] = cvss[0].split(':');
    parameters.push(['failByCvss', true], ['cvssVersion', version], ['cvssThreshold', threshold]);
  }
  const excludedIds = reader.values('--exclude-id', true);
  const excludedPackages = reader.values('--exclude-package');
  if (excludedIds.length > 0 && excludedPackages.length > 0) throw new UsageError('--exclude-id and --exclude-package: tollgateImageScan excludes by one of them (excludeBy cve or package)');
  if (excludedIds.length > 0) parameters.push(['isExcludeConditions', true], ['excludeBy', 'cve'], ['excludeList', excludedIds]);
  if (excludedPackages.length > 0) parameters.push(['isExcludeConditions', true], ['excludeBy', 'package'], ['excludeList', excludedPackages]);
  parameters.push(...switchParameter(reader, '--fixable-only', 'fixableOnly'), ...optional('gateFile', reader.last('--gate')), ...optional('webhookUrl', reader.last('--webhook')), ...optional('db', reader.last('--db')), ...switchParameter(reader, '--skip-db-update', 'skipDbUpdate'));
  reader.finish();
  return parameters;
}

export function jenkinsComplianceParameters(scan: ScanInvocation): StepParameters {
  const reader = new FlagReader(scan, 'tollgateComplianceScan');
  const parameters: StepParameters = [['target', scan.subjects[0] ?? 'local'], ...jenkinsServer(reader), ...optional('scanner', reader.last('--scanner')), ...optional('optionProfile', reader.last('--option-profile')), ...optional('cloudConnector', reader.last('--cloud-connector')), ...optional('pollingInterval', reader.last('--poll')), ...switchParameter(reader, '--create-auth-record', 'createAuthRecord'), ...list(reader, '--policy', 'policies', true)];
  // The records file is a Jenkins credential, not a path: the step binds it to TOLLGATE_CREDENTIALS.
  if (reader.last('--credentials') !== undefined) parameters.push(['credentialsId', JENKINS_RECORDS_CREDENTIAL]);
  parameters.push(...optional('authRecord', reader.last('--auth')), ...optional('hostKey', reader.last('--ssh-host-key')), ...optional('exceptionsFile', reader.last('--exceptions')), ...optional('vulnsTimeout', reader.last('--timeout')), ...optional('scanName', reader.last('--scan-name')));
  parameters.push(...stateAndCriticality(reader, { FAIL: 'stateFail', ERROR: 'stateError', EXCEPTION: 'stateExceptions' }));
  parameters.push(...switchParameter(reader, '--fail-on-auth-failure', 'failByAuth'), ...list(reader, '--exclude-cid', 'excludedCids', true));
  reader.finish();
  return parameters;
}

/** Azure DevOps: standalone, or server mode through the service connection that holds the URL and the token. */
function azureMode(reader: FlagReader): StepParameters {
  return reader.last('--server') === undefined ? [['mode', 'standalone']] : [['mode', 'server'], ['tollgateServer', AZURE_SERVICE_CONNECTION]];
}

export function azureImageParameters(scan: ScanInvocation): StepParameters {
  const reader = new FlagReader(scan, 'TollgateImageScan');
  const lines = (flag: string, name: string, split = false): StepParameters => {
    const values = reader.values(flag, split);
    return values.length > 0 ? [[name, values.join('\n')]] : [];
  };
  const parameters: StepParameters = [...azureMode(reader), ...switchParameter(reader, '--via-sensor', 'viaSensor'), ...optional('dataCollectionFrequency', reader.last('--poll')), ...optional('resultTimeout', reader.last('--timeout')), ['images', scan.subjects.join('\n')]];
  parameters.push(
    ...optional('failOnSeverity', reader.last('--fail-on') === undefined ? undefined : parseSeverity(reader.last('--fail-on') ?? '')),
    ...(reader.values('--fail-severity').length > 0 ? ([['severityLimits', reader.values('--fail-severity', true).join(',')]] as StepParameters) : []),
    ...lines('--fail-id', 'failOnIds', true),
    ...(reader.values('--fail-cvss').length > 0 ? ([['failOnCvss', reader.values('--fail-cvss', true).join(',')]] as StepParameters) : []),
    ...lines('--fail-software', 'failOnSoftware'),
    ...switchParameter(reader, '--fixable-only', 'fixableOnly'),
    ...optional('gateFile', reader.last('--gate')),
    ...lines('--exclude-id', 'excludeIds', true),
    ...lines('--exclude-package', 'excludePackages'),
    ...lines('--exclude-path', 'excludePaths'),
    ...optional('ignoreFile', reader.last('--ignore-file')),
    ...lines('--vex', 'vexFiles'),
    ...switchParameter(reader, '--ignore-unfixed', 'ignoreUnfixed'),
    ...optional('scanTimeout', reader.last('--max-scan-time')),
    ...optional('platform', reader.last('--platform')),
    ...optional('databasePath', reader.last('--db')),
    ...switchParameter(reader, '--skip-db-update', 'skipDatabaseUpdate'),
    ...optional('dockerUrl', reader.last('--docker-host')),
    ...optional('dockerCertPath', reader.last('--docker-cert-path')),
  );
  reader.finish();
  return parameters;
}

export function azureComplianceParameters(scan: ScanInvocation): StepParameters {
  const reader = new FlagReader(scan, 'TollgateComplianceScan');
  const policies = reader.values('--policy', true);
  const cids = reader.values('--exclude-cid', true);
  const parameters: StepParameters = [...azureMode(reader), ...optional('scanner', reader.last('--scanner')), ...optional('optionProfile', reader.last('--option-profile')), ...optional('cloudConnector', reader.last('--cloud-connector')), ...optional('pollingFrequency', reader.last('--poll')), ...switchParameter(reader, '--create-auth-record', 'createAuthRecord'), ['target', scan.subjects[0] ?? 'local']];
  parameters.push(...optional('credentialsFile', reader.last('--credentials')), ...optional('authenticationRecord', reader.last('--auth')), ...optional('sshHostKey', reader.last('--ssh-host-key')), ...(policies.length > 0 ? ([['policies', policies.join('\n')]] as StepParameters) : []));
  parameters.push(...stateAndCriticality(reader, { FAIL: 'stateFail', ERROR: 'stateError', EXCEPTION: 'stateException' }));
  parameters.push(...switchParameter(reader, '--fail-on-auth-failure', 'failOnAuthFailure'), ...switchParameter(reader, '--fail-on-no-data', 'failOnNoData'), ...(cids.length > 0 ? ([['excludeCids', cids.join('\n')]] as StepParameters) : []), ...optional('timeout', reader.last('--timeout')), ...optional('exceptionsFile', reader.last('--exceptions')), ...optional('scanName', reader.last('--scan-name')));
  reader.finish();
  return parameters;
}
