/**
 * The incremental re-evaluation against its oracle, the full one: after each of a series of
 * database changes (an advisory's range, its text, a CVE's severity vectors, an advisory removed,
 * new advisories), every image's latest result and open findings are exactly what matching its
 * inventory against the new database from scratch gives, while only the inventories that hold a
 * changed name were matched again.
 */
import { copyFile, rename } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rematchScan } from '../../jobs/rematch.js';
import type { ScanResult } from '../../model/image-scan.js';
import { openVulnDatabase } from '../../vulndb/database.js';
import { generateDatabase, packageName } from '../../vulndb/test-support/generate.js';
import { createTestStore, startTestServer, type TestServer, type TestStore } from '../test-support/harness.js';
import { digestFor, inventoryResult, matchedResult, type ResultShape } from '../test-support/scan-results.js';
import { findingIdentity } from '../store/finding-identity.js';

const NAMES = 120;
const IMAGES = 24;

describe('incremental re-evaluation', () => {
  let store: TestStore;
  let server: TestServer;
  let vulndb: string;
  let builds = 0;
  const shapes: ResultShape[] = Array.from({ length: IMAGES }, (_, i) => ({ digest: digestFor(`incremental-${i}`), tags: [`inc:${i}`], packages: 12, namePool: NAMES, seed: 500 + i }));

  /** A copy of the current database changed by `change`, with a new build time, renamed into place; then the re-evaluation it causes. */
  async function changeDatabase(change: (db: Database.Database) => void): Promise<{ images: number; matched: number }> {
    const next = path.join(store.dir, 'next.sqlite');
    await copyFile(vulndb, next);
    const db = new Database(next);
    change(db);
    builds += 1;
    db.prepare("UPDATE meta SET value = ? WHERE key = 'built_at'").run(new Date(Date.UTC(2030, 0, 1, 0, builds)).toISOString());
    db.close();
    await rename(next, vulndb);
    const queued = await server.context.reevaluator.checkDatabase();
    expect(queued?.queued).toBe(true);
    await server.context.reevaluator.idle();
    const run = server.context.reevaluator.ran.find((entry) => entry.jobKey === queued?.jobKey);
    expect(run, 'the re-evaluation ran').toBeDefined();
    return run?.summary as { images: number; matched: number };
  }

  /** The oracle: every image's stored result and open findings equal a full match against the database in place. */
  async function expectSameAsFullMatch(): Promise<void> {
    const database = openVulnDatabase(vulndb);
    try {
      for (const shape of shapes) {
        const full = rematchScan(inventoryResult(shape), database);
        const answer = await server.call('GET', `/api/v1/images/${shape.digest}/scan`, { token: server.adminToken });
        const stored = answer.json.result as ScanResult;
        expect(stored.findings, shape.digest).toEqual(full.findings);
        expect(stored.summary).toEqual(full.summary);
        expect(stored.warnings).toEqual(full.warnings);
        const open = await server.context.store.db.selectFrom('image_findings').select('finding_key').where('digest', '=', shape.digest).where('resolved_at', 'is', null).execute();
        expect(open.map((row) => row.finding_key).sort()).toEqual([...new Set(full.findings.map(findingIdentity))].sort());
      }
    } finally {
      database.close();
    }
  }

  /** A package name that is in some inventories but not all, and has findings in one. */
  function vulnerableName(): string {
    const database = openVulnDatabase(vulndb);
    try {
      const counts = new Map<string, number>();
      for (const shape of shapes) for (const finding of rematchScan(inventoryResult(shape), database).findings) counts.set(finding.package.name, (counts.get(finding.package.name) ?? 0) + 1);
      const [name] = [...counts].sort((a, b) => b[1] - a[1])[0] as [string, number];
      return name;
    } finally {
      database.close();
    }
  }

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    vulndb = path.join(store.dir, 'vulndb.sqlite');
    generateDatabase(vulndb, 600, NAMES, 41);
    server = await startTestServer(store, { vulndbPath: vulndb });
    const database = openVulnDatabase(vulndb);
    for (const [i, shape] of shapes.entries()) {
      const answer = await server.call('PUT', `/api/v1/scans/incremental-${i}`, { token: server.adminToken, body: { result: matchedResult(shape, database) } });
      expect(answer.status).toBe(201);
    }
    database.close();
  });

  afterAll(async () => {
    await server?.close();
    await store?.dispose();
  });

  it('gives exactly the findings of a full re-evaluation after each kind of change, matching only the inventories a change reaches', async () => {
    const changes: [string, (db: Database.Database) => void][] = [
      ['a fixed version moves', (db) => {
        const name = vulnerableName();
        db.prepare("UPDATE affected SET ranges = json_array(json_object('type', 'ECOSYSTEM', 'events', json_array(json_object('introduced', '0'), json_object('fixed', '0.0.1')))) WHERE name = ?").run(name);
      }],
      ['an advisory\'s title changes', (db) => {
        const name = vulnerableName();
        db.prepare('UPDATE advisory SET summary = ? WHERE id IN (SELECT advisory_id FROM affected WHERE name = ?)').run('A changed title', name);
      }],
      ['a CVE gets severity vectors', (db) => {
        const name = vulnerableName();
        for (const { aliases } of db.prepare('SELECT aliases FROM advisory WHERE id IN (SELECT advisory_id FROM affected WHERE name = ?)').all(name) as { aliases: string }[]) {
          for (const cve of JSON.parse(aliases) as string[]) db.prepare('INSERT OR REPLACE INTO cve_severity (cve, version, vector, source) VALUES (?, ?, ?, ?)').run(cve, '3.1', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 'nvd');
        }
      }],
      ['an advisory is withdrawn', (db) => {
        const name = vulnerableName();
        db.prepare('DELETE FROM affected WHERE advisory_id IN (SELECT advisory_id FROM affected WHERE name = ? LIMIT 1)').run(name);
      }],
      ['advisories for a name no advisory named before', (db) => {
        const advisory = db.prepare('SELECT * FROM advisory LIMIT 1').get() as Record<string, unknown>;
        const fresh = `GHSA-new-${builds}`;
        db.prepare('INSERT INTO advisory (id, modified, published, summary, details, aliases, severity, database_severity, refs, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(fresh, advisory.modified, advisory.published, 'New', null, '[]', advisory.severity, advisory.database_severity, '[]', advisory.source);
        const unnamed = Array.from({ length: NAMES }, (_, i) => packageName(i)).find((name) => !db.prepare('SELECT 1 FROM affected WHERE name = ?').get(name)) ?? packageName(0);
        db.prepare("INSERT INTO affected (advisory_id, ecosystem, name, ranges, versions, severity, ecosystem_specific) VALUES (?, 'npm', ?, json_array(json_object('type', 'ECOSYSTEM', 'events', json_array(json_object('introduced', '0')))), '[]', '[]', NULL)").run(fresh, unnamed);
      }],
    ];
    for (const [label, change] of changes) {
      const summary = await changeDatabase(change);
      expect(summary.images, label).toBe(IMAGES);
      // Some inventories hold the changed name, and some do not: both paths are exercised.
      expect(summary.matched, label).toBeGreaterThan(0);
      expect(summary.matched, label).toBeLessThan(IMAGES);
      await expectSameAsFullMatch();
    }
  });

  it('a forced re-evaluation of an unchanged database matches every inventory, and changes nothing', async () => {
    const outcome = await server.context.reevaluator.requestReevaluation({ force: true });
    await server.context.reevaluator.idle();
    expect(server.context.reevaluator.ran.find((entry) => entry.jobKey === outcome.jobKey)?.summary.matched).toBe(IMAGES);
    await expectSameAsFullMatch();
  });
});
