/**
 * `tollgate db import|update|status`: build, refresh and inspect the vulnerability database.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { defaultDatabasePath, openVulnDatabase } from '../../vulndb/database.js';
import { dbOption, quietOption } from '../options.js';
import { createProgress } from '../progress.js';
import { DEFAULT_ECOSYSTEMS } from '../../vulndb/ecosystems.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseYears(text: string): number[] {
  const years: number[] = [];
  for (const part of text.split(',')) {
    const range = /^\s*(\d{4})(?:-(\d{4}))?\s*$/.exec(part);
    if (!range) throw new UsageError(`invalid --nvd-years "${text}" (expected e.g. 2020-2026 or 2023,2024)`);
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    for (let year = from; year <= to; year++) years.push(year);
  }
  return years;
}

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('build, refresh and inspect the vulnerability database');

  db.command('import')
    .description('load OSV records from zips (as OSV publishes per ecosystem), folders of .json files, or http(s) URLs')
    .argument('<inputs...>', 'file.zip, folder or URL')
    .addOption(dbOption())
    .addOption(quietOption())
    .action(async (inputs: string[], options: { db?: string; quiet?: boolean }) => {
      const path = options.db ?? defaultDatabasePath();
      const progress = createProgress({ quiet: options.quiet });
      const { importOsv } = await import('../../vulndb/import.js');
      const stats = await importOsv(path, inputs, {
        onProgress: (event) => progress.update(event.phase === 'download' ? `Downloading ${event.source}: ${(event.received / 1e6).toFixed(1)} MB` : `Importing ${event.source}: ${event.records} records`),
      });
      progress.done();
      if (!options.quiet) {
        process.stderr.write(`Imported ${stats.records} records into ${path} (${stats.added} new, ${stats.replaced} updated, ${stats.withdrawn} withdrawn, ${stats.older} older copies ignored, ${stats.invalid} invalid)\n`);
        for (const problem of stats.problems) process.stderr.write(`  skipped: ${problem}\n`);
      }
    });

  db.command('update')
    .description('download OSV data for the configured ecosystems and NVD CVSS data, and rebuild the database')
    .addOption(new Option('--ecosystem <name>', `OSV ecosystem to download, repeatable (default: ${DEFAULT_ECOSYSTEMS.join(', ')})`).argParser(collect))
    .addOption(new Option('--osv-base-url <url>', 'base URL of the OSV bucket').env('TOLLGATE_OSV_BASE_URL'))
    .addOption(new Option('--nvd-base-url <url>', 'base URL of the NVD CVE JSON 2.0 feeds').env('TOLLGATE_NVD_BASE_URL'))
    .addOption(new Option('--nvd-years <years>', 'NVD feed years, e.g. 2015-2026 (default: 2002 to this year)').argParser(parseYears))
    .addOption(new Option('--no-enrich', 'skip the NVD CVSS enrichment'))
    .addOption(dbOption())
    .addOption(quietOption())
    .action(async (options: { ecosystem?: string[]; osvBaseUrl?: string; nvdBaseUrl?: string; nvdYears?: number[]; enrich: boolean; db?: string; quiet?: boolean }) => {
      const path = options.db ?? defaultDatabasePath();
      const progress = createProgress({ quiet: options.quiet });
      const { updateDatabase } = await import('../../vulndb/update.js');
      const stats = await updateDatabase(path, {
        ...(options.ecosystem ? { ecosystems: options.ecosystem } : {}),
        ...(options.osvBaseUrl ? { osvBaseUrl: options.osvBaseUrl } : {}),
        ...(options.nvdBaseUrl ? { nvdBaseUrl: options.nvdBaseUrl } : {}),
        ...(options.nvdYears ? { nvdYears: options.nvdYears } : {}),
        enrich: options.enrich,
        onProgress: (event) => progress.update(event.message),
      });
      progress.done();
      if (!options.quiet) process.stderr.write(`Updated ${path}: ${stats.records} records from ${stats.ecosystems.join(', ')}, ${stats.cveSeverities} CVSS vectors from NVD, ${stats.invalid} invalid records skipped\n`);
    });

  db.command('status')
    .description('print the database sources, record counts and age')
    .addOption(new Option('-f, --format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addOption(dbOption())
    .action((options: { format: string; db?: string }) => {
      const database = openVulnDatabase(options.db ?? defaultDatabasePath());
      try {
        const status = database.status();
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
          return;
        }
        const lines = [
          `Database:   ${status.path}`,
          `Built:      ${status.builtAt ?? 'unknown'}${status.ageHours !== undefined ? ` (${status.ageHours} hours ago)` : ''}`,
          `Advisories: ${status.advisories}`,
          `CVSS data:  ${status.cveSeverities} CVEs`,
          'Sources:',
          ...status.sources.map((source) => `  ${source.name}  ${source.records} records  fetched ${source.fetchedAt}${source.url ? `  ${source.url}` : ''}`),
          'Ecosystems:',
          ...status.byEcosystem.map((row) => `  ${row.ecosystem}  ${row.packages} packages, ${row.entries} entries`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        database.close();
      }
    });
}
