/**
 * Opens the vulnerability database for a scan, downloading it first when it does not exist yet
 * and automatic download is allowed. Offline, the error names the command that imports one.
 */
import { existsSync } from 'node:fs';
import { DatabaseError, messageOf } from '../errors.js';
import { defaultDatabasePath, openVulnDatabase, type VulnDatabase } from '../vulndb/database.js';
import type { Progress } from './progress.js';

export async function ensureDatabase(options: { path?: string; autoUpdate: boolean; progress: Progress }): Promise<VulnDatabase> {
  const path = options.path ?? defaultDatabasePath();
  if (!existsSync(path) && options.autoUpdate) {
    options.progress.update(`No vulnerability database at ${path}; downloading one`);
    try {
      const { updateDatabase } = await import('../vulndb/update.js');
      await updateDatabase(path, {
        onProgress: (event) => options.progress.update(`Downloading vulnerability data: ${event.message}`),
      });
    } catch (error) {
      options.progress.done();
      throw new DatabaseError(`no vulnerability database at ${path}, and downloading one failed: ${messageOf(error)}`, {
        hint: `offline, import OSV data instead: tollgate db import <osv-all.zip|folder>${options.path ? ` --db ${options.path}` : ''}`,
        cause: error,
      });
    }
    options.progress.done();
  }
  return openVulnDatabase(path);
}
