// Bundles the web UI's client (src/server/ui/client/main.ts) for the browser into dist/ui/app.js,
// which `tollgate server` serves at /ui/app.js. The client renders image and compliance reports
// with the report renderer itself (src/report/html); the one module of it that reads a file,
// version.ts (package.json), is replaced by a constant, since a browser reads no files.
// `node scripts/build-web-ui.mjs [outDir]`; called by scripts/bundle.mjs and by the UI's tests.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_UI_DIR = path.join(ROOT, 'dist', 'ui');

const versionAsConstant = {
  name: 'version-as-constant',
  setup(plugin) {
    const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    plugin.onResolve({ filter: /(^|\/)version\.js$/ }, (args) => (path.resolve(args.resolveDir, args.path) === path.join(ROOT, 'src', 'version.js') ? { path: 'tool-version', namespace: 'constant' } : undefined));
    plugin.onLoad({ filter: /.*/, namespace: 'constant' }, () => ({ contents: `export const TOOL_VERSION = ${JSON.stringify(version)};`, loader: 'js' }));
  },
};

export async function buildWebUi(outDir = WEB_UI_DIR) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'src/server/ui/client/main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    plugins: [versionAsConstant],
    logLevel: 'error',
  });
  return outDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWebUi(process.argv[2]);
