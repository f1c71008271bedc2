/**
 * A scratch folder per hostile suite, with helpers to lay out a root filesystem (`dir:` targets)
 * and a vulnerability database imported by the CLI from OSV records written here, and a check
 * that a run wrote nothing outside the folders it was given.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runHostile } from './run-hostile.js';

export interface HostileWorkspace {
  dir: string;
  /** Writes `files` (path under the workspace -> content) creating folders. */
  write(files: Record<string, string | Buffer>): Promise<void>;
  /** Imports OSV records (objects) into a database in the workspace; returns its path. */
  database(records: readonly object[], name?: string): Promise<string>;
  /** Every path under the workspace, relative, sorted (to prove nothing was written elsewhere in it). */
  listing(): Promise<string[]>;
  remove(): Promise<void>;
}

async function walk(root: string, under = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, under), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const relative = path.join(under, entry.name);
    found.push(relative);
    if (entry.isDirectory()) found.push(...(await walk(root, relative)));
  }
  return found.sort();
}

export async function hostileWorkspace(name: string): Promise<HostileWorkspace> {
  const dir = await mkdtemp(path.join(tmpdir(), `tollgate-hostile-${name}-`));
  const write = async (files: Record<string, string | Buffer>): Promise<void> => {
    for (const [file, content] of Object.entries(files)) {
      const onDisk = path.join(dir, file);
      await mkdir(path.dirname(onDisk), { recursive: true });
      await writeFile(onDisk, content);
    }
  };
  return {
    dir,
    write,
    async database(records, databaseName = 'vuln.db') {
      const osv = path.join(dir, `${databaseName}.osv`);
      await write(Object.fromEntries(records.map((record, index) => [path.join(`${databaseName}.osv`, `record-${index}.json`), JSON.stringify(record)])));
      const db = path.join(dir, databaseName);
      const imported = await runHostile({ args: ['db', 'import', osv, '--db', db, '--quiet'] });
      if (imported.code !== 0) throw new Error(`importing the hostile database failed (exit ${imported.code}): ${imported.stderr}`);
      return db;
    },
    listing: () => walk(dir),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** An OSV record for one npm package, affected below `fixed`, CRITICAL by its CVSS vector. */
export function npmAdvisory(id: string, name: string, fields: { summary?: string; details?: string; references?: string[]; fixed?: string } = {}): object {
  return {
    schema_version: '1.3.0',
    id,
    modified: '2024-01-01T00:00:00Z',
    summary: fields.summary ?? `flaw in ${name}`,
    details: fields.details ?? '',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    references: (fields.references ?? []).map((url) => ({ type: 'WEB', url })),
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: fields.fixed ?? '2.0.0' }] }] }],
  };
}
