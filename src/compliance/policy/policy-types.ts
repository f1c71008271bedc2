/**
 * A policy as TypeScript types, whatever format it was loaded from. Its checks are the definitions
 * of the check types listed in src/compliance/checks/list.ts, each typed in its own folder;
 * docs/schema/policy.schema.json describes the native YAML format.
 */
import type { Criticality } from '../../model/control.js';
import type { CheckDefinition } from '../checks/list.js';

export type { CheckDefinition };

export interface Applicability {
  technology?: string;
  os?: { family: string; minVersion?: string }[];
  anyOf?: ({ package: string } | { path: string })[];
}

export interface Control {
  cid: string;
  title: string;
  statement: string;
  criticality: Criticality;
  rationale?: string;
  remediation?: string;
  references?: string[];
  applicability?: Applicability;
  check: CheckDefinition;
}

export interface Policy {
  schemaVersion: 1;
  id: string;
  title: string;
  version: string;
  description?: string;
  applicability?: Applicability;
  controls: Control[];
  /** Where the policy was loaded from (a file, or `built-in`). */
  origin: string;
}
