/**
 * Scan names with CI tokens: `[job_name]` and `[build_number]` are filled from Jenkins, Azure
 * DevOps, GitHub Actions or GitLab CI variables (whichever the job runs in), `[timestamp]` with the
 * scan's start time; a name without `[timestamp]` gets the timestamp appended, so every scan has a
 * distinct name as the connectors' scan titles do.
 */
const CI_VARIABLES: { job: string; build: string }[] = [
  { job: 'JOB_NAME', build: 'BUILD_NUMBER' }, // Jenkins
  { job: 'BUILD_DEFINITIONNAME', build: 'BUILD_BUILDNUMBER' }, // Azure DevOps
  { job: 'GITHUB_WORKFLOW', build: 'GITHUB_RUN_NUMBER' }, // GitHub Actions
  { job: 'CI_JOB_NAME', build: 'CI_PIPELINE_IID' }, // GitLab CI
];

export const DEFAULT_SCAN_NAME = 'tollgate [job_name] [build_number]';

/** The CI job's name (Jenkins, Azure DevOps, GitHub Actions or GitLab CI), or `local` outside a CI. */
export function ciJobName(env: NodeJS.ProcessEnv = process.env): string {
  const ci = CI_VARIABLES.find((variables) => env[variables.job]);
  return ci ? (env[ci.job] as string) : 'local';
}

export function expandScanName(template: string, startedAt: Date, env: NodeJS.ProcessEnv = process.env): string {
  const ci = CI_VARIABLES.find((variables) => env[variables.job]);
  const job = ciJobName(env);
  const build = ci ? (env[ci.build] ?? '') : '';
  const timestamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const withTimestamp = template.includes('[timestamp]') ? template : `${template} [timestamp]`;
  return withTimestamp
    .replace(/\[job_name\]/g, job)
    .replace(/\[build_number\]/g, build)
    .replace(/\[timestamp\]/g, timestamp)
    .replace(/\s+/g, ' ')
    .trim();
}
