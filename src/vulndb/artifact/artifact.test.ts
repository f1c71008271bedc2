import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { compress } from 'zstd-napi';
import { SCHEMA_VERSION } from '../schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError, UsageError } from '../../errors.js';
import { openVulnDatabase } from '../database.js';
import { handMadeArtifact, OSV_TEST_DATA, tarOf, testDatabase, testKeys, type TestKeys } from '../test-support/artifacts.js';
import { DATABASE_ENTRY, METADATA_ENTRY, SIGNATURE_ENTRY } from './format.js';
import { readArtifactMetadata } from './inspect.js';
import { installArtifact } from './install.js';
import { parseArtifactMetadata } from './metadata.js';
import { packArtifact } from './pack.js';
import { parseArtifactLocation, repositoryList } from './repository.js';
import { pinnedKeys, publicKeyFromPem, verifyMetadataSignature } from './signing.js';

let work: string;
let keys: TestKeys;
let source: string;
let artifact: Buffer;
let databaseBytes: Buffer;

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Every advisory id and affected row, as a comparable list. */
function contentOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT advisory_id, ecosystem, name, ranges FROM affected ORDER BY advisory_id, ecosystem, name').all() as Record<string, string>[];
    return rows.map((row) => Object.values(row).join('|'));
  } finally {
    db.close();
  }
}

async function install(bytes: Buffer, target: string, options: Partial<Parameters<typeof installArtifact>[2]> = {}) {
  return installArtifact(Readable.from([bytes]), target, { origin: 'test', trustedKeys: keys.trusted, ...options });
}

/** A database in place whose replacement must not happen: its bytes are compared afterwards. */
async function previousDatabase(name: string): Promise<{ file: string; digest: string }> {
  const file = path.join(work, `${name}.db`);
  await copyFile(source, file);
  return { file, digest: sha(await readFile(file)) };
}

async function expectUntouched(previous: { file: string; digest: string }): Promise<void> {
  expect(sha(await readFile(previous.file))).toBe(previous.digest);
  openVulnDatabase(previous.file).close();
  const leftovers = (await readdir(path.dirname(previous.file))).filter((name) => name.startsWith(`${path.basename(previous.file)}.installing-`));
  expect(leftovers).toEqual([]);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tollgate-artifact-'));
  keys = testKeys();
  source = path.join(work, 'source.db');
  await testDatabase(source);
  const packed = await packArtifact(source, path.join(work, 'tollgate-db.tar'), { privateKey: keys.privateKey, compressionLevel: 3 });
  artifact = await readFile(packed.output);
  const compact = path.join(work, 'compact.db');
  const db = new Database(source, { readonly: true });
  db.prepare('VACUUM INTO ?').run(compact);
  db.close();
  databaseBytes = await readFile(compact);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('packing and installing a database artifact', () => {
  it('round-trips: the installed database holds exactly what the packed one held', async () => {
    const target = path.join(work, 'installed.db');
    const result = await install(artifact, target, { expectedDigest: `sha256:${sha(artifact)}`, expectedSize: artifact.length });
    expect(contentOf(target)).toEqual(contentOf(source));
    expect(result.keyId).toBe(keys.trusted[0]?.keyId);
    expect(result.metadata).toMatchObject({ schemaVersion: SCHEMA_VERSION, advisories: 8 });
    expect(result.metadata.sources.map((s) => s.name).sort()).toEqual([...OSV_TEST_DATA].sort());
    expect(result.metadata.ecosystems.map((e) => e.ecosystem)).toContain('npm');
    expect(Date.parse(result.metadata.nextBuildBy) - Date.parse(result.metadata.builtAt)).toBe(6 * 3_600_000);
  });

  it('is a tar of the signed metadata, its signature and the compressed database, in that order', async () => {
    const file = path.join(work, 'tollgate-db.tar');
    const metadata = await readArtifactMetadata(file, { trustedKeys: keys.trusted });
    expect(metadata.database.uncompressedSize).toBeGreaterThan(metadata.database.size);
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')).toEqual([METADATA_ENTRY, SIGNATURE_ENTRY, DATABASE_ENTRY]);
    // The payload is plain zstd: Debian's zstd reads it back to the SQLite file.
    const payload = execFileSync('sh', ['-c', `tar -xOf '${file}' ${DATABASE_ENTRY} | zstd -dc`]);
    expect(`sha256:${sha(payload)}`).toBe(metadata.database.uncompressedDigest);
    await expect(readArtifactMetadata(file)).rejects.toThrow(/not trusted/);
  });

  it('leaves advisory details out with omitDetails, and says so in the database', async () => {
    const packed = await packArtifact(source, path.join(work, 'lean.tar'), { privateKey: keys.privateKey, omitDetails: true, compressionLevel: 3 });
    const target = path.join(work, 'lean.db');
    await install(await readFile(packed.output), target);
    const db = new Database(target, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM advisory WHERE details IS NOT NULL').get() as { n: number }).n).toBe(0);
    expect((db.prepare("SELECT value FROM meta WHERE key = 'details'").get() as { value: string }).value).toBe('omitted');
    db.close();
    expect(contentOf(target)).toEqual(contentOf(source));
  });
});

describe('a damaged or forged artifact is refused and the previous database keeps working', () => {
  const cases: [string, () => Promise<Buffer> | Buffer, RegExp, Partial<Parameters<typeof installArtifact>[2]>?][] = [
    ['a changed byte in the compressed database', () => {
      const copy = Buffer.from(artifact);
      copy[copy.length - 2048] = (copy[copy.length - 2048] as number) ^ 0x55;
      return copy;
    }, /digest|could not be read|does not match/],
    ['a truncated download', () => artifact.subarray(0, Math.floor(artifact.length * 0.7)), /truncated|could not be read|ends before/],
    ['a download cut inside the metadata', () => artifact.subarray(0, 700), /truncated|could not be read|ends before/],
    ['metadata signed by another key', () => handMadeArtifact(databaseBytes, testKeys().privateKey), /not trusted/],
    ['metadata changed after signing', async () => {
      const good = await handMadeArtifact(databaseBytes, keys.privateKey);
      const text = good.toString('latin1').replace('"advisories":1', '"advisories":9');
      return Buffer.from(text, 'latin1');
    }, /does not match the metadata/],
    ['a newer schema version', () => handMadeArtifact(databaseBytes, keys.privateKey, { schemaVersion: SCHEMA_VERSION + 1 }), new RegExp(`schema version ${SCHEMA_VERSION + 1}; this tollgate reads version ${SCHEMA_VERSION}`)],
    ['a build time in the future', () => handMadeArtifact(databaseBytes, keys.privateKey, { builtAt: new Date(Date.now() + 86_400_000).toISOString() }), /in the future/],
    ['a payload that decompresses past its declared size', async () => {
      const payload = compress(Buffer.concat([databaseBytes, Buffer.alloc(1 << 20)]));
      const metadata = JSON.parse(JSON.stringify((await import('../test-support/artifacts.js')).metadataFor(databaseBytes, payload)));
      const body = Buffer.from(JSON.stringify(metadata));
      const { signMetadata } = await import('./signing.js');
      return tarOf([{ name: METADATA_ENTRY, content: body }, { name: SIGNATURE_ENTRY, content: signMetadata(body, keys.privateKey) }, { name: DATABASE_ENTRY, content: payload }]);
    }, /more than the \d+ bytes its metadata declares/],
    ['a payload that is not zstd', () => handMadeArtifact(databaseBytes, keys.privateKey, {}, { payload: Buffer.alloc(4096, 7) }), /could not be read|Unknown frame/i],
    ['a valid database that is not a Tollgate database', async () => {
      const foreign = path.join(work, 'foreign.db');
      const db = new Database(foreign);
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
      db.close();
      return handMadeArtifact(await readFile(foreign), keys.privateKey);
    }, /not a readable vulnerability database/],
    ['an extra entry after the database', () => handMadeArtifact(databaseBytes, keys.privateKey, {}, { extra: [{ name: '../../escape', content: Buffer.from('x') }] }), /holds more than a database/],
    ['entries in another order', async () => {
      const payload = compress(databaseBytes);
      return tarOf([{ name: DATABASE_ENTRY, content: payload }]);
    }, /expected metadata\.json/],
    ['an oversized metadata document', () => tarOf([{ name: METADATA_ENTRY, content: Buffer.alloc(2 * 1024 * 1024, 0x20) }]), /over 1048576 bytes/],
    ['not a tar at all', () => Buffer.from('<html>rate limited</html>'), /could not be read|ends before/],
  ];

  for (const [name, make, expected, options] of cases) {
    it(`refuses ${name}`, async () => {
      const previous = await previousDatabase(name.replace(/\W+/g, '-'));
      const error = await install(await make(), previous.file, options).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as Error).message).toMatch(expected);
      await expectUntouched(previous);
    });
  }

  it('refuses an artifact whose whole digest differs from the manifest, even if it is otherwise sound', async () => {
    const previous = await previousDatabase('manifest-digest');
    await expect(install(artifact, previous.file, { expectedDigest: `sha256:${'0'.repeat(64)}` })).rejects.toThrow(/the manifest says sha256:0000/);
    await expectUntouched(previous);
  });

  it('refuses an artifact older than the installed database when asked (a mirror that went back in time)', async () => {
    const previous = await previousDatabase('older');
    await expect(install(artifact, previous.file, { notBefore: new Date(Date.now() + 60_000).toISOString() })).rejects.toThrow(/before the one installed/);
    await expectUntouched(previous);
  });

  it('installs an unverifiable signature only with skipSignature, and still checks every digest', async () => {
    const foreign = await handMadeArtifact(databaseBytes, testKeys().privateKey);
    const target = path.join(work, 'skip.db');
    await expect(install(foreign, target, { skipSignature: true })).resolves.toMatchObject({ keyId: undefined });
    const damaged = Buffer.from(foreign);
    damaged[damaged.length - 1500] = (damaged[damaged.length - 1500] as number) ^ 1;
    const previous = await previousDatabase('skip-damaged');
    await expect(install(damaged, previous.file, { skipSignature: true })).rejects.toThrow(DatabaseError);
    await expectUntouched(previous);
  });

  it('never installs a mutated artifact and fails only with a DatabaseError (property)', async () => {
    const previous = await previousDatabase('property');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: artifact.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat({ max: artifact.length }), { nil: undefined }), async (flips, cut) => {
        const copy = Buffer.from(artifact);
        for (const [offset, mask] of flips) copy[offset] = (copy[offset] as number) ^ mask;
        const bytes = cut === undefined ? copy : copy.subarray(0, cut);
        // Flips inside tar padding or header fields the reader ignores leave the content intact.
        const result = await install(bytes, previous.file).then((installed) => installed, (error: unknown) => error);
        if (result instanceof Error) {
          expect(result).toBeInstanceOf(DatabaseError);
          expect(sha(await readFile(previous.file))).toBe(previous.digest);
        } else {
          expect(contentOf(previous.file)).toEqual(contentOf(source));
          await copyFile(source, previous.file);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('the metadata document', () => {
  it('validates whatever JSON arrives, never throwing anything but a DatabaseError (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        try {
          parseArtifactMetadata(Buffer.from(JSON.stringify(value)));
        } catch (error) {
          expect(error).toBeInstanceOf(DatabaseError);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => parseArtifactMetadata(Buffer.from('{"mediaType":'))).toThrow(/not JSON/);
  });
});

describe('signing keys', () => {
  it('pins the project key in the source and verifies only against trusted keys', async () => {
    expect(pinnedKeys()).toHaveLength(1);
    const metadata = Buffer.from('{}');
    const { signMetadata } = await import('./signing.js');
    const signature = signMetadata(metadata, keys.privateKey);
    expect(verifyMetadataSignature(metadata, signature, keys.trusted)).toBe(keys.trusted[0]?.keyId);
    expect(() => verifyMetadataSignature(metadata, signature, pinnedKeys())).toThrow(/not trusted/);
    expect(() => verifyMetadataSignature(metadata, Buffer.from('{"algorithm":"ed25519","keyId":"x","signature":"AA=="}'), keys.trusted)).toThrow(/not trusted/);
    expect(() => publicKeyFromPem('garbage', 'key.pem')).toThrow(UsageError);
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => publicKeyFromPem(rsa, 'rsa.pem')).toThrow(/ed25519/);
  });
});

describe('repositories', () => {
  it('tags an OCI repository with the schema version unless a tag is written, and keeps https URLs as they are', () => {
    expect(parseArtifactLocation('127.0.0.1:5000/tollgate-db')).toMatchObject({ kind: 'oci', label: `127.0.0.1:5000/tollgate-db:${SCHEMA_VERSION}` });
    expect(parseArtifactLocation('127.0.0.1:5000/tollgate-db:nightly')).toMatchObject({ kind: 'oci', label: '127.0.0.1:5000/tollgate-db:nightly' });
    expect(parseArtifactLocation('https://user:secret@mirror.test/db.tar')).toMatchObject({ kind: 'https', label: 'https://redacted@mirror.test/db.tar' });
    expect(() => parseArtifactLocation('ftp://mirror.test/db.tar')).toThrow(UsageError);
    expect(repositoryList(['a,b', 'b', ' c '], {})).toEqual(['a', 'b', 'c']);
    expect(repositoryList(undefined, { TOLLGATE_DB_REPOSITORY: 'x,y' })).toEqual(['x', 'y']);
  });
});

it('installs from a file stream as from a download', async () => {
  const target = path.join(work, 'from-file.db');
  await installArtifact(createReadStream(path.join(work, 'tollgate-db.tar')), target, { origin: 'file', trustedKeys: keys.trusted });
  expect(contentOf(target)).toEqual(contentOf(source));
  await writeFile(path.join(work, 'unused'), '');
});
