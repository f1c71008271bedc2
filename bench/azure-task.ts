/**
 * The Azure DevOps image task's cost over the CLI it runs: the built task (bundled with
 * azure-pipelines-task-lib, started as the agent starts it, with INPUT_* variables) scanning the
 * bookworm fixture with a warm layer cache, against the same `tollgate image scan` with the same
 * reports, run directly. Median of 5 each, interleaved. The difference is what the task adds:
 * loading the task library, reading inputs, splitting the report into attachments, the logging
 * commands.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildExtension } from '../integrations/azure-devops/scripts/build.mjs';
import type { Rows } from './compliance.js';

function time(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function benchAzureTask(cli: string, db: string, work: string, reference: string, rows: Rows, results: Record<string, unknown>): Promise<void> {
  const built = await buildExtension(path.join(work, 'azure-extension'));
  const reports = path.join(work, 'azure-cli-reports');
  mkdirSync(reports, { recursive: true });
  const cacheDir = path.join(work, 'azure-layer-cache');
  const cliArgs = [cli, 'image', 'scan', reference, '--quiet', '--db', db, '--skip-db-update', '--cache-dir', cacheDir, '--format', `json=${reports}/r.json`, '--format', `markdown=${reports}/s.md`, '--format', `junit=${reports}/j.xml`, '--summary-output', `${reports}/v.json`];
  const cliRun = () => execFileSync(process.execPath, cliArgs, { stdio: 'ignore' });
  const agentTemp = path.join(work, 'azure-agent-temp');
  mkdirSync(agentTemp, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    AGENT_TEMPDIRECTORY: agentTemp,
    SYSTEM_JOBID: 'bench-job',
    SYSTEM_TASKINSTANCEID: 'bench-task',
    TOLLGATE_CACHE_DIR: cacheDir,
    INPUT_MODE: 'standalone',
    INPUT_IMAGES: reference,
    INPUT_DATABASEPATH: db,
    INPUT_SKIPDATABASEUPDATE: 'true',
    INPUT_TOLLGATEPATH: cli,
  };
  const taskRun = () => execFileSync(process.execPath, [path.join(built, 'tollgate-image-scan', 'index.js')], { env, stdio: 'ignore' });
  cliRun(); // fills the layer cache: both then scan warm
  const cliTimes: number[] = [];
  const taskTimes: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    cliTimes.push(time(cliRun));
    taskTimes.push(time(taskRun));
  }
  const cliSeconds = median(cliTimes);
  const taskSeconds = median(taskTimes);
  results.azureTask = { cliSeconds, taskSeconds, overheadSeconds: taskSeconds - cliSeconds };
  rows.push(['azure task: tollgate image scan, 4 reports, warm (median of 5)', `${(cliSeconds * 1000).toFixed(0)} ms`, 'baseline']);
  rows.push(['azure task: the built image task over it (median of 5)', `${(taskSeconds * 1000).toFixed(0)} ms`, `${taskSeconds >= cliSeconds ? '+' : ''}${((taskSeconds - cliSeconds) * 1000).toFixed(0)} ms over the CLI`]);
}
