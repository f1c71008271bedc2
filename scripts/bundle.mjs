// Bundles the compiled CLI (dist/cli/main.js) into dist/bin/: Node resolves and links one large
// module graph far faster than ~150 small files, which is most of a warm scan's time. Modules that
// load native code or are loaded only for some commands stay external and load on first use.
import { build } from 'esbuild';

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
  entryPoints: { tollgate: 'dist/cli/main.js' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [deferDockerModemSsh],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __tollgateCreateRequire } from 'node:module'; const require = __tollgateCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
