/**
 * `tollgate image scan <ref...>`: scan one or more images, apply the gate, write the reports.
 * Thin: options in, the image job (src/jobs/image-job.ts) called, renderers out, an exit code
 * from DESIGN.md.
 */
import { Option, type Command } from 'commander';
import { ExitCode, ScanError } from '../../errors.js';
import { hasFailureConditions, type GateConfig } from '../../gate/gate-config.js';
import type { OpenImageOptions } from '../../image/sources.js';
import type { ScanResult } from '../../model/image-scan.js';
import type { ServerMode } from '../server-mode-options.js';
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
import { addServerModeOptions, serverModeOf, type ServerModeFlags } from '../server-mode-options.js';

interface ImageScanOptions extends GateFlags, ImageOpenFlags, ScanDatabaseFlags, ServerModeFlags {
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
  addServerModeOptions(scan);
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
  const serverMode = serverModeOf(options);
  const log = (line: string): void => {
    if (!options.quiet) printNotice(line);
  };
  let job: ImageJobResult;
  if (serverMode?.viaSensor) {
    // The sensor scans; the platform matches; the pipeline judges with the image job's own function.
    const { connectPlatform } = await import('../../connector/platform-client.js');
    const { scanViaSensor } = await import('../../connector/image-via-sensor.js');
    const client = await connectPlatform(serverMode.server, serverMode.token);
    let outcome: Awaited<ReturnType<typeof scanViaSensor>>;
    try {
      outcome = await scanViaSensor(client, references, { docker: imageOptions.docker ?? {}, pollIntervalMs: serverMode.pollIntervalMs, timeoutMs: serverMode.timeoutMs, log });
    } finally {
      await client.close();
    }
    if (outcome.failed.length > 0) {
      // A scan that could not run fails the build whatever the conditions (exit 3), with the sensor's reason.
      const which = outcome.failed.map((image) => `${image.reference} (${image.imageId}): sensor ${image.sensorId} gave up on it at ${image.failedAt}: ${image.reason}`).join('; ');
      throw new ScanError(`the sensor could not scan ${which}`, { hint: "running the scan again marks the image again and the sensor retries; the sensor's log has each attempt" });
    }
    if (outcome.timedOut.length > 0) {
      const which = outcome.timedOut.map((image) => `${image.reference} (${image.lastState})`).join(', ');
      if (hasFailureConditions(gate)) throw new ScanError(`no complete result within ${serverMode.timeoutText} seconds (--timeout) for ${which}; failure conditions are configured, so the build fails`);
      printWarning(`no complete result within ${serverMode.timeoutText} seconds (--timeout) for ${which}; no failure condition is configured, so the build passes without a report`);
      return ExitCode.Passed;
    }
    const { judgeImageScans } = await import('../../jobs/image-job.js');
    job = judgeImageScans(outcome.results, { filters, gate }, outcome.duplicates);
  } else {
    job = await scanOnRunner(references, options, { gate, filters, imageOptions, serverMode, log });
  }
  return finishImageScan(job, options, targets, webhookOptions);
}

/** The scan made here, as standalone; with `--server`, each image's result is also stored on the platform. */
async function scanOnRunner(references: string[], options: ImageScanOptions, settings: { gate: GateConfig; filters: ResultFilters; imageOptions: OpenImageOptions; serverMode: ServerMode | undefined; log: (line: string) => void }): Promise<ImageJobResult> {
  const { gate, filters, imageOptions, serverMode, log } = settings;
  const platform = serverMode ? await (await import('../../connector/platform-client.js')).connectPlatform(serverMode.server, serverMode.token) : undefined;
  const { uploadScanResult } = platform ? await import('../../connector/upload-scan.js') : { uploadScanResult: undefined };
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
      ...(platform && uploadScanResult
        ? {
            onScan: async (raw: ScanResult) => {
              const stored = await uploadScanResult(platform, raw, log);
              log(`${raw.image.reference}: result stored on ${platform.shown} as ${stored.scanId}`);
            },
          }
        : {}),
      onProgress: (reference, event) => {
        if (event.phase === 'layer-entries') progress.update(`${reference}: layer ${event.layer + 1}, ${event.entries.toLocaleString('en')} entries`);
        else if (event.phase === 'layer-start') progress.update(`${reference}: reading layer ${event.layer + 1} of ${event.layers}`);
      },
    });
  } finally {
    progress.done();
    database.close();
    layerCache?.close();
    await platform?.close();
  }
  return job;
}

/** Reports, verdict file, CI output, webhook and exit code: the same for every way the scans were made. */
async function finishImageScan(job: ImageJobResult, options: ImageScanOptions, targets: ReturnType<typeof reportTargets>, webhookOptions: { allowLinkLocal: boolean }): Promise<number> {
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
