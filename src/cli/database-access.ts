/**
 * Opens the vulnerability database for a scan: pulls the prebuilt one first when there is none
 * or it is older than --db-max-age (unless --skip-db-update), under the database's write lock so
 * parallel scans sharing it download once. Failures are exit 3 with the ways out.
 */
import { DatabaseError, isTollgateError, messageOf } from '../errors.js';
import { defaultDatabasePath, openVulnDatabase, type VulnDatabase } from '../vulndb/database.js';
import { ensureFreshDatabase } from '../vulndb/freshness.js';
import { pullOptionsOf, type DatabaseFetchFlags } from './db-options.js';
import type { Progress } from './progress.js';

export interface DatabaseAccessOptions extends DatabaseFetchFlags {
  path?: string;
  /** False for --skip-db-update (or --no-db-auto-update). */
  update: boolean;
  maxAgeMs: number;
  progress: Progress;
}

export async function ensureDatabase(options: DatabaseAccessOptions): Promise<VulnDatabase> {
  const path = options.path ?? defaultDatabasePath();
  const dbFlag = options.path ? ` --db ${options.path}` : '';
  // Flags are checked (and their warnings printed) before anything is downloaded.
  const pull = options.update ? pullOptionsOf(options, options.progress) : { repositories: [] };
  try {
    const result = await ensureFreshDatabase(path, {
      maxAgeMs: options.maxAgeMs,
      update: options.update,
      pull,
      fixes: `offline, import OSV data: tollgate db import <osv-all.zip|folder>${dbFlag}; or name a reachable mirror with --db-repository <registry/repository|https-url>; or scan with the database you have: --skip-db-update`,
    });
    if (result.pulled && result.state.kind === 'fresh') options.progress.update(`Installed the vulnerability database built at ${result.pulled.metadata.builtAt} from ${result.pulled.repository}`);
    if (result.state.kind === 'stale') process.stderr.write(`tollgate: warning: the vulnerability database is ${(result.state.ageMs / 3_600_000).toFixed(1)} hours old (--skip-db-update); findings published since are missing\n`);
  } catch (error) {
    options.progress.done();
    if (isTollgateError(error)) throw error;
    throw new DatabaseError(`the vulnerability database could not be prepared: ${messageOf(error)}`, { cause: error });
  }
  options.progress.done();
  return openVulnDatabase(path);
}
