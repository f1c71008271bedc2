/**
 * Reads and verifies an artifact file's metadata without installing it: what `db push` checks
 * before publishing, and what `db build` reports.
 */
import { createReadStream } from 'node:fs';
import tarStream from 'tar-stream';
import { DatabaseError } from '../../errors.js';
import { MAX_METADATA_BYTES, MAX_SIGNATURE_BYTES, METADATA_ENTRY, SIGNATURE_ENTRY } from './format.js';
import { parseArtifactMetadata, type ArtifactMetadata } from './metadata.js';
import { pinnedKeys, verifyMetadataSignature, type TrustedKey } from './signing.js';

export async function readArtifactMetadata(file: string, options: { trustedKeys?: readonly TrustedKey[] } = {}): Promise<ArtifactMetadata> {
  const extract = tarStream.extract();
  const input = createReadStream(file);
  input.on('error', (error) => extract.destroy(error));
  input.pipe(extract);
  const found = new Map<string, Buffer>();
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      const limit = name === METADATA_ENTRY ? MAX_METADATA_BYTES : MAX_SIGNATURE_BYTES;
      if (name !== METADATA_ENTRY && name !== SIGNATURE_ENTRY) break;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry) {
        size += (chunk as Buffer).length;
        if (size > limit) throw new DatabaseError(`${file}: ${name} is too large; not a Tollgate database artifact`);
        chunks.push(chunk as Buffer);
      }
      found.set(name, Buffer.concat(chunks));
      if (found.size === 2) break;
    }
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`${file}: not a Tollgate database artifact (${(error as Error).message})`);
  } finally {
    input.destroy();
    extract.destroy();
  }
  const metadata = found.get(METADATA_ENTRY);
  const signature = found.get(SIGNATURE_ENTRY);
  if (!metadata || !signature) throw new DatabaseError(`${file}: not a Tollgate database artifact (no signed metadata at its start)`);
  verifyMetadataSignature(metadata, signature, options.trustedKeys ?? pinnedKeys());
  return parseArtifactMetadata(metadata);
}
