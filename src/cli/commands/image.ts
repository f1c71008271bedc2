/**
 * `tollgate image scan <ref>`: scan an image and apply the gate. Thin: options in, engine call,
 * renderers out, exit code from DESIGN.md.
 */
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { applyResultFilters, type ResultFilters } from '../../engine/summary.js';
import { scanImage } from '../../engine/scan-image.js';
import type { ScanResult } from '../../engine/scan-result.js';
import { parsePlatform } from '../../image/platform.js';
import { SEVERITY_RANK, type Severity } from '../../match/severity.js';
import { getRenderer, RENDERERS } from '../../report/registry.js';
import { ensureDatabase } from '../database-access.js';
import { dbOption, parseSeverityList, parseSingleSeverity, quietOption } from '../options.js';
import { createProgress } from '../progress.js';

interface ImageScanOptions {
  format: string;
  output?: string;
  severity?: Severity[];
  ignoreUnfixed?: boolean;
  failOn?: Severity;
  db?: string;
  platform?: string;
  quiet?: boolean;
  dbAutoUpdate: boolean;
}

export function registerImageCommand(program: Command): void {
  const image = program.command('image').description('container image vulnerability scanning');
  image
    .command('scan')
    .description('scan an image for vulnerable packages and apply the gate')
    .argument('<ref>', 'image reference: docker-archive:<file.tar>, oci:<dir>[:tag], dir:<rootfs>')
    .addOption(new Option('-f, --format <format>', `report format (${RENDERERS.filter((r) => r.renderImage).map((r) => r.id).join(', ')})`).default('table').env('TOLLGATE_FORMAT'))
    .addOption(new Option('-o, --output <file>', 'write the report to a file instead of stdout').env('TOLLGATE_OUTPUT'))
    .addOption(new Option('--severity <levels>', 'only report findings at these severities (comma-separated)').argParser(parseSeverityList).env('TOLLGATE_SEVERITY'))
    .addOption(new Option('--ignore-unfixed', 'only report findings that have a fixed version').env('TOLLGATE_IGNORE_UNFIXED'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a reported finding is at this severity or above').argParser(parseSingleSeverity('--fail-on')).env('TOLLGATE_FAIL_ON'))
    .addOption(new Option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image').default('linux/amd64').env('TOLLGATE_PLATFORM'))
    .addOption(new Option('--no-db-auto-update', 'never download the database on first use; fail if it is missing'))
    .addOption(dbOption())
    .addOption(quietOption())
    .action(async (reference: string, options: ImageScanOptions, command: Command) => {
      process.exitCode = await runImageScan(reference, options, command);
    });
}

export function gateFailed(result: ScanResult, failOn: Severity | undefined): boolean {
  if (!failOn) return false;
  return result.findings.some((finding) => finding.severity !== 'UNKNOWN' && SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn]);
}

async function runImageScan(reference: string, options: ImageScanOptions, _command: Command): Promise<number> {
  const renderer = getRenderer(options.format, 'image');
  const platform = parsePlatform(options.platform ?? 'linux/amd64');
  const progress = createProgress({ quiet: options.quiet });
  const database = await ensureDatabase({ path: options.db, autoUpdate: options.dbAutoUpdate, progress });
  try {
    const raw = await scanImage(reference, {
      platform,
      database,
      onProgress: (event) => {
        if (event.phase === 'layer-entries') progress.update(`Reading layer ${event.layer + 1}: ${event.entries.toLocaleString('en')} entries`);
        else if (event.phase === 'layer-start') progress.update(`Reading layer ${event.layer + 1} of ${event.layers}`);
      },
    });
    progress.done();
    const filters: ResultFilters = { ...(options.severity ? { severities: options.severity } : {}), ...(options.ignoreUnfixed ? { ignoreUnfixed: true } : {}) };
    const result = applyResultFilters(raw, filters);
    const toTerminal = !options.output && Boolean(process.stdout.isTTY);
    const text = renderer.renderImage?.({ scans: [result] }, { color: toTerminal && !process.env.NO_COLOR, width: process.stdout.columns }) ?? '';
    if (options.output) await writeFile(options.output, text);
    else process.stdout.write(text);
    return gateFailed(result, options.failOn) ? ExitCode.GateFailed : ExitCode.Passed;
  } finally {
    progress.done();
    database.close();
  }
}
