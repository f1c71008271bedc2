/**
 * Registry mode: on a schedule, lists the configured registries' repositories (the catalog API, or
 * the repositories configured) and their tags, resolves each tag to its manifest digest, and scans
 * every digest not scanned before through the engine's `registry:` source (with the registry
 * client's credential handling: the Docker config and its helpers). Digests already scanned are
 * kept in a state file, and the scan id is made from the digest, so a digest scanned again after
 * the state was lost is stored once. Before scanning, the sensor claims the digest on the server as
 * CI mode does: two registry-mode sensors on one registry scan each new digest once (a digest
 * another sensor scanned is taken as seen; one another live sensor is scanning is tried again at the
 * next listing, so a claim left by a sensor that died is taken over).
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { messageOf, UsageError } from '../errors.js';
import { MediaType } from '../image/oci-types.js';
import { RegistryClient } from '../image/registry/client.js';
import { parseRegistryReference } from '../image/registry/reference.js';
import { reportScanFailure } from './scan-failure-report.js';
import { PlatformError, type PlatformClient } from './platform-client.js';
import { sleep, withBackoff } from './backoff.js';
import type { ImageScanner } from './daemon-scanner.js';
import type { UploadSpool } from './upload-spool.js';

const ACCEPT = [MediaType.OciIndex, MediaType.DockerManifestList, MediaType.OciManifest, MediaType.DockerManifest];
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** `host[:port]` (every repository of its catalog) or `host[:port]/repository` (that repository). */
export interface RegistryTarget {
  registry: string;
  repository?: string;
}

export function parseRegistryTarget(text: string): RegistryTarget {
  const trimmed = text.trim().replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  if (slash === -1) {
    if (!/^[A-Za-z0-9.-]+(?::\d+)?$/.test(trimmed)) throw new UsageError(`invalid --registry "${text}": expected host[:port] or host[:port]/repository`);
    return { registry: trimmed };
  }
  const reference = parseRegistryReference(`${trimmed}:latest`);
  if (reference.registry !== trimmed.slice(0, slash)) throw new UsageError(`invalid --registry "${text}": name the registry host first (host[:port]/repository)`);
  return { registry: reference.registry, repository: reference.repository };
}

export interface RegistryModeOptions {
  client: PlatformClient;
  sensorId: string;
  spool: UploadSpool;
  scan: ImageScanner;
  targets: RegistryTarget[];
  intervalMs: number;
  stateFile: string;
  insecure: boolean;
  log(line: string): void;
}

export class RegistryMode {
  private seen = new Set<string>();

  constructor(private readonly options: RegistryModeOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const stored = await readFile(this.options.stateFile, 'utf8').catch(() => '[]');
    try {
      this.seen = new Set(JSON.parse(stored) as string[]);
    } catch {
      this.seen = new Set();
    }
    while (!signal.aborted) {
      for (const target of this.options.targets) {
        if (signal.aborted) return;
        await this.sweep(target, signal).catch((error: unknown) => this.options.log(`listing ${target.registry}${target.repository ? `/${target.repository}` : ''} failed: ${messageOf(error)}`));
      }
      await sleep(this.options.intervalMs, signal);
    }
  }

  private async sweep(target: RegistryTarget, signal: AbortSignal): Promise<void> {
    const clientOptions = { insecure: this.options.insecure, timeoutMs: 60_000 };
    let repositories: string[];
    if (target.repository) repositories = [target.repository];
    else {
      const catalog = new RegistryClient({ registry: target.registry, apiHost: target.registry, repository: 'catalog' }, clientOptions);
      try {
        repositories = await catalog.catalog();
      } finally {
        await catalog.close();
      }
    }
    for (const repository of repositories) {
      const client = new RegistryClient({ registry: target.registry, apiHost: target.registry, repository }, clientOptions);
      try {
        for (const tag of await client.tags()) {
          if (signal.aborted) return;
          const manifest = await client.manifest(tag, ACCEPT, MAX_MANIFEST_BYTES);
          const digest = manifest.digestHeader ?? `sha256:${createHash('sha256').update(manifest.bytes).digest('hex')}`;
          const key = `${target.registry}/${repository}@${digest}`;
          if (this.seen.has(key)) continue;
          if (!(await this.scanDigest(`${target.registry}/${repository}`, tag, digest, signal))) continue;
          this.seen.add(key);
          await this.saveState();
        }
      } finally {
        await client.close();
      }
    }
  }

  /** Claims and scans a digest; answers false when another live sensor holds its claim (try again later). */
  private async scanDigest(repository: string, tag: string, digest: string, signal: AbortSignal): Promise<boolean> {
    const { client, sensorId, log } = this.options;
    const retry = { signal, retryable: (error: unknown) => error instanceof PlatformError && error.retryable, onRetry: (error: unknown) => log(`server unavailable (${messageOf(error)}); retrying`) };
    let claimId: string;
    try {
      claimId = (await withBackoff(() => client.send<{ claimId: string }>('POST', `/api/v1/images/${digest}/claims`, { sensorId, marker: `${repository}:${tag}` }), retry)).body.claimId;
    } catch (error) {
      if (error instanceof PlatformError && error.status === 409) {
        const held = /is scanning this image/.test(error.message);
        log(`${repository}:${tag} (${digest}): ${error.message.replace(/^.*HTTP 409 /, '')}; ${held ? 'looking again at the next listing' : 'not scanning it again'}`);
        return !held;
      }
      throw error;
    }
    log(`scanning ${repository}:${tag} (${digest})`);
    let result;
    try {
      result = await this.options.scan(`registry:${repository}@${digest}`);
    } catch (error) {
      // The claim holds nothing once given up: another sensor, or this one at the next listing, may try.
      if (!signal.aborted) await reportScanFailure(client, { digest, claimId }, error, retry, log);
      throw error;
    }
    const tagged = { ...result, image: { ...result.image, repoTags: [...new Set([...result.image.repoTags, `${repository}:${tag}`])] } };
    const scanId = `registry-${createHash('sha256').update(`${repository}@${digest}`).digest('hex').slice(0, 40)}`;
    // The claim is completed for the digest it was made on (the spool does so after the upload).
    await this.options.spool.add({ scanId, digest, claimId, result: tagged });
    return true;
  }

  private async saveState(): Promise<void> {
    const temporary = `${this.options.stateFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify([...this.seen].sort()));
    await rename(temporary, this.options.stateFile);
  }
}
