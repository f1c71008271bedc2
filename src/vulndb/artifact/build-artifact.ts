/**
 * `db build`: the database made from the raw feeds (update.ts, the same path as `db update`) or
 * taken as it is (`--from-db`), packed into a signed artifact (pack.ts). The feed build happens in
 * a scratch folder beside the output, removed afterwards.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { updateDatabase, type UpdateOptions } from '../update.js';
import { packArtifact, type PackResult } from './pack.js';

export interface BuildArtifactOptions {
  privateKey: KeyObject;
  fromDatabase?: string;
  omitDetails?: boolean;
  compressionLevel?: number;
  update?: UpdateOptions;
  onProgress?: (message: string) => void;
}

export async function buildArtifact(output: string, options: BuildArtifactOptions): Promise<PackResult> {
  const pack = (database: string): Promise<PackResult> => {
    options.onProgress?.(`Packing ${database}`);
    return packArtifact(database, output, { privateKey: options.privateKey, ...(options.omitDetails ? { omitDetails: true } : {}), ...(options.compressionLevel ? { compressionLevel: options.compressionLevel } : {}) });
  };
  if (options.fromDatabase) return pack(options.fromDatabase);
  const scratch = await mkdtemp(path.join(path.dirname(path.resolve(output)), '.tollgate-build-'));
  try {
    const database = path.join(scratch, 'tollgate.db');
    await updateDatabase(database, options.update ?? {});
    return await pack(database);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
