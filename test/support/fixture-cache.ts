/**
 * Builds expensive test material (debootstrap'd root filesystems, images) once and shares it
 * between test files, test runs and parallel workers.
 *
 * Material lives under TOLLGATE_FIXTURE_DIR (default `<repo>/.cache/fixtures`) in a folder named
 * for the recipe and its version; bump the version when the recipe changes. A lock file with the
 * builder's pid serialises builders across processes; a lock whose process is gone is taken over.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processAlive } from '../../src/util/process.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_ROOT = process.env.TOLLGATE_FIXTURE_DIR ?? path.join(REPO_ROOT, '.cache', 'fixtures');

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}


async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isFinite(owner) && owner > 0 && !processAlive(owner)) {
        await rm(lockFile, { force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Returns the folder of fixture `name` at `version`, running `build(tempDir)` first if no
 * process has built it yet. `build` writes into the folder it is given; it is renamed into place
 * only when it completes, so a failed build never leaves half a fixture behind.
 */
export async function buildOnce(name: string, version: number, build: (dir: string) => Promise<void>): Promise<string> {
  const finalDir = path.join(FIXTURE_ROOT, `${name}-v${version}`);
  if (await exists(finalDir)) return finalDir;
  await mkdir(FIXTURE_ROOT, { recursive: true });
  const release = await acquireLock(path.join(FIXTURE_ROOT, `${name}.lock`));
  try {
    if (await exists(finalDir)) return finalDir;
    const tempDir = `${finalDir}.building-${process.pid}`;
    await rm(tempDir, { recursive: true, force: true });
    await mkdir(tempDir, { recursive: true });
    try {
      await build(tempDir);
    } catch (error) {
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
    await rename(tempDir, finalDir);
    return finalDir;
  } finally {
    await release();
  }
}
