/**
 * How the action is bundled, shared by the build (build.ts) and the test that the committed
 * bundle is what the build produces.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';

export function bundleOptions(root: string): BuildOptions {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const here = path.join(root, 'integrations', 'github');
  return {
    entryPoints: [path.join(here, 'src', 'main.ts')],
    outfile: path.join(here, 'dist', 'index.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    define: { __TOLLGATE_VERSION__: JSON.stringify(manifest.version), __TOLLGATE_PACKAGE__: JSON.stringify(manifest.name) },
    logLevel: 'warning',
  };
}
