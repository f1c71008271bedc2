/**
 * What the image end-to-end suites share: the bookworm image, a scratch folder, and a
 * vulnerability database imported by the CLI from the committed OSV records; and the essence of a
 * scan result, by which the same image read from different sources is compared.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ScanResult } from '../../src/model/image-scan.js';
import { runTollgate } from './cli.js';
import { REPO_ROOT } from './fixture-cache.js';
import { ensureBookwormImage, type BookwormImage } from './images.js';

export interface ScanWorkspace {
  image: BookwormImage;
  work: string;
  db: string;
  remove(): Promise<void>;
}

export async function openScanWorkspace(name: string): Promise<ScanWorkspace> {
  const image = await ensureBookwormImage();
  const work = await mkdtemp(path.join(tmpdir(), `tollgate-${name}-`));
  const db = path.join(work, 'vuln.db');
  const imported = await runTollgate(['db', 'import', path.join(REPO_ROOT, 'test/data/osv/npm'), path.join(REPO_ROOT, 'test/data/osv/debian'), '--db', db, '--quiet']);
  if (imported.code !== 0) throw new Error(`importing the test database failed (exit ${imported.code}): ${imported.stderr}`);
  return { image, work, db, remove: () => rm(work, { recursive: true, force: true }) };
}

/** The image id, each package with the layer that brought it, and each finding. */
export function scanEssence(result: ScanResult) {
  return {
    id: result.image.id,
    packages: result.packages.map((p) => [p.type, p.name, p.version, p.location, p.layer?.diffId, p.layer?.createdBy].join(' ')),
    findings: result.findings.map((f) => [f.id, f.package.name, f.package.version, f.severity].join(' ')),
  };
}
