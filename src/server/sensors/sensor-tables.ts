/**
 * The sensor tables as Kysely sees them (migration 0004-sensors). Times are ISO-8601 UTC text,
 * lists and maps are JSON text, as in the rest of the store.
 */

export interface SensorTable {
  sensor_id: string;
  /** The Docker daemon's id (`docker info` ID): sensors of one daemon share it. */
  daemon_id: string;
  hostname: string;
  version: string;
  /** `ci`, `general` or `registry`. */
  mode: string;
  /** JSON object of label name to value. */
  labels: string;
  /** The sensor's heartbeat interval: it is live while its last heartbeat is within 3 of them. */
  interval_seconds: number;
  first_seen: string;
  last_seen: string;
  token_name: string;
}

export interface ImageClaimTable {
  digest: string;
  /** Random per granted claim: the sensor derives its scan id from it, so a retried upload is the same scan. */
  claim_id: string;
  sensor_id: string;
  marker: string;
  claimed_at: string;
  /** Set when the claiming sensor has uploaded the scan. */
  completed_at: string | null;
  /** Set when the claiming sensor gave up on the scan (migration 0007); cleared by a new claim or the completion. */
  failed_at: string | null;
  /** The sensor's reason, one line, bounded (see claim-failure.ts). */
  failure_reason: string | null;
}

export interface ImageAliasTable {
  /** An image id (config digest) ... */
  alias: string;
  /** ... of the image the platform files under this digest (its manifest digest). */
  digest: string;
}

export interface SensorImageTable {
  sensor_id: string;
  image_id: string;
  tags: string;
  repo_digests: string;
  reported_at: string;
}

export interface SensorContainerTable {
  sensor_id: string;
  container_id: string;
  name: string;
  /** The image as the container names it (repo:tag or id). */
  image: string;
  /** The image id (sha256:...) the container runs, when the daemon reported it. */
  image_id: string | null;
  state: string;
  ports: string;
  labels: string;
  reported_at: string;
}

export interface SensorEventTable {
  event_id: string;
  sensor_id: string;
  type: string;
  at: string;
  image: string | null;
  container: string | null;
  received_at: string;
}

export interface SensorTables {
  sensors: SensorTable;
  image_claims: ImageClaimTable;
  image_aliases: ImageAliasTable;
  sensor_images: SensorImageTable;
  sensor_containers: SensorContainerTable;
  sensor_events: SensorEventTable;
}
