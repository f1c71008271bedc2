/**
 * The prebuilt database artifact: what it is made of and how it is named, shared by the builder,
 * the publisher and the installer.
 *
 * One file, `tollgate-db.tar`: an uncompressed tar of exactly three entries, in this order:
 *   1. `metadata.json`      the metadata document (schema version, build time, sources, the
 *                            database payload's digests and sizes), at most 1 MiB;
 *   2. `metadata.json.sig`  an ed25519 signature over the exact bytes of `metadata.json`;
 *   3. `tollgate.db.zst`    the SQLite database, zstd-compressed.
 * The order lets an installer verify the signature before it decompresses a single byte of the
 * database, and check the payload's digest while it streams. The same file is the one layer of the
 * OCI artifact `db push` publishes, and the file an HTTPS mirror serves.
 */

export const METADATA_ENTRY = 'metadata.json';
export const SIGNATURE_ENTRY = 'metadata.json.sig';
export const DATABASE_ENTRY = 'tollgate.db.zst';

/** The OCI manifest's `artifactType`. */
export const ARTIFACT_TYPE = 'application/vnd.tollgate.vulndb.v1';
/** The media type of the artifact file, as the one layer of the OCI manifest. */
export const ARTIFACT_LAYER_MEDIA_TYPE = 'application/vnd.tollgate.vulndb.layer.v1.tar';
/** The OCI 1.1 empty config an artifact without a config of its own carries. */
export const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
/** Media type of the metadata document and of the database payload named in it. */
export const METADATA_MEDIA_TYPE = 'application/vnd.tollgate.vulndb.metadata.v1+json';
export const DATABASE_MEDIA_TYPE = 'application/vnd.tollgate.vulndb.sqlite.v1+zstd';

/** Annotations on the OCI manifest: readable without downloading the artifact. */
export const ANNOTATION_SCHEMA_VERSION = 'dev.tollgate.vulndb.schema-version';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';
export const ANNOTATION_TITLE = 'org.opencontainers.image.title';

export const MAX_METADATA_BYTES = 1024 * 1024;
export const MAX_SIGNATURE_BYTES = 4096;
/** A bound on the database an artifact may claim: far above OSV's whole corpus today. */
export const MAX_DATABASE_BYTES = 16 * 1024 * 1024 * 1024;

/** How often the project's workflow rebuilds the artifact (`.github/workflows/vulndb.yml`). */
export const BUILD_INTERVAL_HOURS = 6;
