/**
 * The image gate's flags, shared by every command that gates images. Each list flag may be
 * repeated and takes comma-separated values; all of them add to the gate file (`--gate`).
 */
import { Option, type Command } from 'commander';
import type { GateFlags } from '../config/gate-file.js';
import { parseSingleSeverity } from './options.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addGateOptions(command: Command): Command {
  return command
    .addOption(new Option('--gate <file>', 'gate file (YAML) with failure conditions and exclusions').env('TOLLGATE_GATE'))
    .addOption(new Option('--fail-on <severity>', 'fail when any finding is at this severity or above (numeric 5..1 accepted)').argParser(parseSingleSeverity('--fail-on')).env('TOLLGATE_FAIL_ON'))
    .addOption(new Option('--fail-severity <LEVEL=COUNT>', 'fail when the count at a level is greater than COUNT (e.g. CRITICAL=0,HIGH=5)').argParser(collect))
    .addOption(new Option('--fail-id <ids>', 'fail on these advisory ids or globs (CVE-2024-*), matched through aliases').argParser(collect))
    .addOption(new Option('--fail-cvss <VERSION:SCORE>', 'fail when a base score of version 2, 3, 4 or max reaches SCORE (e.g. 3:9.0)').argParser(collect))
    .addOption(new Option('--fail-software <spec>', 'fail when installed software matches (openssl<3.0.13, "lodash>=4.0.0 <4.17.21", log4j-*)').argParser(collect))
    .addOption(new Option('--fixable-only', 'apply the conditions only to findings that have a fixed version'))
    .addOption(new Option('--exclude-id <ids>', 'exclude findings by advisory id or glob, through aliases').argParser(collect))
    .addOption(new Option('--exclude-package <spec>', 'exclude findings in matching packages').argParser(collect))
    .addOption(new Option('--exclude-path <glob>', 'exclude findings in packages found under this path').argParser(collect))
    .addOption(new Option('--ignore-file <file>', 'ignore file with reasons and expiry dates (default: ./.tollgateignore.yaml when present)').env('TOLLGATE_IGNORE_FILE'))
    .addOption(new Option('--vex <file>', 'OpenVEX document; not_affected and fixed statements exclude findings').argParser(collect))
    .addOption(new Option('--baseline <result.json>', 'fail only on findings new compared with this earlier scan result (tollgate image scan --format json)').env('TOLLGATE_BASELINE'));
}

export function gateFlagsOf(options: GateFlags): GateFlags {
  const pick: (keyof GateFlags)[] = ['gate', 'failOn', 'failSeverity', 'failId', 'failCvss', 'failSoftware', 'fixableOnly', 'excludeId', 'excludePackage', 'excludePath', 'ignoreFile', 'vex', 'baseline'];
  return Object.fromEntries(pick.filter((key) => options[key] !== undefined).map((key) => [key, options[key]])) as GateFlags;
}
