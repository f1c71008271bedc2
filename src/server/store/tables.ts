/**
 * The server's tables as Kysely sees them. One shape for SQLite and PostgreSQL: times are ISO-8601
 * UTC text (`Date#toISOString`, so text order is time order), documents are JSON text, ids are
 * text. Nothing here holds a secret in clear: tokens are stored as SHA-256 hashes.
 */
import type { AssetGroupTable, AuthRecordTable, ComplianceScanTable, HostTable, OptionProfileTable, PolicyTable, ScannerTable, ScannerWorkerTable } from '../compliance/store/compliance-tables.js';
import type { CloudConnectorTable, CloudInstanceTable } from '../cloud/cloud-tables.js';

import type { SensorTables } from '../sensors/sensor-tables.js';

export interface TokenTable {
  name: string;
  role: string;
  /** Hex SHA-256 of the token; the token itself is shown once and never stored. */
  hash: string;
  created_at: string;
  created_by: string;
}

export interface AuditTable {
  id: string;
  at: string;
  token_name: string;
  action: string;
  target: string;
}

export interface ImageTable {
  digest: string;
  /** JSON array of `repo:tag`, every tag ever reported for the digest. */
  tags: string;
  /** The tags lower-cased, one a line (store/image-search.ts): what the images list searches. */
  tag_search: string;
  first_seen: string;
  last_seen: string;
  /** Set while a sensor has announced a scan that has not arrived: the result endpoint answers 204. */
  processing_since: string | null;
}

export interface ScanTable {
  scan_id: string;
  digest: string;
  scanned_at: string;
  received_at: string;
  /** `partial`: inventory stored, vulnerabilities not matched yet; `complete`: matched. */
  status: string;
  /** The ScanResult document as JSON (packages per layer, findings, scanner and database versions). */
  result: string;
  /** The vulnerability database the findings come from (its `built_at`), when the server matched them. */
  database_built_at: string | null;
  /** The inventory's package names, one per line (evaluation/package-names.ts); NULL for scans stored before migration 0006. */
  package_names: string | null;
}

export interface ImageFindingTable {
  digest: string;
  /** `<finding id>|<package id>`: gate/finding-ref's key. */
  finding_key: string;
  finding_id: string;
  package_name: string;
  package_version: string;
  severity: string;
  first_seen: string;
  /** Set when the latest scan or re-evaluation no longer has it. */
  resolved_at: string | null;
}

export interface FindingEventTable {
  id: string;
  digest: string;
  finding_key: string;
  finding_id: string;
  severity: string;
  appeared_at: string;
  /** `scan` (a new upload) or `reevaluation` (the database changed). */
  cause: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface JobRunTable {
  /** One row per singleton job run (e.g. `reevaluate:<database built_at>`); the primary key makes it run once. */
  job_key: string;
  started_at: string;
  finished_at: string | null;
  node: string;
  detail: string | null;
}

/** An exception (server/exceptions/): requested, then approved (with an expiry) or rejected. */
export interface ExceptionTable {
  id: string;
  /** `advisory` (an image finding's advisory id) or `control` (a compliance control's CID). */
  kind: string;
  /** The advisory id or the CID. */
  subject: string;
  scope_repository: string | null;
  scope_digest: string | null;
  scope_host: string | null;
  scope_asset_group: string | null;
  reason: string;
  requested_by: string;
  requested_at: string;
  /** `requested`, `approved` or `rejected`; an approved one past `expires_at` is listed as expired. */
  state: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_comment: string | null;
  expires_at: string | null;
}

/** The pipeline a scan was uploaded for (server/history/): baseline, trend and dashboard read it. */
export interface ScanPipelineTable {
  scan_id: string;
  digest: string;
  repository: string;
  branch: string;
  build_number: string | null;
  job_name: string | null;
  /** 1 passed, 0 failed, null not reported. */
  gate_passed: number | null;
  scanned_at: string;
  received_at: string;
}

export interface Tables {
  tokens: TokenTable;
  audit_log: AuditTable;
  images: ImageTable;
  scans: ScanTable;
  image_findings: ImageFindingTable;
  finding_events: FindingEventTable;
  meta: MetaTable;
  job_runs: JobRunTable;
  hosts: HostTable;
  asset_groups: AssetGroupTable;
  auth_records: AuthRecordTable;
  policies: PolicyTable;
  option_profiles: OptionProfileTable;
  scanners: ScannerTable;
  scanner_workers: ScannerWorkerTable;
  compliance_scans: ComplianceScanTable;
  exceptions: ExceptionTable;
  scan_pipelines: ScanPipelineTable;
  sensors: SensorTables['sensors'];
  image_claims: SensorTables['image_claims'];
  image_aliases: SensorTables['image_aliases'];
  sensor_images: SensorTables['sensor_images'];
  sensor_containers: SensorTables['sensor_containers'];
  sensor_events: SensorTables['sensor_events'];
  cloud_connectors: CloudConnectorTable;
  cloud_instances: CloudInstanceTable;
}
