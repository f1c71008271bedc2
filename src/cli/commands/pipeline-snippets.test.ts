/**
 * `tollgate pipeline snippet`: the step printed for each CI system parses in that system's
 * language (YAML for GitHub, GitLab and Azure DevOps; Groovy for Jenkins, run by Debian's `groovy`
 * with the step stubbed), carries the scan's subjects and flags under the integration's input
 * names, and says exactly the scan that was asked for: the GitLab command line, split by a real
 * shell and read back, is the same invocation (property), and so is a Groovy string read by Groovy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { readScanInvocation, scanInputs, type ScanInvocation } from './pipeline-scan.js';
import { commandLine, groovyString, shellWord, SNIPPET_GENERATORS } from './pipeline-snippets.js';

const IMAGE_SCAN = ['image', 'scan', 'alpine:3.20', 'docker:my app', '--fail-on', 'HIGH', '--exclude-id', 'CVE-2024-1', '--exclude-id=CVE-2024-2', '--no-cache', '-f', 'sarif=out.sarif', '--fail-software', "lodash>=4.0.0 <4.17.21 'quoted' $HOME"];
/** A scan every integration's step can say: only flags the Azure DevOps task and the Jenkins step have parameters for. */
const STEP_SCAN = ['image', 'scan', 'alpine:3.20', 'docker:my app', '--fail-on', 'HIGH', '--fail-severity', 'MEDIUM=3', '--exclude-id', 'CVE-2024-1,CVE-2024-2', '--fail-software', "lodash>=4.0.0 <4.17.21 'quoted' $HOME", '--db', '/var/db/tollgate.db', '--skip-db-update'];
const COMPLIANCE_SCAN = ['compliance', 'scan', 'ssh:deploy@10.0.0.5', '--policy', 'cis-debian-12', '--fail-on-state', 'FAIL,ERROR', '--fail-on-auth-failure', '--timeout', '2*60'];
const SHA = 'a'.repeat(40);

/**
 * Debian's groovy runs the JDK at JAVA_HOME, else /usr/lib/jvm/default-java, which only the
 * default-jre package links: without it, point JAVA_HOME at the first installed JDK.
 */
function groovyEnvironment(): NodeJS.ProcessEnv {
  if (process.env.JAVA_HOME || existsSync('/usr/lib/jvm/default-java/bin/java')) return process.env;
  const jdk = readdirSync('/usr/lib/jvm').map((name) => path.join('/usr/lib/jvm', name)).find((home) => existsSync(path.join(home, 'bin', 'java')));
  return jdk ? { ...process.env, JAVA_HOME: jdk } : process.env;
}
const GROOVY_ENV = groovyEnvironment();

/** Splits args as the GitLab component does (printf | xargs), returning the words. */
function splitLikeTheComponent(args: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\n' "$1" | xargs -x sh -c 'for w in "$@"; do printf "%s\\000" "$w"; done' split`, 'sh', args], { encoding: 'utf8' });
  return out.split('\u0000').slice(0, -1);
}

const work = mkdtempSync(path.join(tmpdir(), 'tollgate-snippet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a Jenkins snippet under Debian's Groovy with the two steps stubbed to print their parameters as JSON. */
function runJenkinsStep(snippet: string): Record<string, unknown> {
  const script = path.join(work, `Step${Math.random().toString(36).slice(2)}.groovy`);
  const harness = [
    '// Harness: stands in for the shared library steps, printing what they were called with.',
    'def tollgateImageScan(Map parameters = [:]) { println(groovy.json.JsonOutput.toJson(parameters)) }',
    'def tollgateComplianceScan(Map parameters = [:]) { println(groovy.json.JsonOutput.toJson(parameters)) }',
    snippet,
  ].join('\n');
  writeFileSync(script, harness);
  const run = spawnSync('groovy', [script], { encoding: 'utf8', env: GROOVY_ENV });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('pipeline snippets', () => {
  it('GitHub: a step of the action pinned to the commit, with one input per flag and lists one per line', async () => {
    const scan = await readScanInvocation(IMAGE_SCAN);
    const [step] = parse(SNIPPET_GENERATORS.github(scan, { ref: SHA })) as { uses: string; with: Record<string, string> }[];
    expect(step?.uses).toBe(`tollgate-dev/tollgate@${SHA}`);
    expect(step?.with).toEqual({ command: 'image', images: 'alpine:3.20\ndocker:my app', 'fail-on': 'HIGH', 'exclude-id': 'CVE-2024-1\nCVE-2024-2', cache: 'false', format: 'sarif=out.sarif', 'fail-software': "lodash>=4.0.0 <4.17.21 'quoted' $HOME" });
    // Every input the step uses is one the action declares.
    const declared = new Set(['command', 'images', 'target', ...scanInputs().map((input) => input.name)]);
    expect(Object.keys(step?.with ?? {}).filter((name) => !declared.has(name))).toEqual([]);
  });

  it('GitHub and GitLab without a commit: the version tag, with a note to pin it', async () => {
    const scan = await readScanInvocation(IMAGE_SCAN);
    for (const ci of ['github', 'gitlab'] as const) {
      const text = SNIPPET_GENERATORS[ci](scan, {});
      expect(text.split('\n')[0]).toMatch(/^# pin v\d+\.\d+\.\d+\S* to its full commit SHA/);
      expect(() => parse(text) as unknown).not.toThrow();
    }
  });

  it('GitLab: the component with the command line, which xargs (as the component splits it) reads back as the same scan', async () => {
    const scan = await readScanInvocation(IMAGE_SCAN);
    const document = parse(SNIPPET_GENERATORS.gitlab(scan, { ref: SHA })) as { include: { component: string; inputs: { args: string } }[] };
    expect(document.include[0]?.component).toBe(`$CI_SERVER_FQDN/tollgate-dev/tollgate/tollgate@${SHA}`);
    expect(await readScanInvocation(splitLikeTheComponent(document.include[0]?.inputs.args ?? ''))).toEqual(scan);
  });

  it('GitLab: refuses a value with a line break, which the component could not pass on', async () => {
    const scan = await readScanInvocation(['image', 'scan', 'x', '--fail-software', 'a\nb']);
    expect(() => SNIPPET_GENERATORS.gitlab(scan, {})).toThrow(/holds a line break/);
  });

  it('Azure DevOps: the task with its own inputs, the CLI’s default compliance conditions spelt out', async () => {
    const scan = await readScanInvocation(COMPLIANCE_SCAN);
    const [step] = parse(SNIPPET_GENERATORS.azure(scan, {})) as { task: string; inputs: Record<string, unknown> }[];
    expect(step?.task).toBe('TollgateComplianceScan@0');
    expect(step?.inputs).toEqual({
      mode: 'standalone',
      target: 'ssh:deploy@10.0.0.5',
      policies: 'cis-debian-12',
      failByStateAndCriticality: true,
      stateFail: true,
      stateError: true,
      stateException: false,
      ...Object.fromEntries(['Minimal', 'Medium', 'Serious', 'Critical', 'Urgent'].map((level) => [`criticality${level}`, true])),
      failOnAuthFailure: true,
      timeout: '2*60',
    });
    const [image] = parse(SNIPPET_GENERATORS.azure(await readScanInvocation(STEP_SCAN), {})) as { task: string; inputs: Record<string, unknown> }[];
    expect(image?.task).toBe('TollgateImageScan@0');
    expect(image?.inputs).toEqual({ mode: 'standalone', images: 'alpine:3.20\ndocker:my app', failOnSeverity: 'HIGH', severityLimits: 'MEDIUM=3', failOnSoftware: "lodash>=4.0.0 <4.17.21 'quoted' $HOME", excludeIds: 'CVE-2024-1\nCVE-2024-2', databasePath: '/var/db/tollgate.db', skipDatabaseUpdate: true });
  });

  it('Jenkins: a step call Groovy runs, with the connector’s parameters and the values exactly as given ($ not interpolated)', async () => {
    expect(runJenkinsStep(SNIPPET_GENERATORS.jenkins(await readScanInvocation(STEP_SCAN), {}))).toEqual({
      imageIds: ['alpine:3.20', 'docker:my app'],
      // --fail-on HIGH is "no finding at HIGH or above"; --fail-severity MEDIUM=3 keeps its limit.
      isFailOnSevereVulns: true,
      isSev5Vulns: true,
      severity5Limit: '0',
      isSev4Vulns: true,
      severity4Limit: '0',
      isSev3Vulns: true,
      severity3Limit: '3',
      isFailOnSoftware: true,
      softwareList: ["lodash>=4.0.0 <4.17.21 'quoted' $HOME"],
      isExcludeConditions: true,
      excludeBy: 'cve',
      excludeList: ['CVE-2024-1', 'CVE-2024-2'],
      db: '/var/db/tollgate.db',
      skipDbUpdate: true,
    });
    const compliance = runJenkinsStep(SNIPPET_GENERATORS.jenkins(await readScanInvocation(['compliance', 'scan']), {}));
    expect(compliance).toMatchObject({ target: 'local', failByStateAndCriticality: true, stateFail: true, stateError: false, stateExceptions: false, criticalityMinimal: true, criticalityUrgent: true });
  });

  it('Azure DevOps and Jenkins refuse a flag their steps have no parameter for, instead of dropping it', async () => {
    const scan = await readScanInvocation(IMAGE_SCAN);
    expect(() => SNIPPET_GENERATORS.jenkins(scan, {})).toThrow(/--no-cache, --format: tollgateImageScan has no parameter for these flags/);
    expect(() => SNIPPET_GENERATORS.azure(scan, {})).toThrow(/--no-cache, --format: TollgateImageScan has no parameter/);
    expect(() => SNIPPET_GENERATORS.jenkins(scan, {})).toThrow(UsageError);
  });

  it('refuses what the scan command refuses, naming the flag', async () => {
    await expect(readScanInvocation(['image', 'scan', 'x', '--fail-on', 'SEVERE'])).rejects.toThrow(/--fail-on "SEVERE"/);
    await expect(readScanInvocation(['image', 'scan', 'x', '--bogus'])).rejects.toThrow(/unknown option '--bogus'/);
    await expect(readScanInvocation(['image', 'scan'])).rejects.toThrow(UsageError);
    await expect(readScanInvocation(['db', 'update'])).rejects.toThrow(/the step runs a scan/);
  });

  it('any value survives the component’s splitting (printf | xargs) and the Groovy string (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((value) => !/[\0\r\n]/.test(value));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (values) => {
        expect(splitLikeTheComponent(values.map(shellWord).join(' '))).toEqual(values);
      }),
      { numRuns: 60 },
    );
    // Groovy reads one string literal per value; its own reading must give the value back.
    const samples = ["a'b", 'back\\slash', '$HOME ${x}', 'line\nbreak', 'tab\tand\rreturn', 'ünï €'];
    const script = path.join(work, 'strings.groovy');
    writeFileSync(script, `println(groovy.json.JsonOutput.toJson([${samples.map(groovyString).join(', ')}]))`);
    expect(JSON.parse(execFileSync('groovy', [script], { encoding: 'utf8', env: GROOVY_ENV })) as string[]).toEqual(samples);
  });

  it('the command line of an invocation reads back as the same invocation for any flag values (property)', async () => {
    const value = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => !text.startsWith('-'));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 3 }), fc.array(fc.stringMatching(/^CVE-\d{4}-\d{1,5}$/), { maxLength: 3 }), async (images, ids) => {
        const scan: ScanInvocation = await readScanInvocation(['image', 'scan', ...images.map((image) => `dir:${image}`), ...ids.flatMap((id) => ['--exclude-id', id])]);
        expect(await readScanInvocation(commandLine(scan))).toEqual(scan);
      }),
      { numRuns: 50 },
    );
  });
});

describe('server-mode snippets', () => {
  const SERVER_IMAGE = ['image', 'scan', 'app:1', '--server', 'https://tollgate.example.com', '--via-sensor', '--poll', '30', '--timeout', '10*60', '--fail-on', 'HIGH'];
  const SERVER_COMPLIANCE = ['compliance', 'scan', '10.0.0.5:22', '--server', 'https://tollgate.example.com', '--scanner', 'External', '--option-profile', 'quick', '--poll', '0.5', '--timeout', '2*60', '--policy', 'linux-baseline-debian', '--auth', 'ops'];

  it('GitHub: the token input reads a secret, and a comment says which', async () => {
    const snippet = SNIPPET_GENERATORS.github(await readScanInvocation(SERVER_IMAGE), { ref: SHA });
    expect(snippet).toMatch(/^# TOLLGATE_TOKEN: a repository or environment secret holding a ci token of https:\/\/tollgate\.example\.com\n/);
    const [step] = parse(snippet) as { with: Record<string, string> }[];
    expect(step?.with).toMatchObject({ server: 'https://tollgate.example.com', 'via-sensor': 'true', poll: '30', timeout: '10*60', token: '${{ secrets.TOLLGATE_TOKEN }}' });
  });

  it('GitLab: the flags stay on the command line, the token is the masked TOLLGATE_TOKEN variable', async () => {
    const snippet = SNIPPET_GENERATORS.gitlab(await readScanInvocation(SERVER_IMAGE), { ref: SHA });
    expect(snippet).toContain('# TOLLGATE_TOKEN: a masked (and protected) CI/CD variable');
    const include = parse(snippet) as { include: { inputs: { args: string } }[] };
    expect(splitLikeTheComponent(include.include[0]?.inputs.args ?? '')).toEqual(['image', 'scan', '--server', 'https://tollgate.example.com', '--via-sensor', '--poll', '30', '--timeout', '10*60', '--fail-on', 'HIGH', '--', 'app:1']);
  });

  it('Azure DevOps: server mode through the service connection, the sensor and polling as task inputs', async () => {
    const image = SNIPPET_GENERATORS.azure(await readScanInvocation(SERVER_IMAGE), {});
    expect(image).toMatch(/^# tollgate-server: a service connection of type "Tollgate server" for https:\/\/tollgate\.example\.com/);
    expect((parse(image) as { inputs: Record<string, string | boolean> }[])[0]?.inputs).toMatchObject({ mode: 'server', tollgateServer: 'tollgate-server', viaSensor: true, dataCollectionFrequency: '30', resultTimeout: '10*60', images: 'app:1', failOnSeverity: 'HIGH' });
    const compliance = SNIPPET_GENERATORS.azure(await readScanInvocation(SERVER_COMPLIANCE), {});
    expect((parse(compliance) as { inputs: Record<string, string | boolean> }[])[0]?.inputs).toMatchObject({ mode: 'server', tollgateServer: 'tollgate-server', scanner: 'External', optionProfile: 'quick', pollingFrequency: '0.5', timeout: '2*60', authenticationRecord: 'ops', target: '10.0.0.5:22' });
  });

  it('Jenkins: serverUrl and the Secret text credential the step binds to TOLLGATE_TOKEN (serverCredentialsId)', async () => {
    const image = SNIPPET_GENERATORS.jenkins(await readScanInvocation(SERVER_IMAGE), {});
    expect(image).toMatch(/^\/\/ tollgate-token: a "Secret text" credential holding a ci token of https:\/\/tollgate\.example\.com\ntollgateImageScan\(/);
    expect(image).toContain("  serverUrl: 'https://tollgate.example.com',\n  serverCredentialsId: 'tollgate-token',\n  viaSensor: true,\n  poll: '30',\n  timeout: '10*60',");
    expect(image).not.toMatch(/^ {2}credentialsId:/m);
    const compliance = SNIPPET_GENERATORS.jenkins(await readScanInvocation(SERVER_COMPLIANCE), {});
    expect(compliance).toContain("  serverUrl: 'https://tollgate.example.com',\n  serverCredentialsId: 'tollgate-token',\n  scanner: 'External',\n  optionProfile: 'quick',\n  pollingInterval: '0.5',");
  });

  it('Azure DevOps and Jenkins: --cloud-connector of an ec2: target becomes the cloudConnector parameter', async () => {
    const cloud = await readScanInvocation(['compliance', 'scan', 'ec2:i-0abc123def4567890', '--server', 'https://tollgate.example.com', '--cloud-connector', 'aws-prod', '--policy', 'linux-baseline-debian', '--auth', 'ops']);
    expect((parse(SNIPPET_GENERATORS.azure(cloud, {})) as { inputs: Record<string, string | boolean> }[])[0]?.inputs).toMatchObject({ mode: 'server', cloudConnector: 'aws-prod', target: 'ec2:i-0abc123def4567890' });
    expect(SNIPPET_GENERATORS.jenkins(cloud, {})).toContain("  target: 'ec2:i-0abc123def4567890',\n  serverUrl: 'https://tollgate.example.com',\n  serverCredentialsId: 'tollgate-token',\n  cloudConnector: 'aws-prod',");
  });

  it('Jenkins: --credentials becomes credentialsId, the Secret file credential of records, in both modes', async () => {
    const withRecords = SNIPPET_GENERATORS.jenkins(await readScanInvocation([...SERVER_COMPLIANCE, '--create-auth-record', 'unix', '--credentials', '/secure/records.yaml']), {});
    expect(withRecords).toMatch(/^\/\/ tollgate-token: .*\n\/\/ tollgate-auth-records: a "Secret file" credential holding the authentication records file\ntollgateComplianceScan\(/);
    expect(runJenkinsStep(withRecords)).toMatchObject({ serverCredentialsId: 'tollgate-token', credentialsId: 'tollgate-auth-records', createAuthRecord: true, authRecord: 'ops' });
    expect(withRecords).not.toContain('/secure/records.yaml');
    const standalone = runJenkinsStep(SNIPPET_GENERATORS.jenkins(await readScanInvocation(['compliance', 'scan', '10.0.0.5', '--credentials', 'records.yaml', '--auth', 'ops']), {}));
    expect(standalone).toMatchObject({ credentialsId: 'tollgate-auth-records', authRecord: 'ops' });
    expect(standalone).not.toHaveProperty('serverCredentialsId');
  });

  it('never carries a token: --token and a URL with credentials are refused for every CI system', async () => {
    const withToken = await readScanInvocation([...SERVER_IMAGE, '--token', 'tg_ci_literal-secret-000']);
    const inUrl = await readScanInvocation(['image', 'scan', 'app:1', '--server', 'https://ci:tg_ci_literal@tollgate.example.com']);
    for (const generate of Object.values(SNIPPET_GENERATORS)) {
      expect(() => generate(withToken, { ref: SHA })).toThrow(/--token: a snippet never holds a token/);
      expect(() => generate(inUrl, { ref: SHA })).toThrow(/must not carry credentials/);
    }
  });
});
