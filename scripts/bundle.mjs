// Bundles the compiled CLI (dist/cli/main.js) into dist/bin/: Node resolves and links one large
// module graph far faster than ~150 small files, which is most of a warm scan's time. Modules that
// load native code or are loaded only for some commands stay external and load on first use.
import { build } from 'esbuild';

const EXTERNAL = ['better-sqlite3', 'ssh2', 'dockerode', 'docker-modem', 'undici', 'yaml', 'ajv', 'ajv-formats', '@cyclonedx/cyclonedx-library'];

await build({
  entryPoints: { tollgate: 'dist/cli/main.js' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __tollgateCreateRequire } from 'node:module'; const require = __tollgateCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
