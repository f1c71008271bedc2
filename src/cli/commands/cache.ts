/**
 * `tollgate cache status|clean`: the layer cache under --cache-dir.
 */
import { Option, type Command } from 'commander';
import { defaultCacheDir, LayerCache } from '../../engine/layer-cache.js';
import { formatBytes } from '../../image/limits.js';
import { cacheDirOption, cacheMaxSizeOption } from '../options.js';

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
        else process.stdout.write(`Cache:  ${status.path}\nLayers: ${status.layers} (${status.pieces} analyzer results)\nSize:   ${formatBytes(status.bytes)} of ${formatBytes(status.maxBytes)}\n`);
      } finally {
        store.close();
      }
    });
  cache
    .command('clean')
    .description('remove every cached layer analysis')
    .addOption(cacheDirOption())
    .action((options: { cacheDir?: string }) => {
      const store = LayerCache.open(options.cacheDir ?? defaultCacheDir());
      try {
        store.clean();
        process.stderr.write(`Cleared ${store.file}\n`);
      } finally {
        store.close();
      }
    });
}
