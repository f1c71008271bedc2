import { describe, expect, it } from 'vitest';
import { complianceScanArguments, complianceTarget, type ComplianceTaskInputs } from './compliance-arguments.js';
import { TaskInputError } from './connection.js';
import { reportFilesFor } from './report-files.js';

const files = reportFilesFor('/t', 'x');
const all = { criticalityMinimal: true, criticalityMedium: true, criticalitySerious: true, criticalityCritical: true, criticalityUrgent: true };
const base: ComplianceTaskInputs = { target: 'dir:/rootfs', failByStateAndCriticality: true, states: { stateFail: true }, criticalities: all };
const gateArgs = (args: string[]) => args.slice(args.indexOf('--summary-output') + 2);

describe('compliance targets', () => {
  it('makes a bare host name or address an SSH target and passes the CLI forms through', () => {
    expect(complianceTarget('db01.example.com')).toBe('ssh://db01.example.com');
    expect(complianceTarget('10.0.0.5:2222')).toBe('ssh://10.0.0.5:2222');
    expect(complianceTarget('[::1]')).toBe('ssh://[::1]');
    for (const target of ['env.TARGET_HOST', 'ec2:i-0abc', 'ssh://ops@host', 'dir:/x', 'image:app:1', 'local']) expect(complianceTarget(target)).toBe(target);
  });

  it('refuses what is neither', () => {
    expect(() => complianceTarget('host; rm -rf /')).toThrow(TaskInputError);
    expect(() => complianceTarget('  ')).toThrow(/no target/);
  });
});

describe('pass/fail criteria as CLI arguments', () => {
  it('turns the checked states and criticalities into the two gate lists', () => {
    const args = complianceScanArguments({ ...base, states: { stateFail: true, stateError: true }, criticalities: { criticalitySerious: true, criticalityUrgent: true } }, files);
    expect(gateArgs(args)).toEqual(['--fail-on-state', 'FAIL,ERROR', '--fail-on-criticality', 'SERIOUS,URGENT']);
  });

  it('with fail by state and criticality off, no control state fails the build', () => {
    expect(gateArgs(complianceScanArguments({ ...base, failByStateAndCriticality: false, failOnAuthFailure: true }, files))).toEqual(['--fail-on-state', '', '--fail-on-auth-failure']);
  });

  it('refuses fail by state and criticality with nothing checked', () => {
    expect(() => complianceScanArguments({ ...base, states: {} }, files)).toThrow(/no state is checked/);
    expect(() => complianceScanArguments({ ...base, criticalities: { criticalityUrgent: false } }, files)).toThrow(/no criticality is checked/);
  });

  it('passes credentials, policies, exclusions and the timeout expression', () => {
    const args = complianceScanArguments({ ...base, credentialsFile: '/s/creds.yaml', authenticationRecord: 'ops', policies: 'ssh-server\npolicies/own.yaml', excludeCids: '1001, 1002\n1001', timeout: '2*60', failOnNoData: true, scanName: '[job_name]-[build_number]' }, files);
    expect(args).toEqual(expect.arrayContaining(['--credentials', '/s/creds.yaml', '--auth', 'ops']));
    expect(gateArgs(args)).toEqual(['--credentials', '/s/creds.yaml', '--auth', 'ops', '--policy', 'ssh-server', '--policy', 'policies/own.yaml', '--fail-on-state', 'FAIL', '--fail-on-criticality', 'MINIMAL,MEDIUM,SERIOUS,CRITICAL,URGENT', '--fail-on-no-data', '--exclude-cid', '1001,1002', '--timeout', '2*60', '--scan-name', '[job_name]-[build_number]']);
  });

  it('server mode: the URL, scanner, option profile, polling and the auth record to create; a record alone names one on the server', () => {
    const server = { ...base, target: '10.0.0.5', scanner: 'External', optionProfile: 'quick', pollingFrequency: '0.5', timeout: '2*60' };
    const created = complianceScanArguments({ ...server, createAuthRecord: true, credentialsFile: '/s/creds.yaml', authenticationRecord: 'deploy' }, files, 'https://tollgate.example.com');
    expect(created.slice(0, 3)).toEqual(['compliance', 'scan', 'ssh://10.0.0.5']);
    expect(gateArgs(created)).toEqual(['--server', 'https://tollgate.example.com', '--scanner', 'External', '--option-profile', 'quick', '--poll', '0.5', '--create-auth-record', 'unix', '--credentials', '/s/creds.yaml', '--auth', 'deploy', '--fail-on-state', 'FAIL', '--fail-on-criticality', 'MINIMAL,MEDIUM,SERIOUS,CRITICAL,URGENT', '--timeout', '2*60']);
    const stored = complianceScanArguments({ ...server, authenticationRecord: 'ops-record' }, files, 'https://tollgate.example.com');
    expect(gateArgs(stored).slice(0, 10)).toEqual(['--server', 'https://tollgate.example.com', '--scanner', 'External', '--option-profile', 'quick', '--poll', '0.5', '--auth', 'ops-record']);
  });

  it('server mode, an ec2: target: the instance id as the target and the cloud connector that resolves it', () => {
    const args = complianceScanArguments({ ...base, target: 'ec2:i-0abc123def4567890', cloudConnector: 'aws-prod', authenticationRecord: 'ops-record' }, files, 'https://tollgate.example.com');
    expect(args.slice(0, 3)).toEqual(['compliance', 'scan', 'ec2:i-0abc123def4567890']);
    expect(gateArgs(args).slice(0, 6)).toEqual(['--server', 'https://tollgate.example.com', '--cloud-connector', 'aws-prod', '--auth', 'ops-record']);
  });

  it('standalone: the server-only inputs (shown only in server mode) are not passed', () => {
    const args = complianceScanArguments({ ...base, scanner: 'External', pollingFrequency: '2', createAuthRecord: true, cloudConnector: 'aws-prod' }, files);
    expect(args).not.toContain('--scanner');
    expect(args).not.toContain('--cloud-connector');
    expect(args).not.toContain('--poll');
    expect(args).not.toContain('--create-auth-record');
  });

  it('refuses a credentials file without a record and a record without a file', () => {
    expect(() => complianceScanArguments({ ...base, credentialsFile: '/s/creds.yaml' }, files)).toThrow(/go together/);
    expect(() => complianceScanArguments({ ...base, authenticationRecord: 'ops' }, files)).toThrow(/go together/);
  });
});
