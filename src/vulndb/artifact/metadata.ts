/**
 * The artifact's metadata document: everything an installer decides on before it downloads the
 * database (schema version, build time, sizes, digests), and what `db status` shows of its origin.
 * The document is signed as bytes; this module only builds and validates its shape. Parsing is
 * strict: the document arrives from a mirror, so anything unexpected is refused with a reason.
 */
import { DatabaseError } from '../../errors.js';
import { DATABASE_MEDIA_TYPE, MAX_DATABASE_BYTES, METADATA_MEDIA_TYPE } from './format.js';

export interface ArtifactSource {
  name: string;
  url?: string;
  fetchedAt: string;
  records: number;
  sha256?: string;
}

export interface ArtifactEcosystem {
  ecosystem: string;
  packages: number;
  entries: number;
}

export interface ArtifactMetadata {
  mediaType: typeof METADATA_MEDIA_TYPE;
  /** The SQLite schema version of the database (SCHEMA_VERSION); also the OCI tag. */
  schemaVersion: number;
  builtAt: string;
  /** When the next build is expected: a mirror that stops updating shows here. */
  nextBuildBy: string;
  sources: ArtifactSource[];
  ecosystems: ArtifactEcosystem[];
  advisories: number;
  database: {
    mediaType: typeof DATABASE_MEDIA_TYPE;
    /** Digest and size of the compressed payload (`tollgate.db.zst`). */
    digest: string;
    size: number;
    /** Digest and size of the SQLite file it decompresses to. */
    uncompressedDigest: string;
    uncompressedSize: number;
  };
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(problem: string): never {
  throw new DatabaseError(`the database artifact's metadata is invalid: ${problem}`, { hint: 'the mirror serves a damaged or foreign artifact; try another --db-repository' });
}

const count = (value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) fail(`${field} is not a count`);
  return value;
};

const text = (value: unknown, field: string, max = 2048): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) fail(`${field} is not a string`);
  return value;
};

const time = (value: unknown, field: string): string => {
  const stamp = text(value, field, 64);
  if (!ISO_TIME.test(stamp) || Number.isNaN(Date.parse(stamp))) fail(`${field} is not an ISO 8601 UTC time`);
  return stamp;
};

const digest = (value: unknown, field: string): string => {
  const stamp = text(value, field, 80);
  if (!DIGEST.test(stamp)) fail(`${field} is not a sha256 digest`);
  return stamp;
};

/** Validates a parsed metadata document; throws a DatabaseError naming the first problem. */
export function parseArtifactMetadata(bytes: Buffer): ArtifactMetadata {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    fail('not JSON');
  }
  if (!isObject(document)) fail('not a JSON object');
  if (document.mediaType !== METADATA_MEDIA_TYPE) fail(`mediaType is not ${METADATA_MEDIA_TYPE}`);
  const database = document.database;
  if (!isObject(database)) fail('no "database"');
  if (database.mediaType !== DATABASE_MEDIA_TYPE) fail(`database.mediaType is not ${DATABASE_MEDIA_TYPE}`);
  if (!Array.isArray(document.sources) || document.sources.length > 1000) fail('"sources" is not a list');
  if (!Array.isArray(document.ecosystems) || document.ecosystems.length > 10_000) fail('"ecosystems" is not a list');
  return {
    mediaType: METADATA_MEDIA_TYPE,
    schemaVersion: count(document.schemaVersion, 'schemaVersion', 1_000_000),
    builtAt: time(document.builtAt, 'builtAt'),
    nextBuildBy: time(document.nextBuildBy, 'nextBuildBy'),
    advisories: count(document.advisories, 'advisories'),
    sources: document.sources.map((source, index) => {
      if (!isObject(source)) fail(`sources[${index}] is not an object`);
      return {
        name: text(source.name, `sources[${index}].name`, 200),
        ...(source.url !== undefined ? { url: text(source.url, `sources[${index}].url`) } : {}),
        fetchedAt: time(source.fetchedAt, `sources[${index}].fetchedAt`),
        records: count(source.records, `sources[${index}].records`),
        ...(source.sha256 !== undefined ? { sha256: text(source.sha256, `sources[${index}].sha256`, 80) } : {}),
      };
    }),
    ecosystems: document.ecosystems.map((entry, index) => {
      if (!isObject(entry)) fail(`ecosystems[${index}] is not an object`);
      return { ecosystem: text(entry.ecosystem, `ecosystems[${index}].ecosystem`, 200), packages: count(entry.packages, `ecosystems[${index}].packages`), entries: count(entry.entries, `ecosystems[${index}].entries`) };
    }),
    database: {
      mediaType: DATABASE_MEDIA_TYPE,
      digest: digest(database.digest, 'database.digest'),
      size: count(database.size, 'database.size', MAX_DATABASE_BYTES),
      uncompressedDigest: digest(database.uncompressedDigest, 'database.uncompressedDigest'),
      uncompressedSize: count(database.uncompressedSize, 'database.uncompressedSize', MAX_DATABASE_BYTES),
    },
  };
}
