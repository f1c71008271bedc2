/**
 * `tollgate compliance scan [target]`: evaluate a target against policies with the compliance job
 * (src/jobs/compliance-job.ts), write the reports, print the gate's verdict and return the exit
 * code. `tollgate compliance policies`: the built-in policies. Thin: no scanning logic here.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { UnixRecordInput } from '../../connector/compliance-via-server.js';
import { Option, type Command } from 'commander';
import { ExitCode, ScanError, UsageError } from '../../errors.js';
import { CRITICALITIES, type Criticality } from '../../model/control.js';
import { DEFAULT_SCAN_NAME, expandScanName } from '../../compliance/scan-name.js';
import { targetKindsHelp } from '../../compliance/targets/list.js';
import { DEFAULT_COMPLIANCE_GATE } from '../../gate/compliance-gate.js';
import type { ComplianceJobResult } from '../../jobs/compliance-job.js';
import { FAILING_STATES, type ComplianceGateConfig, type FailingState } from '../../model/compliance-verdict.js';
import { RENDERERS } from '../../report/list.js';
import { publishCiOutput } from '../ci-outputs.js';
import { evaluateDurationExpression, timerMilliseconds } from '../duration-expression.js';
import { addImageOpenOptions, imageOpenOptionsOf, type ImageOpenFlags } from '../image-open-options.js';
import { createProgress } from '../progress.js';
import { printLine, printList, printNotice, printWarning } from '../messages.js';
import { quietOption } from '../options.js';
import { addRendererOptions, collectFormats, reportTargets, writeReports } from '../report-outputs.js';
import { writeOutputFile } from '../output-file.js';
import type { Policy } from '../../compliance/policy/policy-types.js';
import type { ScapOutputKind } from '../../compliance/policy/scap/outputs.js';
import { TOOL_VERSION } from '../../version.js';
import { addComplianceServerOptions, complianceServerModeOf, type ComplianceServerFlags, type ComplianceServerMode } from '../server-mode-options.js';

interface ComplianceScanFlags extends ImageOpenFlags, ComplianceServerFlags {
  policy?: string[];
  credentials?: string;
  auth?: string;
  sshHostKey?: string;
  knownHosts?: string[];
  connectTimeout: string;
  commandTimeout: string;
  timeout?: string;
  exceptions?: string;
  failOnState?: FailingState[];
  failOnCriticality?: Criticality[];
  failOnAuthFailure?: boolean;
  failOnNoData?: boolean;
  excludeCid?: string[];
  scanName: string;
  format?: string[];
  output?: string;
  summaryOutput?: string;
  quiet?: boolean;
  tailoring?: string;
  scapCriticality?: string;
  xccdfResults?: string;
  arf?: string;
  remediation?: string[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

function listOf<T extends string>(allowed: readonly T[], flag: string): (value: string, previous?: T[]) => T[] {
  return (value, previous = []) => {
    const items = value.split(',').map((part) => part.trim().toUpperCase()).filter(Boolean);
    for (const item of items) if (!allowed.includes(item as T)) throw new UsageError(`${flag}: "${item}" is not one of ${allowed.join(', ')}`);
    return [...previous, ...(items as T[])];
  };
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag}: "${text}" is not a positive number of seconds`);
  return value;
}

export function registerComplianceCommand(program: Command): void {
  const compliance = program.command('compliance').description('policy compliance scanning of hosts, root filesystems and images');
  const scan = addImageOpenOptions(compliance
    .command('scan')
    .description('scan a target against policies and apply the compliance gate')
    .argument('[target]', targetKindsHelp(), 'local')
    .addOption(new Option('-p, --policy <id|file>', 'a built-in policy id or a policy file, repeatable (default: every built-in policy)').argParser(collect))
    .addOption(new Option('--credentials <file>', 'credentials file of authentication records').env('TOLLGATE_CREDENTIALS'))
    .addOption(new Option('--auth <record>', 'the authentication record to use for the target').env('TOLLGATE_AUTH'))
    .addOption(new Option('--ssh-host-key <SHA256:...>', 'accept only this host key fingerprint (instead of known_hosts)'))
    .addOption(new Option('--known-hosts <file>', 'known_hosts file, repeatable (default: ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts)').argParser(collect))
    .addOption(new Option('--connect-timeout <seconds>', 'time allowed to connect and authenticate').default('20'))
    .addOption(new Option('--command-timeout <seconds>', 'time allowed to each command a check runs').default('30')))
    .addOption(new Option('--timeout <minutes>', 'time allowed to the whole scan, in minutes or an expression such as 2*60').env('TOLLGATE_TIMEOUT'))
    .addOption(new Option('--exceptions <file>', 'exceptions file: accepted deviations with reason, approver and expiry').env('TOLLGATE_EXCEPTIONS'))
    .addOption(new Option('--fail-on-state <states>', `control states that fail the build (${FAILING_STATES.join(', ')}; default FAIL)`).argParser(listOf(FAILING_STATES, '--fail-on-state')))
    .addOption(new Option('--fail-on-criticality <levels>', `criticalities that fail the build (${CRITICALITIES.join(', ')}; default all)`).argParser(listOf(CRITICALITIES, '--fail-on-criticality')))
    .addOption(new Option('--fail-on-auth-failure', 'fail the build when authentication to the target fails (default: pass with a warning and no report)'))
    .addOption(new Option('--fail-on-no-data', 'fail the build when a policy has no data on the target (its technology is absent)'))
    .addOption(new Option('--exclude-cid <cids>', 'control ids left out of the gate (exact match), repeatable or comma-separated').argParser(collect))
    .addOption(new Option('--scan-name <template>', 'scan name; [job_name], [build_number] and [timestamp] are filled from the CI').default(DEFAULT_SCAN_NAME).env('TOLLGATE_SCAN_NAME'))
    .addOption(new Option('-f, --format <format[=file]>', `report format, repeatable, each with its own file (${RENDERERS.filter((r) => r.kinds.includes('compliance')).map((r) => r.id).join(', ')})`).argParser(collectFormats))
    .addOption(new Option('-o, --output <file>', 'write the report that has no file of its own here instead of stdout').env('TOLLGATE_OUTPUT'))
    .addOption(new Option('--summary-output <file>', 'write the verdict (JSON) to this file').env('TOLLGATE_SUMMARY_OUTPUT'))
    .addOption(new Option('--tailoring <file>', 'XCCDF tailoring file applied to the scap: policy'))
    .addOption(new Option('--scap-criticality <map>', 'XCCDF severity to criticality, e.g. high=URGENT,low=MINIMAL (default in docs/scap.md)'))
    .addOption(new Option('--xccdf-results <file>', 'write the scap: policy\'s XCCDF 1.2 results (benchmark with TestResult) here'))
    .addOption(new Option('--arf <file>', 'write the scap: policy\'s results as ARF 1.1 here'))
    .addOption(new Option('--remediation <kind=file>', 'write the fixes of the failed SCAP rules (bash or ansible) to a file, never run; repeatable').argParser(collect))
    .addOption(quietOption());
  addComplianceServerOptions(scan);
  addRendererOptions(scan, 'compliance').action(async (target: string, flags: ComplianceScanFlags) => {
    process.exitCode = await runComplianceScan(target, flags);
  });
  compliance
    .command('policies')
    .description('list the built-in policies and the SCAP data streams installed (use as scap:<file>#<profile>)')
    .action(async () => {
      const { builtinPolicies } = await import('../../compliance/policy/load-policy.js');
      for (const policy of builtinPolicies()) printLine(`${policy.id.padEnd(24)} ${String(policy.controls.length).padStart(3)} controls  ${policy.title} (v${policy.version})`, process.stdout);
      const { installedScapContent } = await import('../../compliance/policy/scap/installed-content.js');
      const { shortXccdfId } = await import('../../compliance/policy/scap/index.js');
      for (const content of installedScapContent()) {
        printLine(`scap:${content.file}`, process.stdout);
        for (const profile of content.profiles) printLine(`  #${shortXccdfId(profile.id).padEnd(28)} ${profile.title}`, process.stdout);
      }
    });
}

async function runComplianceScan(targetSpec: string, flags: ComplianceScanFlags): Promise<number> {
  // Every usage error is found before the target is touched.
  const targets = reportTargets(flags.format, flags.output, 'compliance');
  const gate: ComplianceGateConfig = {
    failOnStates: flags.failOnState ?? DEFAULT_COMPLIANCE_GATE.failOnStates,
    failOnCriticalities: flags.failOnCriticality ?? DEFAULT_COMPLIANCE_GATE.failOnCriticalities,
    failOnAuthFailure: Boolean(flags.failOnAuthFailure),
    failOnNoData: Boolean(flags.failOnNoData),
    excludeCids: flags.excludeCid ?? [],
  };
  const timeoutMs = flags.timeout ? timerMilliseconds(evaluateDurationExpression(flags.timeout, '--timeout'), 60_000, '--timeout', 'minutes') : undefined;
  const connectTimeoutMs = timerMilliseconds(seconds(flags.connectTimeout, '--connect-timeout'), 1000, '--connect-timeout', 'seconds');
  const commandTimeoutMs = timerMilliseconds(seconds(flags.commandTimeout, '--command-timeout'), 1000, '--command-timeout', 'seconds');
  const { resolvePolicies, builtinPolicies } = await import('../../compliance/policy/load-policy.js');
  const criticalities = flags.scapCriticality ? (await import('../../compliance/scap/xccdf/result-mapping.js')).parseCriticalityOverrides(flags.scapCriticality, '--scap-criticality') : undefined;
  const policies = flags.policy && flags.policy.length > 0 ? resolvePolicies(flags.policy, { ...(flags.tailoring ? { tailoring: flags.tailoring } : {}), ...(criticalities ? { criticalities } : {}) }) : builtinPolicies();
  const scapOutputs = await scapOutputsOf(flags, policies);
  const exceptions = flags.exceptions ? (await import('../../config/exceptions.js')).loadExceptions(flags.exceptions) : [];
  if (!flags.server && Boolean(flags.credentials) !== Boolean(flags.auth)) throw new UsageError('--credentials and --auth go together: the file of records and the name of the one to use');
  const record = !flags.server && flags.credentials && flags.auth ? (await import('../../config/credentials.js')).loadAuthenticationRecord(flags.credentials, flags.auth) : undefined;
  const scanName = expandScanName(flags.scanName, new Date());
  const serverMode = complianceServerModeOf(flags);
  if (serverMode) return finishComplianceScan(await scanOnServer(targetSpec, flags, serverMode, { gate, policies, scanName }), flags, targets, scapOutputs);
  const progress = createProgress({ quiet: flags.quiet });

  const { runComplianceJob, ComplianceTimeoutError } = await import('../../jobs/compliance-job.js');
  let job: ComplianceJobResult;
  try {
    job = await runComplianceJob(targetSpec, policies, {
      gate,
      ...(record ? { record } : {}),
      ...(flags.sshHostKey ? { sshHostKey: flags.sshHostKey } : {}),
      ...(flags.knownHosts ? { knownHostsFiles: flags.knownHosts } : {}),
      connectTimeoutMs,
      image: imageOpenOptionsOf(flags),
      commandTimeoutMs,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      exceptions,
      scanName,
      onProgress: (event) => progress.update(event.phase === 'connecting' ? `connecting to ${event.target}` : `${event.target}: ${event.policy}, control ${event.done} of ${event.total}`),
    });
  } catch (error) {
    // The job knows the limit in milliseconds; the user wrote it as --timeout, in minutes.
    if (error instanceof ComplianceTimeoutError) throw new ScanError(`the scan did not finish within ${flags.timeout} minutes (--timeout)`, { cause: error });
    throw error;
  } finally {
    progress.done();
  }
  return finishComplianceScan(job, flags, targets, scapOutputs);
}

/** Reports, SCAP outputs, verdict file, CI output and exit code: the same wherever the scan ran. */
async function finishComplianceScan(job: ComplianceJobResult, flags: ComplianceScanFlags, targets: ReturnType<typeof reportTargets>, scapOutputs: Awaited<ReturnType<typeof scapOutputsOf>>): Promise<number> {
  const { result, verdict } = job;
  const authFailedAndPassing = result.authentication.status === 'failed' && verdict.passed;
  if (authFailedAndPassing) {
    // As the connectors do: loud, and no report, because nothing was scanned.
    printNotice(`WARNING: ${verdict.warnings.join('; ')}`);
    return ExitCode.Passed;
  }
  const toTerminal = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  await writeReports(targets, (renderer, renderOptions) => renderer.renderCompliance?.({ result, verdict }, renderOptions), { color: toTerminal, width: process.stdout.columns, flags });
  for (const output of scapOutputs.files) await writeOutputFile(output.file, scapOutputs.render(output.kind, result.target.name), output.flag);
  const verdictJson = `${JSON.stringify(verdict, null, 2)}\n`;
  if (flags.summaryOutput) await writeOutputFile(flags.summaryOutput, verdictJson, '--summary-output');
  await publishCiOutput(verdictJson);
  if (!flags.quiet) {
    for (const warning of verdict.warnings) printWarning(warning);
    if (!verdict.passed) printList('compliance gate failed', verdict.reasons);
  }
  return verdict.passed ? ExitCode.Passed : ExitCode.GateFailed;
}

/**
 * `--server`: a scanner worker near the host scans it (src/connector/compliance-via-server.ts); the
 * result is judged here by the compliance gate, as a standalone scan's is.
 */
async function scanOnServer(targetSpec: string, flags: ComplianceScanFlags, mode: ComplianceServerMode, settings: { gate: ComplianceGateConfig; policies: readonly Policy[]; scanName: string }): Promise<ComplianceJobResult> {
  const refused: [string, unknown][] = [['--exceptions', flags.exceptions], ['--ssh-host-key', flags.sshHostKey], ['--known-hosts', flags.knownHosts], ['--tailoring', flags.tailoring], ['--xccdf-results', flags.xccdfResults], ['--arf', flags.arf], ['--remediation', flags.remediation]];
  for (const [flag, given] of refused) if (given !== undefined) throw new UsageError(`${flag} is not available with --server (the worker scans; host keys are the worker's --known-hosts)`);
  if (!flags.policy || flags.policy.length === 0) throw new UsageError('--server needs the policies named with --policy (built-in ids or policy files)');
  const { connectPlatform } = await import('../../connector/platform-client.js');
  const { parseComplianceTarget, runComplianceOnServer } = await import('../../connector/compliance-via-server.js');
  const { ciJobName } = await import('../../compliance/scan-name.js');
  const target = parseComplianceTarget(targetSpec);
  const policies = flags.policy.map((spec, index) => {
    if (spec.startsWith('scap:')) throw new UsageError(`--policy ${spec}: SCAP content is not available with --server; use native policies`);
    const id = settings.policies[index]?.id ?? spec;
    return existsSync(spec) ? { name: id, yaml: readFileSync(spec, 'utf8') } : { name: id };
  });
  let auth: { record: string } | { create: UnixRecordInput };
  if (flags.createAuthRecord) {
    if (!flags.credentials || !flags.auth) throw new UsageError('--create-auth-record unix needs --credentials <file> and --auth <the record in it>');
    auth = { create: (await import('../../config/credentials.js')).loadAuthenticationRecord(flags.credentials, flags.auth) };
  } else {
    if (flags.credentials) throw new UsageError('with --server, --credentials goes with --create-auth-record unix (otherwise --auth names a record on the server)');
    if (!flags.auth) throw new UsageError('--server needs an authentication record: --auth <name on the server>, or --create-auth-record unix --credentials <file> --auth <record>');
    auth = { record: flags.auth };
  }
  const log = (line: string): void => {
    if (!flags.quiet) printNotice(line);
  };
  const client = await connectPlatform(mode.server, mode.token);
  try {
    const outcome = await runComplianceOnServer(client, {
      target,
      jobName: ciJobName(),
      scanName: settings.scanName,
      scanner: flags.scanner,
      ...(flags.optionProfile ? { optionProfile: flags.optionProfile } : {}),
      ...(flags.cloudConnector ? { cloudConnector: flags.cloudConnector } : {}),
      policies,
      auth,
      pollIntervalMs: mode.pollIntervalMs,
      timeoutMs: mode.timeoutMs,
      log,
    });
    if (outcome.kind === 'timeout') throw new ScanError(`compliance scan ${outcome.scanId} did not finish within ${mode.timeoutText} minutes (--timeout; last state ${outcome.state}); it was canceled`);
    const { evaluateComplianceGate } = await import('../../gate/compliance-gate.js');
    return { result: outcome.result, verdict: evaluateComplianceGate(outcome.result, settings.gate) };
  } finally {
    await client.close();
  }
}

/** The SCAP documents asked for (--xccdf-results, --arf, --remediation), checked before the scan. */
async function scapOutputsOf(flags: ComplianceScanFlags, policies: readonly Policy[]): Promise<{ files: { kind: ScapOutputKind; file: string; flag: string }[]; render: (kind: ScapOutputKind, target: string) => string }> {
  const files: { kind: ScapOutputKind; file: string; flag: string }[] = [];
  if (flags.xccdfResults) files.push({ kind: 'xccdf-results', file: flags.xccdfResults, flag: '--xccdf-results' });
  if (flags.arf) files.push({ kind: 'arf', file: flags.arf, flag: '--arf' });
  const outputs = await import('../../compliance/policy/scap/outputs.js');
  for (const spec of flags.remediation ?? []) {
    const [kind = '', file] = spec.split(/=(.*)/s);
    if (!file) throw new UsageError(`--remediation ${spec}: write <bash|ansible>=<file>`);
    files.push({ kind: outputs.parseRemediationKind(kind, '--remediation'), file, flag: '--remediation' });
  }
  for (const output of files) outputs.checkScapOutput(policies, output.flag);
  return { files, render: (kind, target) => outputs.scapOutput(policies, kind, { target, testSystem: `tollgate ${TOOL_VERSION}` }) };
}
