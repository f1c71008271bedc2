/**
 * `tollgate db import|update|status|build|push|pull`: build, refresh, publish, fetch and inspect
 * the vulnerability database. Every command that writes the database holds its write lock.
 */
import { statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { kindOf } from '../../config/read-config-file.js';
import { UsageError } from '../../errors.js';
import { addDatabaseFetchOptions, pullOptionsOf, type DatabaseFetchFlags } from '../db-options.js';
import { defaultDatabasePath, openVulnDatabase } from '../../vulndb/database.js';
import { dbOption, quietOption } from '../options.js';
import { createProgress } from '../progress.js';
import { printLine } from '../messages.js';
import { DEFAULT_ECOSYSTEMS } from '../../vulndb/ecosystems.js';
import { redactUrl } from '../../util/redact-url.js';

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

/**
 * An input of `db import` that is not a URL must be a regular file (a zip) or a folder: a FIFO
 * would block the import for ever, a device would never end. Refused before the database is
 * opened, with what the input is.
 */
function checkImportInput(input: string): void {
  if (/^https?:\/\//i.test(input)) return;
  let stats: Stats;
  try {
    stats = statSync(input);
  } catch (error) {
    throw new UsageError(`cannot read ${input} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!stats.isFile() && !stats.isDirectory()) throw new UsageError(`cannot import ${input}: not a regular file or a folder but ${kindOf(stats)}`);
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
      for (const input of inputs) checkImportInput(input);
      const progress = createProgress({ quiet: options.quiet });
      const { importOsv } = await import('../../vulndb/import.js');
      const stats = await importOsv(path, inputs, {
        onProgress: (event) => progress.update(event.phase === 'download' ? `Downloading ${event.source}: ${(event.received / 1e6).toFixed(1)} MB` : `Importing ${event.source}: ${event.records} records`),
      });
      progress.done();
      if (!options.quiet) {
        printLine(`Imported ${stats.records} records into ${path} (${stats.added} new, ${stats.replaced} updated, ${stats.withdrawn} withdrawn, ${stats.older} older copies ignored, ${stats.invalid} invalid)`);
        for (const problem of stats.problems) printLine(`  skipped: ${problem}`);
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
      if (!options.quiet) printLine(`Updated ${path}: ${stats.records} records from ${stats.ecosystems.join(', ')}, ${stats.cveSeverities} CVSS vectors from NVD, ${stats.invalid} invalid records skipped`);
    });

  db.command('build')
    .description('build the database from OSV + NVD (as db update does) or take an existing one (--from-db), and pack it as a signed, compressed artifact')
    .addOption(new Option('-o, --output <file>', 'the artifact file to write (required; e.g. tollgate-db.tar)'))
    .addOption(new Option('--from-db <file>', 'pack this database instead of building one from the feeds'))
    .addOption(new Option('--signing-key <file>', 'ed25519 private key (PEM) to sign with; or its PEM text in TOLLGATE_DB_SIGNING_KEY').env('TOLLGATE_DB_SIGNING_KEY_FILE'))
    .addOption(new Option('--omit-details', 'leave long advisory descriptions out (summaries stay)'))
    .addOption(new Option('--compression-level <level>', 'zstd level, 1-22').default(19).argParser((text) => {
      const level = Number(text);
      if (!Number.isInteger(level) || level < 1 || level > 22) throw new UsageError(`invalid --compression-level "${text}" (1 to 22)`);
      return level;
    }))
    .addOption(new Option('--ecosystem <name>', 'OSV ecosystem to download, repeatable').argParser(collect))
    .addOption(new Option('--osv-base-url <url>', 'base URL of the OSV bucket').env('TOLLGATE_OSV_BASE_URL'))
    .addOption(new Option('--nvd-base-url <url>', 'base URL of the NVD CVE JSON 2.0 feeds').env('TOLLGATE_NVD_BASE_URL'))
    .addOption(new Option('--nvd-years <years>', 'NVD feed years, e.g. 2015-2026').argParser(parseYears))
    .addOption(new Option('--no-enrich', 'skip the NVD CVSS enrichment'))
    .addOption(quietOption())
    .action(async (options: { output?: string; fromDb?: string; signingKey?: string; omitDetails?: boolean; compressionLevel: number; ecosystem?: string[]; osvBaseUrl?: string; nvdBaseUrl?: string; nvdYears?: number[]; enrich: boolean; quiet?: boolean }) => {
      if (!options.output) throw new UsageError('db build needs --output <file>');
      const output = options.output;
      const { privateKeyFromPem } = await import('../../vulndb/artifact/signing.js');
      const pem = options.signingKey ? await readFile(options.signingKey, 'utf8').catch(() => {
        throw new UsageError(`--signing-key ${options.signingKey ?? ''}: cannot read the file`);
      }) : process.env.TOLLGATE_DB_SIGNING_KEY;
      if (!pem) throw new UsageError('db build needs a signing key: --signing-key <file> or the PEM text in TOLLGATE_DB_SIGNING_KEY');
      const privateKey = privateKeyFromPem(pem, options.signingKey ? `--signing-key ${options.signingKey}` : 'TOLLGATE_DB_SIGNING_KEY');
      const progress = createProgress({ quiet: options.quiet });
      const { buildArtifact } = await import('../../vulndb/artifact/build-artifact.js');
      const result = await buildArtifact(output, {
        privateKey,
        ...(options.fromDb ? { fromDatabase: options.fromDb } : {}),
        ...(options.omitDetails ? { omitDetails: true } : {}),
        compressionLevel: options.compressionLevel,
        update: {
          ...(options.ecosystem ? { ecosystems: options.ecosystem } : {}),
          ...(options.osvBaseUrl ? { osvBaseUrl: options.osvBaseUrl } : {}),
          ...(options.nvdBaseUrl ? { nvdBaseUrl: options.nvdBaseUrl } : {}),
          ...(options.nvdYears ? { nvdYears: options.nvdYears } : {}),
          enrich: options.enrich,
          onProgress: (event) => progress.update(event.message),
        },
        onProgress: (message) => progress.update(message),
      });
      progress.done();
      if (!options.quiet) {
        const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
        const { metadata } = result;
        process.stderr.write(
          `Built ${result.output}: ${metadata.advisories} advisories, schema ${metadata.schemaVersion}, built at ${metadata.builtAt}\n` +
            `  database ${mb(result.sourceSize)} -> compacted ${mb(metadata.database.uncompressedSize)} -> compressed ${mb(metadata.database.size)} (artifact ${mb(result.size)}, ${result.digest})\n` +
            metadata.ecosystems.map((row) => `  ${row.ecosystem}: ${row.packages} packages, ${row.entries} entries\n`).join(''),
        );
      }
    });

  db.command('push')
    .description('publish an artifact made by db build to an OCI registry (tag: the schema version unless one is written)')
    .argument('<artifact>', 'the file db build wrote')
    .argument('<oci-ref>', 'registry/repository[:tag]')
    .addOption(new Option('--tag <tag>', 'also tag it so, repeatable (e.g. a build stamp)').argParser(collect))
    .addOption(new Option('--registry-insecure', 'accept a registry with a self-signed certificate or plain HTTP').env('TOLLGATE_REGISTRY_INSECURE'))
    .addOption(new Option('--db-trusted-key <file>', 'check the artifact against this public key instead of the keys built into tollgate'))
    .addOption(quietOption())
    .action(async (artifact: string, reference: string, options: { tag?: string[]; registryInsecure?: boolean; dbTrustedKey?: string; quiet?: boolean }) => {
      const { pushArtifact } = await import('../../vulndb/artifact/push.js');
      const { publicKeyFromPem } = await import('../../vulndb/artifact/signing.js');
      const trustedKeys = options.dbTrustedKey ? [publicKeyFromPem(await readFile(options.dbTrustedKey, 'utf8'), `--db-trusted-key ${options.dbTrustedKey}`)] : undefined;
      const result = await pushArtifact(artifact, reference, { ...(options.registryInsecure ? { insecureRegistry: true } : {}), ...(options.tag ? { extraTags: options.tag } : {}), ...(trustedKeys ? { trustedKeys } : {}) });
      if (!options.quiet) process.stderr.write(`Pushed ${artifact} to ${result.reference} (tags ${result.tags.join(', ')}; manifest ${result.manifestDigest}, artifact ${result.artifactDigest}, ${result.size} bytes)\n`);
    });

  addDatabaseFetchOptions(
    db.command('pull')
      .description('download the prebuilt database (verifying its digest and signature while streaming) and swap it in; the previous one stays on any failure')
      .argument('[sources...]', 'OCI references or https URLs tried in order (default: --db-repository, TOLLGATE_DB_REPOSITORY, or the project\'s registry)')
      .addOption(dbOption())
      .addOption(quietOption()),
    { withRegistryInsecure: true },
  ).action(async (sources: string[], options: DatabaseFetchFlags & { db?: string; quiet?: boolean }) => {
    const path = options.db ?? defaultDatabasePath();
    const progress = createProgress({ quiet: options.quiet });
    const pull = pullOptionsOf({ ...options, ...(sources.length > 0 ? { dbRepository: sources } : {}) }, progress);
    const { pullDatabase } = await import('../../vulndb/artifact/pull.js');
    try {
      const result = await pullDatabase(path, pull);
      progress.done();
      if (!options.quiet) process.stderr.write(`Installed ${path}: built at ${result.metadata.builtAt}, ${result.metadata.advisories} advisories, from ${result.repository} (${result.digest}${result.keyId ? `, signed by ${result.keyId}` : ', signature NOT verified'})\n`);
    } finally {
      progress.done();
    }
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
          ...status.sources.map((source) => `  ${source.name}  ${source.records} records  fetched ${source.fetchedAt}${source.url ? `  ${redactUrl(source.url)}` : ''}`),
          'Ecosystems:',
          ...status.byEcosystem.map((row) => `  ${row.ecosystem}  ${row.packages} packages, ${row.entries} entries`),
        ];
        for (const line of lines) printLine(line, process.stdout);
      } finally {
        database.close();
      }
    });
}
