/**
 * Runs a built task (dist/tasks/<name>/index.js) as the agent does: a Node process with the
 * inputs as INPUT_* variables, service connections as ENDPOINT_* variables and the System.* and
 * Agent.* variables the agent sets, nothing else from the test's environment but PATH. Returns
 * the `##vso[...]` lines it wrote (debug lines left out), which is everything the agent acts on.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TaskRun {
  code: number;
  stdout: string;
  /** Every `##vso[...]` line but task.debug, in order. */
  commands: string[];
  agentTemp: string;
}

export interface TaskEnvironment {
  inputs: Record<string, string>;
  /** Extra variables: ENDPOINT_*, SYSTEM_*, TF_BUILD... */
  variables?: Record<string, string>;
}

export const TASK_INSTANCE_ID = '3f1c9a52-0d6e-4b8e-9a57-1d2c3b4a5e6f';
export const JOB_ID = '12f1170f-54f2-53f3-20dd-22fc7dff55f9';

export async function runTask(taskFolder: string, environment: TaskEnvironment): Promise<TaskRun> {
  const agentTemp = await mkdtemp(path.join(tmpdir(), 'tollgate-agent-temp-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: agentTemp,
    TF_BUILD: 'True',
    AGENT_TEMPDIRECTORY: agentTemp,
    SYSTEM_JOBID: JOB_ID,
    SYSTEM_TASKINSTANCEID: TASK_INSTANCE_ID,
    SYSTEM_TIMELINEID: '0ebf9b3a-7e0a-4c0c-8f3b-5a3e0b8f9c11',
    BUILD_BUILDID: '4711',
    SYSTEM_JOBDISPLAYNAME: 'Scan',
    TASK_DISPLAYNAME: 'Scan with Tollgate',
    TOLLGATE_DB_REPOSITORY: 'http://127.0.0.1:9/tests-stay-offline',
    ...(environment.variables ?? {}),
  };
  // The agent hands every input to the task, an unset one with its task.json default.
  const definition = JSON.parse(await readFile(path.join(taskFolder, 'task.json'), 'utf8')) as { inputs: { name: string; defaultValue?: string | boolean }[] };
  for (const input of definition.inputs) if (input.defaultValue !== undefined && input.defaultValue !== '') env[`INPUT_${input.name.toUpperCase()}`] = String(input.defaultValue);
  for (const [name, value] of Object.entries(environment.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(taskFolder, 'index.js')], { env, cwd: agentTemp, maxBuffer: 64 * 1024 * 1024, timeout: 240_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const commands = stdout.split(/\r?\n/).filter((line) => line.startsWith('##vso[') && !line.startsWith('##vso[task.debug]'));
      resolve({ code, stdout, commands, agentTemp });
    });
  });
}

/** The report folder of the test's task instance. */
export function reportFolder(run: TaskRun): string {
  return path.join(run.agentTemp, `tollgate-${TASK_INSTANCE_ID}`);
}
