// Bundles the compiled CLI (dist/cli/main.js) into one CommonJS file, dist/bin/tollgate.cjs: Node
// loads one file far faster than ~150 small ES modules (a warm scan's start-up was most of its
// time), and Node 20's CommonJS loader is faster again than its ES module loader for the same code
// (warm scan 0.39 s -> 0.34 s). Commands and formats loaded with import() are still evaluated only
// when used. Modules that load native code, or only some commands need, stay external.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Earlier builds' files (a bundle of another shape) must not linger next to this one.
rmSync('dist/bin', { recursive: true, force: true });

const EXTERNAL = ['better-sqlite3', 'ssh2', 'dockerode', 'undici', 'yaml', 'ajv', 'ajv-formats', '@cyclonedx/cyclonedx-library'];

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

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/bin/tollgate.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [deferDockerModemSsh],
  // The sources are ES modules that find their package and load some dependencies through
  // import.meta.url; in the CommonJS bundle that is the bundle's own file URL.
  define: { 'import.meta.url': '__tollgateModuleUrl' },
  // "use strict" first, so the sources keep the strict mode they were written for.
  banner: { js: "'use strict';\nconst __tollgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
