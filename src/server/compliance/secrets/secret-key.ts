/**
 * The key that seals authentication record secrets: 32 bytes, from TOLLGATE_SECRET_KEY or the file
 * named by `--secret-key-file`, written as 64 hex digits or base64 (a file may also hold the 32 raw
 * bytes). Its id is a digest of the key, stored beside each sealed secret so a server started with
 * another key says so instead of failing to decrypt. Messages never contain the key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../../errors.js';

export const SECRET_KEY_BYTES = 32;

export interface SecretKey {
  readonly id: string;
  /** The raw key; only the sealing module reads it. */
  readonly bytes: Buffer;
}

function decodeKeyText(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
    if (decoded.length === SECRET_KEY_BYTES) return decoded;
    throw new UsageError(`${source} must be ${SECRET_KEY_BYTES} bytes written as 64 hex digits or base64; it decodes to ${decoded.length} bytes`);
  }
  throw new UsageError(`${source} must be ${SECRET_KEY_BYTES} bytes written as 64 hex digits or base64 (for example: openssl rand -base64 32)`);
}

function keyFrom(bytes: Buffer): SecretKey {
  const id = createHash('sha256').update('tollgate-secret-key-id\0').update(bytes).digest('hex').slice(0, 16);
  return { id, bytes };
}

export function secretKeyFromText(text: string, source = 'TOLLGATE_SECRET_KEY'): SecretKey {
  return keyFrom(decodeKeyText(text, source));
}

export function secretKeyFromFile(file: string): SecretKey {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (error) {
    throw new UsageError(`--secret-key-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (raw.length === SECRET_KEY_BYTES && !/^[0-9A-Za-z+/=_-]+$/.test(raw.toString('latin1'))) return keyFrom(raw);
  return keyFrom(decodeKeyText(raw.toString('utf8'), `--secret-key-file ${file}`));
}

/** The configured key: the file wins over the environment; undefined when neither is given. */
export function loadSecretKey(options: { text?: string; file?: string }): SecretKey | undefined {
  if (options.file !== undefined) return secretKeyFromFile(options.file);
  if (options.text !== undefined && options.text !== '') return secretKeyFromText(options.text);
  return undefined;
}
