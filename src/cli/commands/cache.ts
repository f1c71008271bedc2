/**
 * `tollgate cache status|clean`: the layer cache under --cache-dir.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { defaultCacheDir, LayerCache } from '../../engine/layer-cache.js';
import { formatBytes } from '../../image/limits.js';
import { cacheDirOption, cacheMaxSizeOption } from '../options.js';
import { printLine } from '../messages.js';

export function registerCacheCommand(program: Command): void {
  const cache = program.command('cache').description('inspect or clear the layer cache');
  cache
    .command('status')
    .description('print the cache location, entries and size')
    .addOption(new Option('-f, --format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addOption(cacheDirOption())
    .addOption(cacheMaxSizeOption())
    .action((options: { format: string; cacheDir?: string; cacheMaxSize?: number }) => {
      const store = LayerCache.open(options.cacheDir ?? defaultCacheDir(), options.cacheMaxSize);
      try {
        const status = store.status();
        if (options.format === 'json') process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        else for (const line of [`Cache:  ${status.path}`, `Layers: ${status.layers} (${status.pieces} analyzer results)`, `Size:   ${formatBytes(status.bytes)} of ${formatBytes(status.maxBytes)}`]) printLine(line, process.stdout);
      } finally {
        store.close();
      }
    });
  cache
    .command('clean')
    .description('remove every cached layer analysis, and the compiled code the CLI starts from')
    .addOption(cacheDirOption())
    .action((options: { cacheDir?: string }) => {
      const dir = options.cacheDir ?? defaultCacheDir();
      const store = LayerCache.open(dir);
      try {
        store.clean();
        // The launcher's V8 code cache (src/cli/code-cache.ts) lives beside the layers.
        rmSync(path.join(dir, 'code'), { recursive: true, force: true });
        printLine(`Cleared ${store.file}`);
      } finally {
        store.close();
      }
    });
}
