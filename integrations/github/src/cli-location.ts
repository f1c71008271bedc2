/**
 * Which `tollgate` the action runs: the one the `cli` input names (a path; a .js/.cjs file is run
 * with the action's own Node), or else the exact version of the package this action was built
 * from, installed with npm into the runner's temporary folder. Pinning the action's commit
 * therefore pins the CLI's version too: never a range, never "latest".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './command-line.js';

export interface CliCommand {
  command: string;
  args: string[];
}

export function givenCli(given: string): CliCommand {
  const file = path.resolve(given);
  if (!existsSync(file)) throw new InputError(`input "cli": ${given} does not exist`);
  return /\.(c|m)?js$/.test(file) ? { command: process.execPath, args: [file] } : { command: file, args: [] };
}

/** Installs `<packageName>@<version>` under `root` unless it is there already, and returns its command. */
export function installedCli(packageName: string, version: string, root: string): CliCommand {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new InputError(`the action was built for tollgate "${version}", which is not an exact version`);
  const prefix = path.join(root, `tollgate-${version}`);
  const entry = path.join(prefix, 'node_modules', packageName, 'dist', 'bin', 'tollgate.cjs');
  if (!existsSync(entry)) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--omit=dev', '--prefix', prefix, `${packageName}@${version}`], { stdio: 'inherit' });
    if (install.status !== 0 || !existsSync(entry)) throw new Error(`npm could not install ${packageName}@${version} (exit ${install.status ?? install.signal})`);
  }
  return { command: process.execPath, args: [entry] };
}
