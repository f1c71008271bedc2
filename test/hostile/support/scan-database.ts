/**
 * A small vulnerability database for the corpus' image scans: one npm advisory (minimist before
 * 1.2.6), imported with the built CLI into `dir`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTollgate } from '../../support/cli.js';

export async function scanDatabase(dir: string): Promise<string> {
  const record = path.join(dir, 'advisory.json');
  await writeFile(record, JSON.stringify({ id: 'GHSA-hostile-1', summary: 'prototype pollution', affected: [{ package: { ecosystem: 'npm', name: 'minimist' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.6' }] }] }] }));
  const db = path.join(dir, 'advisories.db');
  const imported = await runTollgate(['db', 'import', record, '--db', db, '--quiet']);
  if (imported.code !== 0) throw new Error(`db import failed: ${imported.stderr}`);
  return db;
}
