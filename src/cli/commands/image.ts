/**
 * `tollgate image scan <ref...>`: scan one or more images, apply the gate, write the reports.
 * Thin: options in, the image job (src/jobs/image-job.ts) called, renderers out, an exit code
 * from DESIGN.md.
 */
import { Option, type Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { ResultFilters } from '../../engine/summary.js';
import { buildGateConfig, type GateFlags } from '../../config/gate-file.js';
import type { ImageJobResult } from '../../jobs/image-job.js';
import { imageReferenceHelp } from '../../image/sources.js';
import type { Severity } from '../../model/severity.js';
import { RENDERERS } from '../../report/list.js';
import { publishCiOutput } from '../ci-outputs.js';
import { ensureDatabase } from '../database-access.js';
import { addScanDatabaseOptions, type ScanDatabaseFlags } from '../db-options.js';
import { addGateOptions, gateFlagsOf } from '../gate-options.js';
import { addImageOpenOptions, imageOpenOptionsOf, type ImageOpenFlags } from '../image-open-options.js';
import { cacheDirOption, cacheMaxSizeOption, dbOption, parseSeverityList, quietOption } from '../options.js';
import { defaultCacheDir, LayerCache } from '../../engine/layer-cache.js';
import { createProgress } from '../progress.js';
import { addRendererOptions, collectFormats, reportTargets, writeReports } from '../report-outputs.js';
import { writeOutputFile } from '../output-file.js';
import { printList, printNotice, printWarning } from '../messages.js';
import { checkWebhookUrl, postWebhook } from '../webhook.js';

interface ImageScanOptions extends GateFlags, ImageOpenFlags, ScanDatabaseFlags {
  format?: string[];
  output?: string;
  severity?: Severity[];
  ignoreUnfixed?: boolean;
  summaryOutput?: string;
  webhook?: string;
  webhookAllowLinkLocal?: boolean;
  db?: string;
  quiet?: boolean;
  cache: boolean;
  cacheDir?: string;
  cacheMaxSize?: number;
  scanOsOwnedFiles?: boolean;
}

export function registerImageCommand(program: Command): void {
  const image = program.command('image').description('container image vulnerability scanning');
  const scan = addImageOpenOptions(image
    .command('scan')
    .description('scan images for vulnerable packages and apply the gate')
    .argument('<refs...>', imageReferenceHelp())
    .addOption(new Option('-f, --format <format[=file]>', `report format, repeatable, each with its own file (${RENDERERS.filter((r) => r.kinds.includes('image')).map((r) => r.id).join(', ')})`).argParser(collectFormats))
    .addOption(new Option('-o, --output <file>', 'write the report that has no file of its own here instead of stdout').env('TOLLGATE_OUTPUT'))
    .addOption(new Option('--severity <levels>', 'report only findings at these severities (comma-separated); the gate sees the same').argParser(parseSeverityList).env('TOLLGATE_SEVERITY'))
    .addOption(new Option('--ignore-unfixed', 'report only findings that have a fixed version').env('TOLLGATE_IGNORE_UNFIXED'))
    .addOption(new Option('--summary-output <file>', 'write the verdict (JSON) to this file').env('TOLLGATE_SUMMARY_OUTPUT'))
    .addOption(new Option('--webhook <url>', 'POST the verdict (JSON) here after the run (http or https; redirects are not followed); failure to deliver is only a warning').env('TOLLGATE_WEBHOOK'))
    .addOption(new Option('--webhook-allow-link-local', 'allow a --webhook on a link-local or cloud-metadata address (169.254.0.0/16, fe80::/10, metadata.google.internal, ...)').env('TOLLGATE_WEBHOOK_ALLOW_LINK_LOCAL')))
    .addOption(cacheDirOption())
    .addOption(cacheMaxSizeOption())
    .addOption(new Option('--no-cache', 'do not read or write the layer cache'))
    .addOption(new Option('--scan-os-owned-files', 'also report language packages read from files an OS package installed (listed twice: as the OS package and as e.g. pypi)').env('TOLLGATE_SCAN_OS_OWNED_FILES'))
    .addOption(dbOption())
    .addOption(quietOption());
  addScanDatabaseOptions(scan);
  addRendererOptions(scan, 'image');
  addGateOptions(scan).action(async (references: string[], options: ImageScanOptions) => {
    process.exitCode = await runImageScan(references, options);
  });
}

/** The layer cache, or none with a warning when it cannot be used: a cache never fails a scan. */
function openLayerCache(options: ImageScanOptions): LayerCache | undefined {
  try {
    return LayerCache.open(options.cacheDir ?? defaultCacheDir(), options.cacheMaxSize);
  } catch (error) {
    printWarning(`the layer cache is not usable (${(error as Error).message}); scanning without it`);
    return undefined;
  }
}

async function runImageScan(references: string[], options: ImageScanOptions): Promise<number> {
  // Everything that can be a usage error is checked before any work starts.
  const targets = reportTargets(options.format, options.output);
  const gate = buildGateConfig(gateFlagsOf(options));
  const imageOptions = imageOpenOptionsOf(options);
  const webhookOptions = { allowLinkLocal: Boolean(options.webhookAllowLinkLocal) };
  if (options.webhook) checkWebhookUrl(options.webhook, webhookOptions);
  const filters: ResultFilters = { ...(options.severity ? { severities: options.severity } : {}), ...(options.ignoreUnfixed ? { ignoreUnfixed: true } : {}) };
  const progress = createProgress({ quiet: options.quiet });
  const database = await ensureDatabase({ ...options, path: options.db, update: options.dbAutoUpdate && !options.skipDbUpdate, maxAgeMs: options.dbMaxAge, progress });
  const layerCache = options.cache ? openLayerCache(options) : undefined;
  let job: ImageJobResult;
  try {
    // Loaded when a scan runs: `--help` and the other commands never need the engine.
    const { runImageJob } = await import('../../jobs/image-job.js');
    job = await runImageJob(references, {
      database,
      ...(layerCache ? { layerCache } : {}),
      filters,
      gate,
      ...imageOptions,
      ...(options.scanOsOwnedFiles ? { scanOwnedFiles: true } : {}),
      onProgress: (reference, event) => {
        if (event.phase === 'layer-entries') progress.update(`${reference}: layer ${event.layer + 1}, ${event.entries.toLocaleString('en')} entries`);
        else if (event.phase === 'layer-start') progress.update(`${reference}: reading layer ${event.layer + 1} of ${event.layers}`);
      },
    });
  } finally {
    progress.done();
    database.close();
    layerCache?.close();
  }

  const { scans, verdict } = job;
  const toTerminal = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  await writeReports(targets, (renderer, renderOptions) => renderer.renderImage?.({ scans, verdict }, renderOptions), { color: toTerminal, width: process.stdout.columns, flags: options });
  const verdictJson = `${JSON.stringify(verdict, null, 2)}\n`;
  if (options.summaryOutput) await writeOutputFile(options.summaryOutput, verdictJson, '--summary-output');
  await publishCiOutput(verdictJson);
  if (options.webhook) {
    const delivery = await postWebhook(options.webhook, verdictJson, webhookOptions);
    if (!delivery.delivered) printWarning(`the webhook was not delivered after ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'} (${delivery.error}); the verdict stands`);
  }
  if (!options.quiet) {
    for (const duplicate of verdict.duplicates) printNotice(`${duplicate.reference} is the same image as ${duplicate.sameAs}; scanned once`);
    for (const expired of verdict.images.flatMap((image) => image.expiredIgnores)) printWarning(`ignore entry ${expired.origin} (${expired.id ?? expired.package ?? expired.path}) expired on ${expired.expires} and no longer applies`);
    if (!verdict.passed) printList('gate failed', verdict.reasons);
  }
  return verdict.passed ? ExitCode.Passed : ExitCode.GateFailed;
}
