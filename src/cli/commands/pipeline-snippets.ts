/**
 * Ready-to-paste pipeline steps for a scan (`tollgate pipeline snippet`), one generator per CI
 * system, like the connectors' snippet generators. Pure functions of the scan invocation: they
 * decide nothing, they only say the same scan in each system's words.
 *
 * The naming contract every integration follows (so a step means the same as the command line):
 * - GitHub Action: one input per flag, named as the flag without its dashes (`fail-on`); a flag
 *   given several times is a multi-line value, one occurrence a line; `--no-cache` is `cache: false`.
 * - Azure DevOps tasks and the Jenkins steps: the connectors' parameter names, which those
 *   integrations take (pipeline-step-parameters.ts); a flag they have no parameter for is a usage
 *   error, never dropped.
 * - GitLab component: the command line itself (`args`), quoted for the POSIX shell and xargs.
 *
 * Server mode (`--server URL`): a snippet never carries a token. `--token` is refused; each step
 * reads the token through its CI's secret mechanism — a GitHub secret, a masked GitLab CI/CD
 * variable, the Azure DevOps service connection, a Jenkins "Secret text" credential — and a
 * comment says which secret to create.
 */
import { stringify } from 'yaml';
import { UsageError } from '../../errors.js';
import { TOOL_VERSION } from '../../version.js';
import type { GivenFlag, ScanInvocation } from './pipeline-scan.js';
import { AZURE_SERVICE_CONNECTION, azureComplianceParameters, azureImageParameters, JENKINS_RECORDS_CREDENTIAL, JENKINS_TOKEN_CREDENTIAL, jenkinsComplianceParameters, jenkinsImageParameters } from './pipeline-step-parameters.js';

export const CI_SYSTEMS = ['github', 'gitlab', 'azure', 'jenkins'] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];

export interface SnippetOptions {
  /** The ref of the action or component: a full commit SHA (recommended) or a tag. Default: this version's tag. */
  ref?: string;
}

/** The repository that holds the GitHub Action and the GitLab component. */
export const ACTION_REPOSITORY = 'tollgate-dev/tollgate';
export const AZURE_TASKS = { image: 'TollgateImageScan@0', compliance: 'TollgateComplianceScan@0' } as const;
export const JENKINS_STEPS = { image: 'tollgateImageScan', compliance: 'tollgateComplianceScan' } as const;

const TITLES = { image: 'Scan container images with Tollgate', compliance: 'Scan hosts for policy compliance with Tollgate' } as const;

function isCommitSha(ref: string): boolean {
  return /^[0-9a-f]{40}$/.test(ref);
}

function refOf(options: SnippetOptions): { ref: string; note?: string } {
  if (options.ref && isCommitSha(options.ref)) return { ref: options.ref };
  const ref = options.ref ?? `v${TOOL_VERSION}`;
  return { ref, note: `pin ${ref} to its full commit SHA (git ls-remote https://github.com/${ACTION_REPOSITORY} ${ref}): a tag can be moved to other code` };
}

/** What a flag means as one input value: a switch is true or false, a flag given once its text, more often a list. */
function valueOf(flag: GivenFlag): boolean | string | string[] {
  if (flag.values.length === 0) return !flag.negate;
  return flag.values.length === 1 ? (flag.values[0] ?? '') : [...flag.values];
}

function inputName(flag: GivenFlag): string {
  return flag.flag.replace(/^--(no-)?/, '');
}

/** The server URL of a server-mode scan, checked: a snippet is pasted into a repository, so a token in it (as --token or inside the URL) is refused. */
export function serverOf(scan: ScanInvocation): string | undefined {
  if (scan.flags.some((flag) => flag.flag === '--token')) throw new UsageError('--token: a snippet never holds a token; store it as a secret of the CI system (the snippet says which) and leave --token out');
  const server = scan.flags.find((flag) => flag.flag === '--server')?.values.at(-1);
  if (server === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server ${server}: not a URL`);
  }
  if (url.username || url.password) throw new UsageError('--server: the URL must not carry credentials; the token comes from the CI system\'s secret');
  return server;
}

const secretNote = (server: string | undefined, note: string): string => (server === undefined ? '' : `${note}\n`);

function githubSnippet(scan: ScanInvocation, options: SnippetOptions): string {
  const { ref, note } = refOf(options);
  const inputs: Record<string, string> = { command: scan.command };
  if (scan.command === 'image') inputs.images = scan.subjects.join('\n');
  else if (scan.subjects[0] !== undefined) inputs.target = scan.subjects[0];
  for (const flag of scan.flags) {
    const value = valueOf(flag);
    inputs[inputName(flag)] = Array.isArray(value) ? value.join('\n') : String(value);
  }
  const server = serverOf(scan);
  if (server !== undefined) inputs.token = '${{ secrets.TOLLGATE_TOKEN }}';
  const step = [{ name: TITLES[scan.command], id: 'tollgate', uses: `${ACTION_REPOSITORY}@${ref}`, with: inputs }];
  return `${note ? `# ${note}\n` : ''}${secretNote(server, `# TOLLGATE_TOKEN: a repository or environment secret holding a ci token of ${server}`)}${stringify(step, { lineWidth: 0 })}`;
}

/**
 * A word for the POSIX shell and for xargs (which the GitLab component splits its args with): as
 * it is when it is plain, else in single quotes, a quote inside written '\''.
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line of the scan, as words. */
export function commandLine(scan: ScanInvocation): string[] {
  const flags = scan.flags.flatMap((flag) => (flag.values.length === 0 ? [flag.flag] : flag.values.flatMap((value) => [flag.flag, value])));
  return [scan.command, 'scan', ...flags, ...(scan.subjects.length > 0 ? ['--', ...scan.subjects] : [])];
}

function gitlabSnippet(scan: ScanInvocation, options: SnippetOptions): string {
  const { ref, note } = refOf(options);
  // The component splits args with xargs, which honours the shell's quotes but not a line break inside them.
  const broken = commandLine(scan).find((word) => /[\r\n\0]/.test(word));
  if (broken !== undefined) throw new UsageError(`the GitLab component takes the scan as one line: "${broken.replace(/[\r\n\0]/g, ' ')}" holds a line break`);
  const server = serverOf(scan);
  const include = { include: [{ component: `$CI_SERVER_FQDN/${ACTION_REPOSITORY}/tollgate@${ref}`, inputs: { args: commandLine(scan).map(shellWord).join(' ') } }] };
  return `${note ? `# ${note}\n` : ''}${secretNote(server, `# TOLLGATE_TOKEN: a masked (and protected) CI/CD variable holding a ci token of ${server}; tollgate reads it from the job's environment`)}${stringify(include, { lineWidth: 0 })}`;
}

function azureSnippet(scan: ScanInvocation): string {
  const server = serverOf(scan);
  const parameters = scan.command === 'image' ? azureImageParameters(scan) : azureComplianceParameters(scan);
  const inputs = Object.fromEntries(parameters.map(([name, value]) => [name, Array.isArray(value) ? value.join('\n') : value]));
  return `${secretNote(server, `# ${AZURE_SERVICE_CONNECTION}: a service connection of type "Tollgate server" for ${server} holding a ci token (Project settings > Service connections)`)}${stringify([{ task: AZURE_TASKS[scan.command], displayName: TITLES[scan.command], inputs }], { lineWidth: 0 })}`;
}

/** A Groovy single-quoted string: no interpolation, only `\` and `'` escaped (and line ends). */
export function groovyString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;
}

function groovyValue(value: boolean | string | readonly string[]): string {
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return groovyString(value);
  return `[${value.map(groovyString).join(', ')}]`;
}

function jenkinsSnippet(scan: ScanInvocation): string {
  const server = serverOf(scan);
  const parameters = scan.command === 'image' ? jenkinsImageParameters(scan) : jenkinsComplianceParameters(scan);
  const lines = parameters.map(([name, value], index) => `  ${name}: ${groovyValue(value)}${index < parameters.length - 1 ? ',' : ''}`);
  const records = scan.command === 'compliance' && parameters.some(([name]) => name === 'credentialsId') ? `// ${JENKINS_RECORDS_CREDENTIAL}: a "Secret file" credential holding the authentication records file\n` : '';
  return `${secretNote(server, `// ${JENKINS_TOKEN_CREDENTIAL}: a "Secret text" credential holding a ci token of ${server}`)}${records}${JENKINS_STEPS[scan.command]}(\n${lines.join('\n')}\n)\n`;
}

export const SNIPPET_GENERATORS: Readonly<Record<CiSystem, (scan: ScanInvocation, options: SnippetOptions) => string>> = {
  github: githubSnippet,
  gitlab: gitlabSnippet,
  azure: azureSnippet,
  jenkins: jenkinsSnippet,
};
