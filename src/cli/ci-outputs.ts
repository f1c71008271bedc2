/**
 * Hands the verdict to the CI system as an output variable where it has one: GitHub Actions
 * (`$GITHUB_OUTPUT`, multi-line value with a delimiter) and Azure DevOps (the `##vso` logging
 * command on stdout, as one line). Elsewhere nothing is written.
 */
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';

export const OUTPUT_NAME = 'tollgate_verdict';

export async function publishCiOutput(json: string, env: NodeJS.ProcessEnv = process.env, stdout: NodeJS.WritableStream = process.stdout): Promise<'github' | 'azure' | undefined> {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_OUTPUT) {
    const delimiter = `TOLLGATE_${randomUUID()}`;
    await appendFile(env.GITHUB_OUTPUT, `${OUTPUT_NAME}<<${delimiter}\n${json}\n${delimiter}\n`);
    return 'github';
  }
  if (env.TF_BUILD === 'True' || env.TF_BUILD === 'true') {
    // One line: the logging command ends at the newline; ']' and ';' inside the value are fine.
    stdout.write(`##vso[task.setvariable variable=${OUTPUT_NAME};isOutput=true]${JSON.stringify(JSON.parse(json))}\n`);
    return 'azure';
  }
  return undefined;
}
