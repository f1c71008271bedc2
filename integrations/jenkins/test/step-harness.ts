/**
 * Runs scenarios through the step harness (StepHarness.groovy) under Debian's Groovy 2.4 and reads
 * back what each step called and the build result it left. Shared by the library's tests.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const LIBRARY = fileURLToPath(new URL('..', import.meta.url));

export interface Call {
  step: string;
  args: Record<string, unknown> & { script?: string };
}
export interface Outcome {
  name: string;
  result: 'SUCCESS' | 'UNSTABLE' | 'FAILURE';
  message: string | null;
  calls: Call[];
  returned: Record<string, unknown> | null;
  /** Run mode: what the scripts `sh` ran wrote. */
  log: string;
}
export interface Scenario {
  name: string;
  step: 'tollgateImageScan' | 'tollgateComplianceScan';
  config: Record<string, unknown>;
  shStatus?: number;
  verdict?: unknown;
  /** Run mode: `sh` runs its script for real in this folder. */
  workspace?: string;
  env?: Record<string, string>;
  /** Run mode: credential id → the Secret text's value, or the path of the Secret file's file. */
  credentials?: Record<string, string>;
}

export function requireGroovy(): void {
  if (!existsSync('/usr/bin/groovy')) throw new Error("Debian's groovy is missing: apt-get install groovy (.ci/run does)");
}

/** Runs scenarios in one Groovy process (its start-up is most of the cost); `scratch` holds the scenario file. */
export async function runHarness(scratch: string, scenarios: Scenario[]): Promise<Map<string, Outcome>> {
  const file = path.join(scratch, `scenarios-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(scenarios));
  const javaHome = path.dirname(path.dirname(realpathSync('/usr/bin/java')));
  const { stdout } = await run('groovy', ['-cp', `${path.join(LIBRARY, 'src')}:${path.join(LIBRARY, 'test/stubs')}`, path.join(LIBRARY, 'test/StepHarness.groovy'), LIBRARY, file], { env: { ...process.env, JAVA_HOME: javaHome }, maxBuffer: 64 * 1024 * 1024 });
  return new Map((JSON.parse(stdout) as Outcome[]).map((outcome) => [outcome.name, outcome]));
}

export const stepsOf = (outcome: Outcome | undefined): string[] | undefined => outcome?.calls.map((call) => call.step);
