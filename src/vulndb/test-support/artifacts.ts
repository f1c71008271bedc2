/**
 * Database artifacts for tests: a signing key pair made per test run (never the project's key),
 * a small database from the repository's OSV test data, and a way to assemble hand-made artifacts
 * (any entries, any metadata, signed or not) for the tampering cases.
 */
import { SCHEMA_VERSION } from '../schema.js';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import tar from 'tar-stream';
import { compress } from 'zstd-napi';
import { fileURLToPath } from 'node:url';
import { DATABASE_ENTRY, DATABASE_MEDIA_TYPE, METADATA_ENTRY, METADATA_MEDIA_TYPE, SIGNATURE_ENTRY } from '../artifact/format.js';
import type { ArtifactMetadata } from '../artifact/metadata.js';
import { keyIdOf, signMetadata, type TrustedKey } from '../artifact/signing.js';
import { importOsv } from '../import.js';

export interface TestKeys {
  privateKey: KeyObject;
  trusted: TrustedKey[];
  /** The public key as PEM, for the CLI's --db-trusted-key. */
  publicPem: string;
  privatePem: string;
}

export function testKeys(): TestKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    trusted: [{ keyId: keyIdOf(publicKey), key: publicKey }],
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const OSV_TEST_DATA = [path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian')];

/** A database of the repository's OSV test records (npm and Debian). */
export async function testDatabase(file: string, inputs: readonly string[] = OSV_TEST_DATA): Promise<void> {
  await importOsv(file, inputs);
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Metadata describing `database` (uncompressed SQLite bytes) compressed as `payload`. */
export function metadataFor(database: Buffer, payload: Buffer, overrides: Partial<ArtifactMetadata> = {}): ArtifactMetadata {
  const builtAt = new Date().toISOString();
  return {
    mediaType: METADATA_MEDIA_TYPE,
    schemaVersion: SCHEMA_VERSION,
    builtAt,
    nextBuildBy: new Date(Date.now() + 6 * 3_600_000).toISOString(),
    sources: [],
    ecosystems: [],
    advisories: 1,
    database: { mediaType: DATABASE_MEDIA_TYPE, digest: sha256(payload), size: payload.length, uncompressedDigest: sha256(database), uncompressedSize: database.length },
    ...overrides,
  };
}

export interface Part {
  name: string;
  content: Buffer;
}

/** A tar of these entries in this order. */
export function tarOf(parts: readonly Part[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
    for (const part of parts) pack.entry({ name: part.name, size: part.content.length }, part.content);
    pack.finalize();
  });
}

/** An artifact made by hand from a database file's bytes: metadata (changed by `overrides`), signed by `key`. */
export async function handMadeArtifact(database: Buffer, key: KeyObject, overrides: Partial<ArtifactMetadata> = {}, options: { payload?: Buffer; extra?: Part[] } = {}): Promise<Buffer> {
  const payload = options.payload ?? compress(database);
  const metadata = Buffer.from(JSON.stringify(metadataFor(database, payload, overrides)));
  return tarOf([{ name: METADATA_ENTRY, content: metadata }, { name: SIGNATURE_ENTRY, content: signMetadata(metadata, key) }, { name: DATABASE_ENTRY, content: payload }, ...(options.extra ?? [])]);
}

export async function writeKeyFiles(folder: string, keys: TestKeys): Promise<{ publicKey: string; privateKey: string }> {
  const publicKey = path.join(folder, 'db-signing.pub.pem');
  const privateKey = path.join(folder, 'db-signing.key.pem');
  await writeFile(publicKey, keys.publicPem);
  await writeFile(privateKey, keys.privatePem, { mode: 0o600 });
  return { publicKey, privateKey };
}
