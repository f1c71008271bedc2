/**
 * Sealing an authentication record's secrets with AES-256-GCM (node:crypto): a fresh 12-byte IV per
 * seal, the record's name as additional authenticated data (a sealed value moved to another record
 * does not open), the 16-byte tag checked on opening. What is sealed is one JSON document of the
 * record's secrets; it is opened only to hand credentials to a worker holding a valid lease.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key.js';

export interface RecordSecrets {
  password?: string;
  privateKey?: string;
  passphrase?: string;
  sudoPassword?: string;
}

export interface SealedSecrets {
  ciphertext: string;
  iv: string;
  tag: string;
  keyId: string;
}

/** The record was sealed under another key, or its ciphertext does not authenticate. */
export class SecretOpenError extends Error {
  constructor(
    readonly code: 'secret_key_mismatch' | 'secret_corrupt',
    message: string,
  ) {
    super(message);
  }
}

const ALGORITHM = 'aes-256-gcm';

function additionalData(recordName: string): Buffer {
  return Buffer.from(`tollgate-auth-record:${recordName}`, 'utf8');
}

export function sealSecrets(key: SecretKey, recordName: string, secrets: RecordSecrets): SealedSecrets {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key.bytes, iv);
  cipher.setAAD(additionalData(recordName));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId: key.id };
}

export function openSecrets(key: SecretKey, recordName: string, sealed: SealedSecrets): RecordSecrets {
  if (sealed.keyId !== key.id) throw new SecretOpenError('secret_key_mismatch', `authentication record ${recordName} was sealed with secret key ${sealed.keyId}; this server has key ${key.id} (start it with the key the record was stored with, or store the record again)`);
  try {
    const decipher = createDecipheriv(ALGORITHM, key.bytes, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(additionalData(recordName));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as RecordSecrets;
  } catch {
    throw new SecretOpenError('secret_corrupt', `the sealed secrets of authentication record ${recordName} do not authenticate under this server's key`);
  }
}
