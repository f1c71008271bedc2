/**
 * `docker-archive:<file.tar>[:name:tag|@index]`: the tarball `docker save` and
 * `skopeo copy ... docker-archive:` write. Both layouts work: the legacy one (`manifest.json`,
 * `<hex>.json` config, `<id>/layer.tar`, duplicate layers as symlinks) and the OCI-style one
 * (`manifest.json` pointing into `blobs/sha256/`). The outer tar is indexed, not extracted: each
 * layer is streamed straight from its byte range, and verified against the config's diff ids
 * (and, for `blobs/<alg>/<hex>` names, the blob digest).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { ImageError, UsageError } from '../../errors.js';
import type { ImageSummary } from '../../model/image-scan.js';
import { fileRangeIdentity, hashFileRange, openRegularFile, rememberStoredDigest, streamRange } from '../files.js';
import { storedSize, summarizeImage } from '../image-summary.js';
import type { LayerEntries } from '../layer-entry.js';
import type { ScanLimits } from '../limits.js';
import { createdByPerLayer, parseImageConfig, parseJsonDocument } from '../oci-types.js';
import type { ImageMetadataStore, ImageSource, LayerDescriptor } from '../source.js';
import { indexTarFile, type TarIndexEntry } from '../tar-index.js';
import { readLayerBlob } from '../tar-entries.js';
import { detectCompression, type LayerDigests } from '../layer-decoder.js';

export interface DockerArchiveReference {
  file: string;
  /** `name:tag` to pick one image from a multi-image archive. */
  tag?: string;
  /** `@N` to pick the N-th image (from 0). */
  index?: number;
}

interface ArchiveManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

const MAX_LINK_HOPS = 16;

/** Splits `<file>[:name:tag|@index]`: the file is the longest prefix that ends in `.tar` or exists. */
export function parseDockerArchiveReference(text: string, fileExists: (file: string) => boolean): DockerArchiveReference {
  if (text === '') throw new UsageError('docker-archive: needs a file: docker-archive:<file.tar>[:name:tag|@index]');
  if (fileExists(text)) return { file: text };
  const at = text.lastIndexOf(':@');
  if (at > 0 && /^\d+$/.test(text.slice(at + 2))) return { file: text.slice(0, at), index: Number(text.slice(at + 2)) };
  const colon = text.indexOf(':');
  if (colon > 0 && fileExists(text.slice(0, colon))) return { file: text.slice(0, colon), tag: text.slice(colon + 1) };
  return { file: text };
}

function parseArchiveManifest(bytes: Buffer, file: string): ArchiveManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ImageError(`${file}: manifest.json is not valid JSON`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ImageError(`${file}: manifest.json lists no images`);
  return parsed.map((entry: unknown, i) => {
    const record = entry as Record<string, unknown>;
    if (typeof record !== 'object' || record === null || typeof record.Config !== 'string' || !Array.isArray(record.Layers)) {
      throw new ImageError(`${file}: manifest.json entry ${i} has no Config or Layers`);
    }
    return {
      Config: record.Config,
      RepoTags: Array.isArray(record.RepoTags) ? record.RepoTags.filter((tag): tag is string => typeof tag === 'string') : [],
      Layers: record.Layers.map((layer) => {
        if (typeof layer !== 'string') throw new ImageError(`${file}: manifest.json entry ${i} has a non-string layer`);
        return layer;
      }),
    };
  });
}

/** A Docker reference in its short form: no `docker.io/` or `library/`, `:latest` when untagged. */
export function normalizeDockerTag(tag: string): string {
  let name = tag.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  if (!/:[^/]+$/.test(name) && !name.includes('@')) name = `${name}:latest`;
  return name;
}

function chooseImage(manifest: ArchiveManifestEntry[], ref: DockerArchiveReference): ArchiveManifestEntry {
  if (ref.index !== undefined) {
    const chosen = manifest[ref.index];
    if (!chosen) throw new ImageError(`${ref.file}: no image @${ref.index} (the archive holds ${manifest.length})`);
    return chosen;
  }
  if (ref.tag !== undefined) {
    const wanted = normalizeDockerTag(ref.tag);
    const chosen = manifest.find((entry) => entry.RepoTags.some((tag) => normalizeDockerTag(tag) === wanted));
    if (!chosen) {
      throw new ImageError(`${ref.file}: no image tagged "${ref.tag}" (tags: ${manifest.flatMap((m) => m.RepoTags).join(', ') || 'none'})`);
    }
    return chosen;
  }
  if (manifest.length > 1) {
    throw new UsageError(`${ref.file} holds ${manifest.length} images; pick one with docker-archive:<file>:<name:tag> or :@<index>`);
  }
  return manifest[0] as ArchiveManifestEntry;
}

/** Finds an archive member by name, following in-archive symlinks (never out of the archive). */
function lookup(entries: Map<string, TarIndexEntry>, name: string, file: string): TarIndexEntry {
  let current = path.posix.normalize(name.replace(/^\/+/, ''));
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    if (current.startsWith('../') || current === '..') throw new ImageError(`${file}: "${name}" points outside the archive`);
    const entry = entries.get(current);
    if (!entry) throw new ImageError(`${file}: the archive has no member "${current}" (named by manifest.json)`);
    if (entry.type === 'file') return entry;
    if (entry.type !== 'symlink' && entry.type !== 'hardlink') throw new ImageError(`${file}: "${current}" is not a file`);
    const target = entry.linkname ?? '';
    current = path.posix.normalize(entry.type === 'symlink' && !target.startsWith('/') ? path.posix.join(path.posix.dirname(current), target) : target.replace(/^\/+/, ''));
  }
  throw new ImageError(`${file}: too many links resolving "${name}"`);
}

function blobDigestFromName(name: string): string | undefined {
  const match = /(?:^|\/)blobs\/(sha256|sha512)\/([a-f0-9]{64,128})$/.exec(name);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

export class DockerArchiveSource implements ImageSource {
  readonly layersHaveWhiteouts = true;
  /** The archive is a file anyone may have edited: a layer is known only by hashing its bytes. */
  readonly layerProof = 'hash';

  private constructor(
    readonly image: ImageSummary,
    readonly layers: readonly LayerDescriptor[],
    private readonly handle: FileHandle,
    private readonly members: TarIndexEntry[],
    private readonly limits: ScanLimits,
    private readonly file: string,
    private readonly store: ImageMetadataStore | undefined,
  ) {}

  static async open(reference: string, ref: DockerArchiveReference, limits: ScanLimits, store?: ImageMetadataStore): Promise<DockerArchiveSource> {
    const { handle, size } = await openRegularFile(ref.file);
    try {
      const prefix = Buffer.alloc(4);
      await handle.read(prefix, 0, 4, 0);
      if (detectCompression(prefix) !== 'none') {
        throw new ImageError(`${ref.file}: a compressed archive; docker-archive: reads the uncompressed tar that docker save writes`, {
          hint: `decompress it first, e.g. gunzip -k ${ref.file}`,
        });
      }
      const entries = await indexTarFile(handle, size, ref.file, limits.maxArchiveEntries);
      const readMember = async (member: TarIndexEntry): Promise<Buffer> => {
        if (member.size > limits.maxMetadataBytes) throw new ImageError(`${ref.file}: "${member.name}" is too large for metadata`);
        const buffer = Buffer.alloc(member.size);
        await handle.read(buffer, 0, member.size, member.offset);
        return buffer;
      };
      if (!entries.has('manifest.json')) throw new ImageError(`${ref.file}: not a docker-archive (no manifest.json)`);
      const manifest = parseArchiveManifest(await readMember(lookup(entries, 'manifest.json', ref.file)), ref.file);
      const chosen = chooseImage(manifest, ref);
      const configBytes = await readMember(lookup(entries, chosen.Config, ref.file));
      const imageId = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
      const namedDigest = blobDigestFromName(chosen.Config) ?? (/^([a-f0-9]{64})\.json$/.exec(path.posix.basename(chosen.Config)) ? `sha256:${path.posix.basename(chosen.Config, '.json')}` : undefined);
      if (namedDigest && namedDigest !== imageId) throw new ImageError(`${ref.file}: config "${chosen.Config}" hashes to ${imageId}`);
      const config = parseImageConfig(parseJsonDocument(configBytes, `${ref.file}: ${chosen.Config}`), `${ref.file}: ${chosen.Config}`);
      const diffIds = config.rootfs?.diff_ids ?? [];
      if (diffIds.length !== chosen.Layers.length) {
        throw new ImageError(`${ref.file}: manifest.json lists ${chosen.Layers.length} layers but the config has ${diffIds.length} diff ids`);
      }
      const createdBy = createdByPerLayer(config, chosen.Layers.length);
      const members = chosen.Layers.map((name) => lookup(entries, name, ref.file));
      const layers: LayerDescriptor[] = members.map((member, index) => {
        const digest = blobDigestFromName(member.name);
        return {
          index,
          diffId: diffIds[index],
          ...(digest ? { digest } : {}),
          storedAt: `${member.offset}+${member.size}`,
          size: member.size,
          ...(createdBy[index] ? { createdBy: createdBy[index] } : {}),
        };
      });
      const image = summarizeImage({ reference, source: 'docker-archive', id: imageId, repoTags: chosen.RepoTags, config, size: storedSize(layers), layers });
      return new DockerArchiveSource(image, layers, handle, members, limits, ref.file, store);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  openLayer(index: number): LayerEntries {
    const layer = this.layers[index];
    const member = this.members[index];
    if (!layer || !member) throw new ImageError(`layer ${index} does not exist`);
    const label = `layer ${index} (${(layer.diffId ?? member.name).slice(0, 19)})`;
    const { handle, file, store, limits } = this;
    return (async function* () {
      // A read verifies the stored bytes: remembered, a warm scan need not hash them to trust the cache.
      const before = store?.putStoredDigest ? await fileRangeIdentity(handle, file, member.offset, member.size) : '';
      let verified: LayerDigests | undefined;
      yield* readLayerBlob(streamRange(handle, member.offset, member.size), { label, digest: layer.digest, diffId: layer.diffId }, limits, (digests) => (verified = digests));
      if (verified) await rememberStoredDigest(store, handle, file, member.offset, member.size, before, verified.digest);
    })();
  }

  storedDigest(index: number): Promise<string> {
    const member = this.members[index];
    if (!member) throw new ImageError(`layer ${index} does not exist`);
    return hashFileRange(this.handle, this.file, member.offset, member.size, this.store);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
