/**
 * The cloud connector tables as Kysely sees them (migration 0005). Booleans are 0/1 integers, the
 * same on SQLite and PostgreSQL; the secret access key is only ever stored sealed.
 */

export interface CloudConnectorTable {
  name: string;
  /** `aws`. */
  provider: string;
  region: string;
  access_key_id: string;
  /** The secret access key sealed with the server's secret key (AES-256-GCM, base64 fields). */
  secret_ciphertext: string;
  secret_iv: string;
  secret_tag: string;
  secret_key_id: string;
  /** Another EC2 endpoint than AWS's own (a VPC endpoint; the test stub). */
  endpoint: string | null;
  enabled: number;
  /** 1: the server asks EC2 for an instance's state when it launches a scan of it. */
  run_connector: number;
  created_at: string;
  updated_at: string;
}

/** The last state seen of an instance, by connector and instance id. */
export interface CloudInstanceTable {
  connector: string;
  instance_id: string;
  /** EC2's state name (`running`, `stopped`, ...), or `not-found`. */
  state: string;
  private_address: string | null;
  /** EC2's own words when the instance was not found. */
  detail: string | null;
  refreshed_at: string;
}
