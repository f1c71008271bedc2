/**
 * Registry mode: on a schedule, lists the configured registries' repositories (the catalog API, or
 * the repositories configured) and their tags, resolves each tag to its manifest digest, and scans
 * every digest not scanned before through the engine's `registry:` source (with the registry
 * client's credential handling: the Docker config and its helpers). Digests already scanned are
 * kept in a state file, and the scan id is made from the digest, so a digest scanned again after
 * the state was lost is stored once.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { messageOf, UsageError } from '../errors.js';
import { MediaType } from '../image/oci-types.js';
import { RegistryClient } from '../image/registry/client.js';
import { parseRegistryReference } from '../image/registry/reference.js';
import type { PlatformClient } from './platform-client.js';
import { sleep } from './backoff.js';
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
          await this.scanDigest(`${target.registry}/${repository}`, tag, digest);
          this.seen.add(key);
          await this.saveState();
        }
      } finally {
        await client.close();
      }
    }
  }

  private async scanDigest(repository: string, tag: string, digest: string): Promise<void> {
    this.options.log(`scanning ${repository}:${tag} (${digest})`);
    const result = await this.options.scan(`registry:${repository}@${digest}`);
    const tagged = { ...result, image: { ...result.image, repoTags: [...new Set([...result.image.repoTags, `${repository}:${tag}`])] } };
    const scanId = `registry-${createHash('sha256').update(`${repository}@${digest}`).digest('hex').slice(0, 40)}`;
    await this.options.spool.add({ scanId, digest: result.image.manifestDigest ?? digest, result: tagged });
  }

  private async saveState(): Promise<void> {
    const temporary = `${this.options.stateFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify([...this.seen].sort()));
    await rename(temporary, this.options.stateFile);
  }
}
