// Bundles the compiled CLI (dist/cli/main.js) into one CommonJS file, dist/bin/tollgate.cjs: Node
// loads one file far faster than ~150 small ES modules (a warm scan's start-up was most of its
// time), and Node 20's CommonJS loader is faster again than its ES module loader for the same code
// (warm scan 0.39 s -> 0.34 s). Commands and formats loaded with import() are still evaluated only
// when used. Modules that load native code, or only some commands need, stay external.
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Earlier builds' files (a bundle of another shape) must not linger next to this one.
rmSync('dist/bin', { recursive: true, force: true });

const EXTERNAL = ['better-sqlite3', 'zstd-napi', 'proper-lockfile', 'ssh2', 'dockerode', 'undici', 'yaml', 'ajv', 'ajv-formats', '@cyclonedx/cyclonedx-library', 'fastify', 'helmet', '@fastify/rate-limit', 'kysely', 'pg', 'pg-boss', '@aws-sdk/client-ec2'];

// docker-modem loads its ssh:// transport, and with it all of ssh2, when it is loaded: a fifth of a
// warm daemon scan. Tollgate accepts only unix:// and tcp:// daemons, so the transport is loaded
// from the installed package only if it is ever called.
const deferDockerModemSsh = {
  name: 'defer-docker-modem-ssh',
  setup(plugin) {
    plugin.onResolve({ filter: /^\.\/ssh$/ }, (args) => (args.importer.includes('/node_modules/docker-modem/') ? { path: 'docker-modem-ssh', namespace: 'deferred' } : undefined));
    plugin.onResolve({ filter: /^docker-modem\/lib\/ssh\.js$/ }, () => ({ external: true }));
    plugin.onLoad({ filter: /.*/, namespace: 'deferred' }, () => ({ contents: "module.exports = (options) => require('docker-modem/lib/ssh.js')(options);", loader: 'js' }));
  },
};

// The bundle is compiled by the launcher through vm.Script (for V8's code cache), where import()
// needs an experimental loader hook on Node 20. The external packages the sources load with
// import() (undici, ssh2, dockerode) are CommonJS, so each such import() becomes a deferred
// require() of the installed package instead; the build fails if any import() is left.
const requireDynamicExternals = {
  name: 'require-dynamic-externals',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' && EXTERNAL.includes(args.path) ? { path: args.path, namespace: 'external-require' } : undefined));
    plugin.onLoad({ filter: /.*/, namespace: 'external-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const cli = await build({
  entryPoints: ['dist/cli/main.js'],
  metafile: true,
  outfile: 'dist/bin/tollgate-cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [deferDockerModemSsh, requireDynamicExternals],
  // The sources are ES modules that find their package and load some dependencies through
  // import.meta.url; in the CommonJS bundle that is the bundle's own file URL.
  define: { 'import.meta.url': '__tollgateModuleUrl' },
  // "use strict" first, so the sources keep the strict mode they were written for.
  banner: { js: "'use strict';\nconst __tollgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
// The bundle's own record of what it still loads with import() (a text search would also find
// comments and names such as init_import()).
const dynamicImports = Object.values(cli.metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.kind === 'dynamic-import').map((entry) => entry.path));
if (dynamicImports.length > 0) throw new Error(`dist/bin/tollgate-cli.cjs still calls import() (${dynamicImports.join(', ')}); the launcher cannot run it from its code cache`);

// The executable itself: a small launcher that compiles the bundle above with V8's code cache
// (src/cli/code-cache.ts), which Node 20 offers no other way for a CommonJS file.
await build({
  entryPoints: ['dist/cli/launcher.js'],
  outfile: 'dist/bin/tollgate.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
chmodSync('dist/bin/tollgate.cjs', 0o755);

// The web UI's client (served by `tollgate server` at /ui/app.js): dist/ui/app.js.
const { buildWebUi } = await import('./build-web-ui.mjs');
await buildWebUi();
