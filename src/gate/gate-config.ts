/**
 * The image gate's configuration: failure conditions and exclusions, from a YAML gate file and
 * from flags (flags add to the file's lists and override its scalars). Everything is validated
 * here, with the file, line and field of any mistake: an invalid gate is a usage error (exit 2).
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
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { yaml } from '../util/yaml.js';
import { UsageError } from '../errors.js';
import { parseSeverity, SEVERITIES, type Severity } from '../model/severity.js';
import { VERSION_SCHEMES } from '../versions/list.js';
import { loadIgnoreFile, type IgnoreEntry } from './ignore-file.js';
import { parseSoftwareSpec, type SoftwareSpec } from './software-spec.js';
import { loadOpenVex, type VexStatement } from './vex.js';

export type CvssVersionChoice = '2' | '3' | '4' | 'max';

export interface CvssCondition {
  version: CvssVersionChoice;
  threshold: number;
}

export interface GateConfig {
  severityLimits: Partial<Record<Severity, number>>;
  failOn?: Severity;
  vulnerabilityIds: string[];
  cvss: CvssCondition[];
  software: SoftwareSpec[];
  fixableOnly: boolean;
  exclude: { ids: string[]; packages: SoftwareSpec[]; paths: string[] };
  ignoreEntries: IgnoreEntry[];
  vex: VexStatement[];
}

export const DEFAULT_IGNORE_FILE = '.tollgateignore.yaml';

export function emptyGateConfig(): GateConfig {
  return { severityLimits: {}, vulnerabilityIds: [], cvss: [], software: [], fixableOnly: false, exclude: { ids: [], packages: [], paths: [] }, ignoreEntries: [], vex: [] };
}

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

function lineOf(document: Document, text: string, keyPath: (string | number)[]): number {
  const node = document.getIn(keyPath, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : text.slice(0, offset).split('\n').length;
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw new UsageError(`${where}[${i}]: expected a string`);
    return String(item);
  });
}

function checkKeys(value: unknown, known: readonly string[], where: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where}: expected a mapping`);
  for (const key of Object.keys(value)) if (!known.includes(key)) throw new UsageError(`${where}: unknown key "${key}" (known: ${known.join(', ')})`);
  return value as Record<string, unknown>;
}

/** Parses a gate file. Paths inside it (ignore-file, vex) are relative to the file's folder. */
export function parseGateFile(text: string, file: string): GateConfig {
  const document = yaml().parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    throw new UsageError(`${file}:${error?.linePos?.[0]?.line ?? 1}: invalid YAML: ${error?.message.split('\n')[0]}`);
  }
  const where = (keyPath: (string | number)[]): string => `${file}:${lineOf(document, text, keyPath)}: ${keyPath.join('.')}`;
  const json = document.toJS({ maxAliasCount: 50 }) as unknown;
  if (json !== null && json !== undefined && !yaml().isMap(document.contents)) throw new UsageError(`${file}: the gate file must be a mapping`);
  const root = checkKeys(json, ['fail', 'exclude', 'ignore-file', 'vex'], file);
  const fail = checkKeys(root.fail, ['on', 'severity', 'ids', 'cvss', 'software', 'fixable-only'], where(['fail']));
  const exclude = checkKeys(root.exclude, ['ids', 'packages', 'paths'], where(['exclude']));
  const config = emptyGateConfig();

  if (fail.on !== undefined) {
    const severity = parseSeverity(String(fail.on));
    if (!severity) throw new UsageError(`${where(['fail', 'on'])}: "${String(fail.on)}" is not a severity (${SEVERITIES.join(', ')} or 5..1)`);
    config.failOn = severity;
  }
  const limits = checkKeys(fail.severity, [...SEVERITIES, ...SEVERITIES.map((s) => s.toLowerCase()), '1', '2', '3', '4', '5'], where(['fail', 'severity']));
  for (const [level, limit] of Object.entries(limits)) {
    const severity = parseSeverity(level) as Severity;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw new UsageError(`${where(['fail', 'severity', level])}: the limit must be a whole number >= 0`);
    config.severityLimits[severity] = limit;
  }
  config.vulnerabilityIds = stringList(fail.ids, where(['fail', 'ids']));
  if (fail.cvss !== undefined) {
    const list = Array.isArray(fail.cvss) ? fail.cvss : [fail.cvss];
    config.cvss = list.map((entry: unknown, i) => {
      const at = where(['fail', 'cvss', ...(Array.isArray(fail.cvss) ? [i] : [])]);
      if (typeof entry === 'string') return parseCvssCondition(entry, at);
      const fields = checkKeys(entry, ['version', 'threshold'], at);
      return validateCvss(String(fields.version ?? 'max').toLowerCase().replace('v', ''), Number(fields.threshold), at);
    });
  }
  config.software = stringList(fail.software, where(['fail', 'software'])).map((spec, i) => validatedSoftwareSpec(spec, where(['fail', 'software', i])));
  if (fail['fixable-only'] !== undefined) {
    if (typeof fail['fixable-only'] !== 'boolean') throw new UsageError(`${where(['fail', 'fixable-only'])}: must be true or false`);
    config.fixableOnly = fail['fixable-only'];
  }
  config.exclude.ids = stringList(exclude.ids, where(['exclude', 'ids']));
  config.exclude.packages = stringList(exclude.packages, where(['exclude', 'packages'])).map((spec, i) => validatedSoftwareSpec(spec, where(['exclude', 'packages', i])));
  config.exclude.paths = stringList(exclude.paths, where(['exclude', 'paths']));
  const folder = path.dirname(file);
  if (root['ignore-file'] !== undefined) config.ignoreEntries = loadIgnoreFile(path.resolve(folder, String(root['ignore-file'])));
  config.vex = loadOpenVex(stringList(root.vex, where(['vex'])).map((vexFile) => path.resolve(folder, vexFile)));
  return config;
}

export function loadGateFile(file: string): GateConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read gate file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseGateFile(text, file);
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
  return config;
}

/** True when any failure condition is configured (the gate can fail a build). */
export function hasFailureConditions(config: GateConfig): boolean {
  return (
    config.failOn !== undefined ||
    Object.keys(config.severityLimits).length > 0 ||
    config.vulnerabilityIds.length > 0 ||
    config.cvss.length > 0 ||
    config.software.length > 0
  );
}
