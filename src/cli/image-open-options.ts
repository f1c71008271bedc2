/**
 * How a command opens an image, the same for every command that opens one (`image scan`, and
 * `compliance scan` for `image:` targets): the flags, their environment variables, and the
 * translation into the options of openImage. A flag added here reaches every image the CLI opens.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { DEFAULT_LIMITS, formatBytes, type ScanLimits } from '../image/limits.js';
import { parsePlatform } from '../image/platform.js';
import type { OpenImageOptions } from '../image/sources.js';
import { evaluateDurationExpression, timerMilliseconds } from './duration-expression.js';
import { parseSize } from './options.js';

export interface ImageOpenFlags {
  platform: string;
  dockerHost?: string;
  dockerCertPath?: string;
  registryInsecure?: boolean;
  maxLayerSize?: number;
  maxLayerEntries?: number;
  maxScanSize?: number;
  maxScanTime?: number;
}

function parseCount(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value <= 0) throw new UsageError(`invalid ${flag} "${text}" (expected a whole number above 0)`);
    return value;
  };
}

function parseMinutes(flag: string): (text: string) => number {
  return (text) => {
    const minutes = evaluateDurationExpression(text, flag);
    if (!(minutes > 0)) throw new UsageError(`invalid ${flag} "${text}" (expected minutes above 0)`);
    return timerMilliseconds(minutes, 60_000, flag, 'minutes');
  };
}

/** Adds the image-opening flags to `command`, in the order `--help` shows them. */
export function addImageOpenOptions(command: Command): Command {
  return command
    .addOption(new Option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image').default('linux/amd64').env('TOLLGATE_PLATFORM'))
    .addOption(new Option('--docker-host <address>', 'Docker daemon: unix:///path/docker.sock or tcp://host:port (default: DOCKER_HOST, else the local socket)'))
    .addOption(new Option('--docker-cert-path <dir>', 'folder with ca.pem, cert.pem and key.pem for a TLS daemon (default: DOCKER_CERT_PATH)'))
    .addOption(new Option('--registry-insecure', 'accept a registry with a self-signed certificate or plain HTTP').env('TOLLGATE_REGISTRY_INSECURE'))
    .addOption(new Option('--max-layer-size <size>', `largest uncompressed layer read before it is refused as a possible bomb (default ${formatBytes(DEFAULT_LIMITS.maxLayerBytes)})`).argParser(parseSize('--max-layer-size')).env('TOLLGATE_MAX_LAYER_SIZE'))
    .addOption(new Option('--max-layer-entries <count>', `most files, folders and links one layer may hold (default ${DEFAULT_LIMITS.maxLayerEntries.toLocaleString('en')})`).argParser(parseCount('--max-layer-entries')).env('TOLLGATE_MAX_LAYER_ENTRIES'))
    .addOption(new Option('--max-scan-size <size>', `most uncompressed bytes all the layers of one image may inflate to, before the scan is refused (default ${formatBytes(DEFAULT_LIMITS.maxScanBytes)})`).argParser(parseSize('--max-scan-size')).env('TOLLGATE_MAX_SCAN_SIZE'))
    .addOption(new Option('--max-scan-time <minutes>', `longest time reading the layers of one image may take, in minutes or an expression such as 2*60 (default ${DEFAULT_LIMITS.maxScanMs / 60_000})`).argParser(parseMinutes('--max-scan-time')).env('TOLLGATE_MAX_SCAN_TIME'));
}

/**
 * The options of openImage from the flags; a bad --platform is a usage error, found before any
 * image is touched. A command with a layer cache adds it as the metadata store.
 */
export function imageOpenOptionsOf(flags: ImageOpenFlags): OpenImageOptions {
  return {
    platform: parsePlatform(flags.platform),
    docker: { ...(flags.dockerHost ? { dockerHost: flags.dockerHost } : {}), ...(flags.dockerCertPath ? { certPath: flags.dockerCertPath } : {}) },
    registry: { insecure: Boolean(flags.registryInsecure) },
    ...(limitsOf(flags) ?? {}),
  };
}

function limitsOf(flags: ImageOpenFlags): { limits: Partial<ScanLimits> } | undefined {
  const limits: Partial<ScanLimits> = {
    ...(flags.maxLayerSize !== undefined ? { maxLayerBytes: flags.maxLayerSize } : {}),
    ...(flags.maxLayerEntries !== undefined ? { maxLayerEntries: flags.maxLayerEntries } : {}),
    ...(flags.maxScanSize !== undefined ? { maxScanBytes: flags.maxScanSize } : {}),
    ...(flags.maxScanTime !== undefined ? { maxScanMs: flags.maxScanTime } : {}),
  };
  return Object.keys(limits).length > 0 ? { limits } : undefined;
}
