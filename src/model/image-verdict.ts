/**
 * The gate's verdict: plain, versioned JSON (schema: docs/schema/verdict.schema.json). One per
 * image, plus an aggregate when several images are scanned in one call. Renderers read it; only
 * src/gate/evaluate.ts writes it.
 */
import type { Severity } from './severity.js';

export const VERDICT_SCHEMA_VERSION = 1;

export type CriterionKind = 'severity-limit' | 'fail-on' | 'vulnerability-ids' | 'cvss' | 'software';

export interface FindingRef {
  id: string;
  aliases: string[];
  packageId: string;
  package: string;
  version: string;
  severity: Severity;
  fixedVersions: string[];
}

export interface Criterion {
  /** Stable id: `severity:HIGH`, `fail-on`, `vulnerability-ids`, `cvss:3`, `software`. */
  id: string;
  kind: CriterionKind;
  title: string;
  configured: boolean;
  /** The configured value as the user wrote it (`> 5`, `CVE-2024-*`, `>= 9.0`, `openssl<3`). */
  configuredValue?: string;
  /** How many findings (or, for software, installed packages) meet the criterion. */
  found: number;
  /** How many would have met it but were excluded. */
  excluded: number;
  violated: boolean;
  /** The findings that violate it (for software: none; see violatingPackages). */
  violations: FindingRef[];
  violatingPackages?: { packageId: string; name: string; version: string; type: string; matchedSpec: string }[];
  /** cvss criteria: findings with no score of the configured version; listed, never passed silently. */
  unscored?: FindingRef[];
}

export type ExclusionSource = 'id' | 'package' | 'path' | 'ignore-file' | 'vex';

export interface Exclusion {
  finding: FindingRef;
  by: ExclusionSource;
  /** The rule that excluded it: the pattern, the ignore entry's origin, the VEX statement. */
  rule: string;
  reason?: string;
  /** VEX: the status and justification. */
  vexStatus?: string;
  justification?: string;
  expires?: string;
}

export interface ExpiredIgnore {
  origin: string;
  id?: string;
  package?: string;
  path?: string;
  reason: string;
  expires: string;
}

export interface ImageVerdict {
  schemaVersion: typeof VERDICT_SCHEMA_VERSION;
  image: {
    reference: string;
    digest?: string;
    id?: string;
    tags: string[];
    size?: number;
    os?: string;
    architecture?: string;
    layerCount: number;
  };
  passed: boolean;
  /** One sentence per violated criterion; empty when passed. */
  reasons: string[];
  criteria: Criterion[];
  counts: {
    /** Findings before exclusions. */
    total: number;
    excluded: number;
    /** Findings the conditions were applied to (after exclusions and the fixable-only filter). */
    considered: number;
    bySeverity: Record<Severity, number>;
    fixable: number;
    unfixable: number;
  };
  /** Findings by base score of their chosen CVSS: index i counts scores in [i, i+1); 10 counts 10.0. */
  cvssHistogram: number[];
  unscoredCount: number;
  violatingFindings: FindingRef[];
  exclusions: Exclusion[];
  expiredIgnores: ExpiredIgnore[];
  fixableOnly: boolean;
}

export interface AggregateVerdict {
  schemaVersion: typeof VERDICT_SCHEMA_VERSION;
  passed: boolean;
  reasons: string[];
  images: ImageVerdict[];
  /** References that named an image already scanned in this call (same digest). */
  duplicates: { reference: string; sameAs: string }[];
}
