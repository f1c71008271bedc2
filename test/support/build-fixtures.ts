/**
 * Builds the cached test material ahead of the test run (CI warm-up): `npx tsx test/support/build-fixtures.ts`.
 */
import { ensureBookwormImage } from './images.js';

const started = Date.now();
const image = await ensureBookwormImage();
process.stdout.write(`bookworm image ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${image.ociReference}\n`);
