/**
 * Signatures of database artifacts: an ed25519 detached signature over the exact bytes of the
 * metadata document (which names the payload's digest, so it vouches for the whole artifact).
 *
 * The public keys Tollgate trusts are pinned here, in the source of the release; the private key
 * lives only in the publishing workflow's secret. Another key can be trusted only by a caller that
 * passes it explicitly (`trustedKeys`: the CLI's loud `--db-trusted-key`, for a private mirror that
 * signs its own builds, and the tests); nothing in the environment can swap it silently.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { DatabaseError, UsageError } from '../../errors.js';
import { MAX_SIGNATURE_BYTES } from './format.js';

export interface TrustedKey {
  keyId: string;
  key: KeyObject;
}

/** The project's signing keys (SubjectPublicKeyInfo, base64 DER). Add a key before rotating to it. */
const PINNED_PUBLIC_KEYS = ['MCowBQYDK2VwAyEAJ/2dw4EtoGnC//LJV55F+gj6htoLpH/lZkNKKMLZFtM='];

/** A key's id: the first 16 hex digits of the sha256 of its SubjectPublicKeyInfo. */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function trusted(key: KeyObject): TrustedKey {
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError('a database signing key must be an ed25519 key');
  return { keyId: keyIdOf(key), key };
}

export function pinnedKeys(): TrustedKey[] {
  return PINNED_PUBLIC_KEYS.map((der) => trusted(createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' })));
}

/** A public key from PEM text (a private key's PEM gives its public half). */
export function publicKeyFromPem(pem: string, origin: string): TrustedKey {
  try {
    return trusted(createPublicKey(pem));
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${origin}: ${error.message}`);
    throw new UsageError(`${origin}: not a PEM public or private key`);
  }
}

/** Reads the builder's private key (PEM, PKCS#8). The key itself never appears in a message. */
export function privateKeyFromPem(pem: string, origin: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UsageError(`${origin}: not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`${origin}: the signing key must be an ed25519 key`);
  return key;
}

export function signMetadata(metadata: Buffer, privateKey: KeyObject): Buffer {
  const publicKey = createPublicKey(privateKey);
  const signature = sign(null, metadata, privateKey);
  return Buffer.from(`${JSON.stringify({ algorithm: 'ed25519', keyId: keyIdOf(publicKey), signature: signature.toString('base64') })}\n`);
}

/** Verifies the signature file against the metadata bytes; returns the id of the key that signed. */
export function verifyMetadataSignature(metadata: Buffer, signatureFile: Buffer, keys: readonly TrustedKey[]): string {
  const refuse = (problem: string): never => {
    throw new DatabaseError(`the database artifact's signature ${problem}; refusing it`, { hint: 'the artifact was altered or signed by a key this tollgate does not trust; try another --db-repository' });
  };
  if (signatureFile.length > MAX_SIGNATURE_BYTES) refuse('file is too large');
  let parsed: { algorithm?: unknown; keyId?: unknown; signature?: unknown };
  try {
    parsed = JSON.parse(signatureFile.toString('utf8')) as typeof parsed;
  } catch {
    return refuse('file is not JSON');
  }
  if (parsed.algorithm !== 'ed25519' || typeof parsed.signature !== 'string' || typeof parsed.keyId !== 'string') refuse('file is malformed');
  const key = keys.find((candidate) => candidate.keyId === parsed.keyId);
  if (!key) refuse(`is by key ${String(parsed.keyId).slice(0, 32)}, which is not trusted`);
  const signature = Buffer.from(parsed.signature as string, 'base64');
  if (signature.length !== 64 || !verify(null, metadata, (key as TrustedKey).key, signature)) refuse('does not match the metadata');
  return (key as TrustedKey).keyId;
}
