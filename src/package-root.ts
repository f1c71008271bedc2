/**
 * Files shipped with Tollgate (package.json, docs/schema, policies), found from wherever the code
 * runs: the TypeScript sources, the compiled `dist/` tree or the bundled CLI. The package root is
 * the nearest folder above this module whose package.json is Tollgate's own.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tollgate') return dir;
      } catch {
        // Not ours, or unreadable: keep climbing.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find Tollgate's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** An absolute path inside the installed package: `packagePath('docs', 'schema')`. */
export function packagePath(...parts: string[]): string {
  root ??= findRoot();
  return path.join(root, ...parts);
}
