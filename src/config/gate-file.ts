/**
 * The image gate's configuration, from a gate file (docs/schema/gate.schema.json) and from flags
 * (flags add to the file's lists and override its scalars). Everything is validated here, with the
 * file, line and field of any mistake: an invalid gate is a usage error (exit 2), never a pass.
 * The gate itself (src/gate/) only evaluates what this module builds.
 *
 *   fail:
 *     on: HIGH                       # any finding at HIGH or above
 *     severity: { CRITICAL: 0, HIGH: 5 }   # fail when the count is greater than the limit
 *     ids: [CVE-2024-*, GHSA-xvch-5gv4-984h]
 *     cvss: [{ version: 3, threshold: 9.0 }]   # version 2, 3, 4 or max
 *     software: ["openssl<3.0.13", "lodash>=4.0.0 <4.17.21"]
 *     fixable-only: true
 *   exclude:
 *     ids: [CVE-2023-0001]
 *     packages: ["perl-base"]
 *     paths: ["/usr/share/doc/**"]
 *   ignore-file: .tollgateignore.yaml
 *   vex: [app.openvex.json]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { emptyGateConfig, type CvssCondition, type CvssVersionChoice, type GateConfig } from '../gate/gate-config.js';
import { parseSoftwareSpec, type SoftwareSpec } from '../ecosystems/software-spec.js';
import { parseSeverity, SEVERITIES, type Severity } from '../model/severity.js';
import { VERSION_SCHEMES } from '../versions/list.js';
import { loadBaselineFile } from './baseline-file.js';
import { loadIgnoreFile } from './ignore-file.js';
import { readConfigText } from './read-config-file.js';
import { loadConfigSchema } from './schemas.js';
import { parseValidatedYaml, type SchemaIssue, type Wording } from './validated-yaml.js';
import { loadOpenVex } from './vex.js';

export const DEFAULT_IGNORE_FILE = '.tollgateignore.yaml';

/** `HIGH=5`, `CRITICAL:0` -> [HIGH, 5]. */
export function parseSeverityLimit(text: string, where: string): [Severity, number] {
  const match = /^\s*([A-Za-z0-9]+)\s*[=:]\s*(\d+)\s*$/.exec(text);
  const severity = match ? parseSeverity(match[1] as string) : undefined;
  if (!match || !severity) throw new UsageError(`${where}: "${text}" is not a severity limit (expected LEVEL=COUNT, e.g. HIGH=5 or 4=5)`);
  return [severity, Number(match[2])];
}

/** `3:9.0`, `max:7` -> { version, threshold }. */
export function parseCvssCondition(text: string, where: string): CvssCondition {
  const match = /^\s*(v?[234]|max)\s*[:=]\s*(\d+(?:\.\d+)?)\s*$/i.exec(text);
  if (!match) throw new UsageError(`${where}: "${text}" is not a CVSS condition (expected VERSION:THRESHOLD, version 2, 3, 4 or max, e.g. 3:9.0)`);
  return validateCvss((match[1] as string).toLowerCase().replace('v', ''), Number(match[2]), where);
}

function validateCvss(version: string, threshold: number, where: string): CvssCondition {
  if (!['2', '3', '4', 'max'].includes(version)) throw new UsageError(`${where}: CVSS version must be 2, 3, 4 or max, got "${version}"`);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 10) throw new UsageError(`${where}: CVSS threshold must be between 0 and 10, got ${threshold}`);
  return { version: version as CvssVersionChoice, threshold };
}

/** A software spec whose versions no ecosystem can read is a mistake worth stopping for. */
export function validatedSoftwareSpec(text: string, where: string): SoftwareSpec {
  const spec = parseSoftwareSpec(text, where);
  for (const constraint of spec.constraints) {
    if (VERSION_SCHEMES.size > 0 && ![...VERSION_SCHEMES.values()].some((scheme) => scheme.isValid(constraint.version))) {
      throw new UsageError(`${where}: "${constraint.version}" in "${text}" is not a version in any ecosystem's format`);
    }
  }
  return spec;
}

type StringList = string | number | (string | number)[] | null | undefined;
type CvssEntry = string | { version?: string | number | null; threshold: number | string };

/** The gate file as its schema admits it. */
interface GateFile {
  fail?: {
    on?: string | number;
    severity?: Record<string, number> | null;
    ids?: StringList;
    cvss?: CvssEntry | CvssEntry[];
    software?: StringList;
    'fixable-only'?: boolean;
  } | null;
  exclude?: { ids?: StringList; packages?: StringList; paths?: StringList } | null;
  'ignore-file'?: string;
  vex?: StringList;
}

function stringList(value: StringList): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The gate file's own words for what its schema refuses (the words its users have always seen). */
function wording(issue: SchemaIssue): Wording | undefined {
  const { path: at, keyword } = issue;
  if (keyword === 'additionalProperties') return `unknown key "${String(at[at.length - 1])}" (known: ${issue.known.join(', ')})`;
  if (at[0] === 'fail' && at[1] === 'on') return `"${String(issue.value)}" is not a severity (${SEVERITIES.join(', ')} or 5..1)`;
  if (at[0] === 'fail' && at[1] === 'severity' && at.length === 3) return 'the limit must be a whole number >= 0';
  if (at[0] === 'fail' && at[1] === 'fixable-only') return 'must be true or false';
  if (at[0] === 'fail' && at[1] === 'cvss') {
    const field = at[at.length - 1];
    if (field === 'threshold' && keyword === 'type') return `CVSS threshold must be between 0 and 10, got ${JSON.stringify(issue.value)}`;
    if (field === 'version') return `CVSS version must be 2, 3, 4 or max, got ${JSON.stringify(issue.value)}`;
    if (keyword === 'type') return 'expected VERSION:THRESHOLD or { version, threshold }, or a list of them';
    return undefined;
  }
  if (keyword !== 'type') return undefined;
  if (at.length === 0) return 'the gate file must be a mapping';
  if (at[0] === 'ignore-file') return 'expected the path of an ignore file';
  if (String(issue.params.type).includes('object')) return 'expected a mapping';
  return typeof at[at.length - 1] === 'number' ? 'expected a string' : 'expected a string or a list of strings';
}

/** Parses a gate file. Paths inside it (ignore-file, vex) are relative to the file's folder. */
export function parseGateFile(text: string, file: string): GateConfig {
  const source = parseValidatedYaml<GateFile | null>(text, file, loadConfigSchema('gate'), { style: 'file:line', wording });
  const root = source.data ?? {};
  const fail = root.fail ?? {};
  const exclude = root.exclude ?? {};
  const config = emptyGateConfig();

  if (fail.on !== undefined) {
    const severity = parseSeverity(String(fail.on));
    if (!severity) throw source.problem(['fail', 'on'], `"${String(fail.on)}" is not a severity (${SEVERITIES.join(', ')} or 5..1)`);
    config.failOn = severity;
  }
  // The schema admits each level's spellings (HIGH, high, 4) and whole numbers >= 0 only.
  for (const [level, limit] of Object.entries(fail.severity ?? {})) config.severityLimits[parseSeverity(level) as Severity] = limit;
  config.vulnerabilityIds = stringList(fail.ids);
  if (fail.cvss !== undefined) {
    const list = Array.isArray(fail.cvss) ? fail.cvss : [fail.cvss];
    config.cvss = list.map((entry, i) => {
      const at = source.place(['fail', 'cvss', ...(Array.isArray(fail.cvss) ? [i] : [])]);
      if (typeof entry === 'string') return parseCvssCondition(entry, at);
      return validateCvss(String(entry.version ?? 'max').toLowerCase().replace('v', ''), Number(entry.threshold), at);
    });
  }
  config.software = stringList(fail.software).map((spec, i) => validatedSoftwareSpec(spec, source.place(['fail', 'software', i])));
  if (fail['fixable-only'] !== undefined) config.fixableOnly = fail['fixable-only'];
  config.exclude.ids = stringList(exclude.ids);
  config.exclude.packages = stringList(exclude.packages).map((spec, i) => validatedSoftwareSpec(spec, source.place(['exclude', 'packages', i])));
  config.exclude.paths = stringList(exclude.paths);
  const folder = path.dirname(file);
  if (root['ignore-file'] !== undefined) config.ignoreEntries = loadIgnoreFile(path.resolve(folder, root['ignore-file']));
  config.vex = loadOpenVex(stringList(root.vex).map((vexFile) => path.resolve(folder, vexFile)));
  return config;
}

export function loadGateFile(file: string): GateConfig {
  return parseGateFile(readConfigText(file, 'gate file'), file);
}

/** Flags as the CLI parsed them; each adds to (lists) or overrides (scalars) the gate file. */
export interface GateFlags {
  gate?: string;
  failOn?: Severity;
  failSeverity?: string[];
  failId?: string[];
  failCvss?: string[];
  failSoftware?: string[];
  fixableOnly?: boolean;
  excludeId?: string[];
  excludePackage?: string[];
  excludePath?: string[];
  ignoreFile?: string;
  vex?: string[];
  /** A scan result (JSON): fail only on findings it does not have. */
  baseline?: string;
}

export function buildGateConfig(flags: GateFlags): GateConfig {
  const config = flags.gate ? loadGateFile(flags.gate) : emptyGateConfig();
  if (flags.failOn) config.failOn = flags.failOn;
  for (const text of flags.failSeverity ?? []) {
    for (const part of text.split(',').filter((p) => p.trim() !== '')) {
      const [severity, limit] = parseSeverityLimit(part, '--fail-severity');
      config.severityLimits[severity] = limit;
    }
  }
  config.vulnerabilityIds.push(...(flags.failId ?? []).flatMap((text) => text.split(',')).map((id) => id.trim()).filter(Boolean));
  config.cvss.push(...(flags.failCvss ?? []).map((text) => parseCvssCondition(text, '--fail-cvss')));
  config.software.push(...(flags.failSoftware ?? []).map((text) => validatedSoftwareSpec(text, '--fail-software')));
  if (flags.fixableOnly) config.fixableOnly = true;
  config.exclude.ids.push(...(flags.excludeId ?? []).flatMap((text) => text.split(',')).map((id) => id.trim()).filter(Boolean));
  config.exclude.packages.push(...(flags.excludePackage ?? []).map((text) => validatedSoftwareSpec(text, '--exclude-package')));
  config.exclude.paths.push(...(flags.excludePath ?? []));
  if (flags.ignoreFile) config.ignoreEntries.push(...loadIgnoreFile(flags.ignoreFile));
  else if (!flags.gate && existsSync(DEFAULT_IGNORE_FILE)) config.ignoreEntries.push(...loadIgnoreFile(DEFAULT_IGNORE_FILE));
  config.vex.push(...loadOpenVex(flags.vex ?? []));
  if (flags.baseline) config.baseline = loadBaselineFile(flags.baseline);
  return config;
}
