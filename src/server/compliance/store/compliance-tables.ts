/**
 * The compliance half's tables as Kysely sees them (migration 0002). Lists and maps are JSON text;
 * booleans are 0/1 integers (one shape on SQLite and PostgreSQL). No column holds a secret in
 * clear: authentication record secrets are AES-256-GCM sealed, lease tokens stored as SHA-256.
 */

export interface HostTable {
  name: string;
  address: string | null;
  cloud_instance_id: string | null;
  cloud_connector: string | null;
  /** JSON object of label -> value. */
  labels: string;
  created_at: string;
  updated_at: string;
}

export interface AssetGroupTable {
  name: string;
  /** JSON array of host names. */
  hosts: string;
  /** JSON array of policy names. */
  policies: string;
  created_at: string;
  updated_at: string;
}

export interface AuthRecordTable {
  name: string;
  type: string;
  user_name: string;
  port: number;
  sudo: number;
  has_password: number;
  has_private_key: number;
  /** base64 AES-256-GCM ciphertext of the secrets' JSON document. */
  secret_ciphertext: string;
  secret_iv: string;
  secret_tag: string;
  /** Which key sealed it (a digest of the key, never the key). */
  secret_key_id: string;
  created_at: string;
  updated_at: string;
}

export interface PolicyTable {
  name: string;
  /** The policy document's own id. */
  policy_id: string;
  title: string;
  yaml: string;
  created_at: string;
  updated_at: string;
}

export interface OptionProfileTable {
  name: string;
  /** JSON array of policy names. */
  policies: string;
  /** JSON object: connectTimeoutSeconds, commandTimeoutSeconds, timeoutMinutes. */
  settings: string;
  created_at: string;
  updated_at: string;
}

export interface ScannerTable {
  label: string;
  created_at: string;
}

export interface ScannerWorkerTable {
  label: string;
  worker_id: string;
  hostname: string;
  version: string;
  last_seen: string;
}

export interface ComplianceScanTable {
  id: string;
  name: string;
  host: string;
  asset_group: string | null;
  /** The address the worker connects to, fixed at launch (a cloud instance's resolved there). */
  address: string;
  scanner: string;
  option_profile: string | null;
  /** JSON array of policy names. */
  policies: string;
  /** JSON object of scan settings (from the option profile). */
  settings: string;
  auth_record: string;
  /** Queued, Running, Finished, Error, Canceled. */
  state: string;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  worker_id: string | null;
  /** SHA-256 of the current lease's token; a new lease replaces it. */
  lease_token_hash: string | null;
  lease_expires_at: string | null;
  attempts: number;
  /** The ComplianceResult JSON, once Finished. */
  result: string | null;
  error_code: string | null;
  error_message: string | null;
}

export interface ComplianceTables {
  hosts: HostTable;
  asset_groups: AssetGroupTable;
  auth_records: AuthRecordTable;
  policies: PolicyTable;
  option_profiles: OptionProfileTable;
  scanners: ScannerTable;
  scanner_workers: ScannerWorkerTable;
  compliance_scans: ComplianceScanTable;
}
