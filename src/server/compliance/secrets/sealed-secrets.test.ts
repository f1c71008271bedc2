/**
 * The sealing of authentication record secrets and the key they are sealed with: AES-256-GCM
 * round trip, no plaintext in the sealed form, a record's sealed value does not open under another
 * name or key, and a malformed key is refused without being echoed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../errors.js';
import { openSecrets, sealSecrets, SecretOpenError } from './sealed-secrets.js';
import { loadSecretKey, secretKeyFromText } from './secret-key.js';

const SECRETS = { password: 'correct horse battery staple', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n', sudoPassword: 'sudo-s3cret' };

describe('sealed authentication record secrets', () => {
  it('opens what it sealed, and the sealed form holds no plaintext', () => {
    const key = secretKeyFromText(randomBytes(32).toString('hex'));
    const sealed = sealSecrets(key, 'web', SECRETS);
    expect(openSecrets(key, 'web', sealed)).toEqual(SECRETS);
    const stored = JSON.stringify(sealed);
    for (const value of Object.values(SECRETS)) {
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(Buffer.from(value).toString('base64'));
    }
    // A fresh IV each time: the same secrets never seal to the same bytes.
    expect(sealSecrets(key, 'web', SECRETS).ciphertext).not.toBe(sealed.ciphertext);
  });

  it('refuses another key by its id and a value moved to another record by its tag', () => {
    const key = secretKeyFromText(randomBytes(32).toString('base64'));
    const other = secretKeyFromText(randomBytes(32).toString('base64'));
    const sealed = sealSecrets(key, 'web', SECRETS);
    expect(() => openSecrets(other, 'web', sealed)).toThrow(expect.objectContaining({ code: 'secret_key_mismatch' }));
    expect(() => openSecrets(key, 'db', sealed)).toThrow(SecretOpenError);
    const tampered = { ...sealed, ciphertext: Buffer.from(Buffer.from(sealed.ciphertext, 'base64').map((byte, index) => (index === 0 ? byte ^ 1 : byte))).toString('base64') };
    expect(() => openSecrets(key, 'web', tampered)).toThrow(expect.objectContaining({ code: 'secret_corrupt' }));
  });

  it('reads a key as hex, base64 or 32 raw bytes in a file, and refuses any other without echoing it', async () => {
    const bytes = randomBytes(32);
    expect(secretKeyFromText(bytes.toString('hex')).bytes).toEqual(bytes);
    expect(secretKeyFromText(bytes.toString('base64')).bytes).toEqual(bytes);
    expect(secretKeyFromText(bytes.toString('base64url')).bytes).toEqual(bytes);
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-key-'));
    try {
      await writeFile(path.join(dir, 'raw.key'), bytes);
      await writeFile(path.join(dir, 'text.key'), `${bytes.toString('base64')}\n`);
      expect(loadSecretKey({ file: path.join(dir, 'raw.key') })?.id).toBe(secretKeyFromText(bytes.toString('hex')).id);
      expect(loadSecretKey({ file: path.join(dir, 'text.key') })?.bytes).toEqual(bytes);
      expect(() => loadSecretKey({ file: path.join(dir, 'missing.key') })).toThrow(/--secret-key-file .*cannot read it \(ENOENT\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(loadSecretKey({})).toBeUndefined();
    for (const bad of ['short-key-value-123', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'x'.repeat(64)]) {
      let error: unknown;
      try {
        secretKeyFromText(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/TOLLGATE_SECRET_KEY must be 32 bytes/);
      expect((error as Error).message).not.toContain(bad);
    }
  });
});
