/**
 * The image gate's configuration as the evaluation sees it: failure conditions and exclusions,
 * already read and validated (src/config/gate-file.ts builds it from a gate file and flags).
 * Plain data; nothing here reads a file or parses text.
 */
import type { Severity } from '../model/severity.js';
import type { SoftwareSpec } from '../ecosystems/software-spec.js';
import type { VexStatement } from './vex.js';
import type { GateBaseline } from './baseline.js';

export type CvssVersionChoice = '2' | '3' | '4' | 'max';

export interface CvssCondition {
  version: CvssVersionChoice;
  threshold: number;
}

/** An accepted finding from an ignore file, with its reason and optional review date. */
export interface IgnoreEntry {
  id?: string;
  package?: SoftwareSpec;
  path?: string;
  reason: string;
  /** Last day the entry applies, `YYYY-MM-DD`. */
  expires?: string;
  /** `file:line` of the entry, for messages and reports. */
  origin: string;
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
  /** When set, the failure conditions judge only findings this baseline does not have (baseline.ts). */
  baseline?: GateBaseline;
}

export function emptyGateConfig(): GateConfig {
  return { severityLimits: {}, vulnerabilityIds: [], cvss: [], software: [], fixableOnly: false, exclude: { ids: [], packages: [], paths: [] }, ignoreEntries: [], vex: [] };
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
