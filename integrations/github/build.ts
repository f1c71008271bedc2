/**
 * Builds the GitHub Action: regenerates its input list and action.yml from the CLI's scan flags,
 * then bundles integrations/github/src/main.ts with its dependencies (@actions/core) into one
 * CommonJS file, integrations/github/dist/index.cjs, which is committed: GitHub runs an action
 * from the repository at the ref a workflow pins, without installing anything.
 * Run: npm run build:action
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { scanInputs } from '../../src/cli/commands/pipeline-scan.js';
import { actionInputs, actionMetadata } from './src/action-metadata.js';
import { bundleOptions } from './bundle-options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const described = scanInputs();
writeFileSync(path.join(here, 'src', 'inputs.generated.json'), `${JSON.stringify(actionInputs(described), null, 2)}\n`);
writeFileSync(path.join(root, 'action.yml'), actionMetadata(described));
await build(bundleOptions(root));
