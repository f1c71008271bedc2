/**
 * `tollgate image scan <ref...>`: scan one or more images, apply the gate, write the reports.
 * Thin: options in, engine calls, renderers out, an exit code from DESIGN.md.
 */
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { applyResultFilters, type ResultFilters } from '../../engine/summary.js';
import { scanSource } from '../../engine/scan-image.js';
import type { ScanResult } from '../../model/image-scan.js';
import { aggregateVerdicts, evaluateImageGate } from '../../gate/evaluate.js';
import { buildGateConfig, type GateFlags } from '../../gate/gate-config.js';
import type { AggregateVerdict } from '../../model/image-verdict.js';
import { parsePlatform } from '../../image/platform.js';
import { imageReferenceHelp, openImage } from '../../image/sources.js';
import type { Severity } from '../../model/severity.js';
import { RENDERERS } from '../../report/list.js';
import { publishCiOutput } from '../ci-outputs.js';
import { ensureDatabase } from '../database-access.js';
import { addGateOptions, gateFlagsOf } from '../gate-options.js';
import { cacheDirOption, cacheMaxSizeOption, dbOption, parseSeverityList, quietOption } from '../options.js';
import { defaultCacheDir, LayerCache } from '../../engine/layer-cache.js';
import { createProgress } from '../progress.js';
import { addRendererOptions, collectFormats, reportTargets, writeReports } from '../report-outputs.js';

interface ImageScanOptions extends GateFlags {
  format?: string[];
  output?: string;
  severity?: Severity[];
  ignoreUnfixed?: boolean;
  summaryOutput?: string;
  webhook?: string;
  db?: string;
  platform: string;
  quiet?: boolean;
  dbAutoUpdate: boolean;
  cache: boolean;
  dockerHost?: string;
  dockerCertPath?: string;
  registryInsecure?: boolean;
  cacheDir?: string;
  cacheMaxSize?: number;
}

export function registerImageCommand(program: Command): void {
  const image = program.command('image').description('container image vulnerability scanning');
  const scan = image
    .command('scan')
    .description('scan images for vulnerable packages and apply the gate')
    .argument('<refs...>', imageReferenceHelp())
    .addOption(new Option('-f, --format <format[=file]>', `report format, repeatable, each with its own file (${RENDERERS.filter((r) => r.kinds.includes('image')).map((r) => r.id).join(', ')})`).argParser(collectFormats))
    .addOption(new Option('-o, --output <file>', 'write the report that has no file of its own here instead of stdout').env('TOLLGATE_OUTPUT'))
    .addOption(new Option('--severity <levels>', 'report only findings at these severities (comma-separated); the gate sees the same').argParser(parseSeverityList).env('TOLLGATE_SEVERITY'))
    .addOption(new Option('--ignore-unfixed', 'report only findings that have a fixed version').env('TOLLGATE_IGNORE_UNFIXED'))
    .addOption(new Option('--summary-output <file>', 'write the verdict (JSON) to this file').env('TOLLGATE_SUMMARY_OUTPUT'))
    .addOption(new Option('--webhook <url>', 'POST the verdict (JSON) here after the run; failure to deliver is only a warning').env('TOLLGATE_WEBHOOK'))
    .addOption(new Option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image').default('linux/amd64').env('TOLLGATE_PLATFORM'))
    .addOption(new Option('--no-db-auto-update', 'never download the database on first use; fail if it is missing'))
    .addOption(new Option('--docker-host <address>', 'Docker daemon: unix:///path/docker.sock or tcp://host:port (default: DOCKER_HOST, else the local socket)'))
    .addOption(new Option('--docker-cert-path <dir>', 'folder with ca.pem, cert.pem and key.pem for a TLS daemon (default: DOCKER_CERT_PATH)'))
    .addOption(new Option('--registry-insecure', 'accept a registry with a self-signed certificate or plain HTTP').env('TOLLGATE_REGISTRY_INSECURE'))
    .addOption(cacheDirOption())
    .addOption(cacheMaxSizeOption())
    .addOption(new Option('--no-cache', 'do not read or write the layer cache'))
    .addOption(dbOption())
    .addOption(quietOption());
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
    process.stderr.write(`tollgate: warning: the layer cache is not usable (${(error as Error).message}); scanning without it\n`);
    return undefined;
  }
}

async function runImageScan(references: string[], options: ImageScanOptions): Promise<number> {
  // Everything that can be a usage error is checked before any work starts.
  const targets = reportTargets(options.format, options.output);
  const gate = buildGateConfig(gateFlagsOf(options));
  const platform = parsePlatform(options.platform);
  const filters: ResultFilters = { ...(options.severity ? { severities: options.severity } : {}), ...(options.ignoreUnfixed ? { ignoreUnfixed: true } : {}) };
  const progress = createProgress({ quiet: options.quiet });
  const database = await ensureDatabase({ path: options.db, autoUpdate: options.dbAutoUpdate, progress });
  const layerCache = options.cache ? openLayerCache(options) : undefined;
  const scans: ScanResult[] = [];
  const duplicates: AggregateVerdict['duplicates'] = [];
  try {
    const seen = new Map<string, string>();
    for (const reference of references) {
      const source = await openImage(reference, {
        platform,
        docker: { ...(options.dockerHost ? { dockerHost: options.dockerHost } : {}), ...(options.dockerCertPath ? { certPath: options.dockerCertPath } : {}) },
        registry: { insecure: Boolean(options.registryInsecure) },
        ...(layerCache ? { metadata: layerCache } : {}),
      });
      try {
        // The image id (config digest) is the same however the image is stored; the manifest digest is not.
        const digest = source.image.id ?? source.image.manifestDigest;
        const first = digest ? seen.get(digest) : undefined;
        if (first) {
          duplicates.push({ reference, sameAs: first });
          continue;
        }
        if (digest) seen.set(digest, reference);
        const raw = await scanSource(source, {
          database,
          ...(layerCache ? { layerCache } : {}),
          onProgress: (event) => {
            if (event.phase === 'layer-entries') progress.update(`${reference}: layer ${event.layer + 1}, ${event.entries.toLocaleString('en')} entries`);
            else if (event.phase === 'layer-start') progress.update(`${reference}: reading layer ${event.layer + 1} of ${event.layers}`);
          },
        });
        scans.push(applyResultFilters(raw, filters));
      } finally {
        await source.close();
      }
    }
  } finally {
    progress.done();
    database.close();
    layerCache?.close();
  }

  const today = new Date().toISOString().slice(0, 10);
  const verdict = aggregateVerdicts(
    scans.map((scan) => evaluateImageGate(scan, gate, today)),
    duplicates,
  );
  const toTerminal = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  await writeReports(targets, (renderer, renderOptions) => renderer.renderImage?.({ scans, verdict }, renderOptions), { color: toTerminal, width: process.stdout.columns, flags: options });
  const verdictJson = `${JSON.stringify(verdict, null, 2)}\n`;
  if (options.summaryOutput) await writeFile(options.summaryOutput, verdictJson);
  await publishCiOutput(verdictJson);
  if (options.webhook) {
    const { postWebhook } = await import('../webhook.js');
    const delivery = await postWebhook(options.webhook, verdictJson);
    if (!delivery.delivered) process.stderr.write(`tollgate: warning: the webhook was not delivered after ${delivery.attempts} attempts (${delivery.error}); the verdict stands\n`);
  }
  if (!options.quiet) {
    for (const duplicate of duplicates) process.stderr.write(`tollgate: ${duplicate.reference} is the same image as ${duplicate.sameAs}; scanned once\n`);
    for (const expired of verdict.images.flatMap((image) => image.expiredIgnores)) process.stderr.write(`tollgate: warning: ignore entry ${expired.origin} (${expired.id ?? expired.package ?? expired.path}) expired on ${expired.expires} and no longer applies\n`);
    if (!verdict.passed) process.stderr.write(`tollgate: gate failed\n${verdict.reasons.map((reason) => `  - ${reason}`).join('\n')}\n`);
  }
  return verdict.passed ? ExitCode.Passed : ExitCode.GateFailed;
}
