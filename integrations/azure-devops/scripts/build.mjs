// Builds the Azure DevOps extension into a folder tfx can package (each task in a folder named as
// its contribution, at the root, where tfx looks for its task.json): each task bundled with esbuild
// into one CommonJS file beside its task.json (azure-pipelines-task-lib included, so the task
// folder needs no node_modules on the agent), the results tab bundled for the browser, and the
// manifest, icons and overview copied. `node scripts/build.mjs [outDir]` (default: dist/).
//
// buildMockTasks() builds the same task entries with azure-pipelines-task-lib left external, for
// the task library's mock test runner: its mocker replaces `azure-pipelines-task-lib/task` when
// the task requires it, which a bundled copy would never do.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const EXTENSION_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The tasks: folder name (in tasks/ and in the package) -> entry module. */
export const TASKS = {
  'tollgate-image-scan': 'src/task/image-task.ts',
  'tollgate-compliance-scan': 'src/task/compliance-task.ts',
};

const TASK_BUILD = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', legalComments: 'linked' };

export async function buildExtension(outDir = path.join(EXTENSION_ROOT, 'dist')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [name, entry] of Object.entries(TASKS)) {
    const folder = path.join(outDir, name);
    cpSync(path.join(EXTENSION_ROOT, 'tasks', name), folder, { recursive: true });
    await build({ ...TASK_BUILD, entryPoints: [path.join(EXTENSION_ROOT, entry)], outfile: path.join(folder, 'index.js') });
  }
  const tab = path.join(outDir, 'tab');
  mkdirSync(tab, { recursive: true });
  await build({ entryPoints: [path.join(EXTENSION_ROOT, 'src/tab/browser/main.ts')], outfile: path.join(tab, 'tab.js'), bundle: true, format: 'iife', platform: 'browser', target: 'es2020', logLevel: 'error', legalComments: 'linked' });
  for (const file of ['tab.html', 'tab.css']) cpSync(path.join(EXTENSION_ROOT, 'src/tab', file), path.join(tab, file));
  for (const file of ['vss-extension.json', 'overview.md']) cpSync(path.join(EXTENSION_ROOT, file), path.join(outDir, file));
  cpSync(path.join(EXTENSION_ROOT, 'images'), path.join(outDir, 'images'), { recursive: true });
  return outDir;
}

/** Rewrites the task library import so the mock runner's mocker sees the request it registers. */
const taskLibExternal = {
  name: 'task-lib-external',
  setup(plugin) {
    plugin.onResolve({ filter: /^azure-pipelines-task-lib\// }, (args) => ({ path: args.path.replace(/\.js$/, ''), external: true }));
  },
};

/** The task entries for the mock test runner, under `outDir/<name>/index.js`; outDir must be inside the repository (its node_modules are found from there). */
export async function buildMockTasks(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // Inside the repository the root package.json says "type": "module"; the bundles are CommonJS.
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "commonjs" }\n');
  for (const [name, entry] of Object.entries(TASKS)) {
    cpSync(path.join(EXTENSION_ROOT, 'tasks', name, 'task.json'), path.join(outDir, name, 'task.json'));
    await build({ ...TASK_BUILD, entryPoints: [path.join(EXTENSION_ROOT, entry)], outfile: path.join(outDir, name, 'index.js'), plugins: [taskLibExternal] });
  }
  return outDir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = await buildExtension(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`built ${outDir}`);
}
