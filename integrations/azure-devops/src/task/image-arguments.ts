/**
 * The image task's inputs as `tollgate image scan` arguments. Pure: every value goes to the CLI as
 * the user wrote it, and the CLI (the engine's own parsing) judges it, so a condition means the
 * same in the task as on a command line. The one thing decided here is which flag carries which
 * input.
 */
import { lineItems, listItems } from './input-lists.js';
import { reportArguments, type ReportFiles } from './report-files.js';

export interface ImageTaskInputs {
  /** Image ids, sha256 digests, names or references; a list (lines or commas). */
  images: string;
  dockerUrl?: string;
  dockerCertPath?: string;
  platform?: string;
  failOnSeverity?: string;
  severityLimits?: string;
  failOnIds?: string;
  failOnCvss?: string;
  failOnSoftware?: string;
  fixableOnly?: boolean;
  gateFile?: string;
  excludeIds?: string;
  excludePackages?: string;
  excludePaths?: string;
  ignoreFile?: string;
  vexFiles?: string;
  ignoreUnfixed?: boolean;
  databasePath?: string;
  skipDatabaseUpdate?: boolean;
  /** Minutes or an expression such as `2*60`: the longest one image's layers may take to read. */
  scanTimeout?: string;
  /** Server mode: a CI-mode sensor on the Docker host scans the image, the task polls the server. */
  viaSensor?: boolean;
  /** Server mode via a sensor: seconds between two polls (a number or an expression). */
  dataCollectionFrequency?: string;
  /** Server mode via a sensor: seconds to wait for the sensor's result (a number or an expression). */
  resultTimeout?: string;
}

export class NoImagesError extends Error {
  override readonly name = 'NoImagesError';
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Repeats `flag` once per item. */
function each(flag: string, items: readonly string[]): string[] {
  return items.flatMap((item) => [flag, item]);
}

export function imageReferences(inputs: Pick<ImageTaskInputs, 'images'>): string[] {
  const references = listItems(inputs.images);
  if (references.length === 0) throw new NoImagesError('no image to scan: list image ids, digests or names in "images"');
  return references;
}

/**
 * `--server URL` in server mode; with a sensor, `--via-sensor` and its polling. The polling inputs
 * are shown only with a sensor (visibleRule), so they are passed only then.
 */
function serverArguments(inputs: ImageTaskInputs, serverUrl: string | undefined): string[] {
  if (serverUrl === undefined) return [];
  const args = ['--server', serverUrl];
  if (!inputs.viaSensor) return args;
  args.push('--via-sensor');
  if (present(inputs.dataCollectionFrequency)) args.push('--poll', inputs.dataCollectionFrequency.trim());
  if (present(inputs.resultTimeout)) args.push('--timeout', inputs.resultTimeout.trim());
  return args;
}

export function imageScanArguments(inputs: ImageTaskInputs, files: ReportFiles, serverUrl?: string): string[] {
  const args = ['image', 'scan', ...imageReferences(inputs), '--quiet', ...reportArguments(files), ...serverArguments(inputs, serverUrl)];
  if (present(inputs.dockerUrl)) args.push('--docker-host', inputs.dockerUrl.trim());
  if (present(inputs.dockerCertPath)) args.push('--docker-cert-path', inputs.dockerCertPath.trim());
  if (present(inputs.platform)) args.push('--platform', inputs.platform.trim());
  if (present(inputs.failOnSeverity)) args.push('--fail-on', inputs.failOnSeverity.trim());
  args.push(...each('--fail-severity', listItems(inputs.severityLimits)));
  args.push(...each('--fail-id', listItems(inputs.failOnIds)));
  args.push(...each('--fail-cvss', listItems(inputs.failOnCvss)));
  args.push(...each('--fail-software', lineItems(inputs.failOnSoftware)));
  if (inputs.fixableOnly) args.push('--fixable-only');
  if (present(inputs.gateFile)) args.push('--gate', inputs.gateFile.trim());
  args.push(...each('--exclude-id', listItems(inputs.excludeIds)));
  args.push(...each('--exclude-package', lineItems(inputs.excludePackages)));
  args.push(...each('--exclude-path', lineItems(inputs.excludePaths)));
  if (present(inputs.ignoreFile)) args.push('--ignore-file', inputs.ignoreFile.trim());
  args.push(...each('--vex', lineItems(inputs.vexFiles)));
  if (inputs.ignoreUnfixed) args.push('--ignore-unfixed');
  if (present(inputs.databasePath)) args.push('--db', inputs.databasePath.trim());
  if (inputs.skipDatabaseUpdate) args.push('--skip-db-update');
  if (present(inputs.scanTimeout)) args.push('--max-scan-time', inputs.scanTimeout.trim());
  return args;
}
