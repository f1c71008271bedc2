/**
 * Reads an image export (the tar `docker save` and the image-export endpoint write: legacy,
 * OCI-style, or Podman's, whose layers sit at the top as `<digest>.tar`) in one sequential pass,
 * without writing it anywhere. Small JSON members (the config, manifest.json) are kept in memory;
 * each layer is analysed as it streams by, and identified by the diff id computed from its bytes,
 * which must be one of the image's. Layers the caller does not need are skipped: unread when their
 * name already gives their digest (OCI-style and Podman exports), otherwise analysed and discarded.
 */
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { HostileInputError, ImageError, isTollgateError, messageOf } from '../../errors.js';
import type { LayerEntries } from '../layer-entry.js';
import type { ScanLimits } from '../limits.js';
import { normalizeEntryPath } from '../paths.js';
import { readLayerBlob } from '../tar-entries.js';

export interface ExportReadResult<T> {
  /** Results by diff id. */
  layers: Map<string, T>;
  config?: Buffer;
}

async function readSmall(stream: AsyncIterable<unknown>, max: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) throw new ImageError(`image export: ${name} is larger than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readImageExport<T>(
  stream: Readable,
  image: { id: string; diffIds: readonly string[] },
  needed: ReadonlySet<string>,
  limits: ScanLimits,
  analyze: (entries: LayerEntries, label: string) => Promise<T>,
): Promise<ExportReadResult<T>> {
  const known = new Set(image.diffIds);
  const configHex = image.id.replace(/^sha256:/, '');
  const result: ExportReadResult<T> = { layers: new Map() };
  const extract = tarStream.extract();
  stream.on('error', (error) => extract.destroy(error));
  stream.pipe(extract);
  let count = 0;
  let layerNumber = 0;
  try {
    for await (const entry of extract) {
      count += 1;
      if (count > limits.maxArchiveEntries) throw new HostileInputError(`image export: more than ${limits.maxArchiveEntries} entries`);
      const name = normalizeEntryPath(entry.header.name, 'image export').slice(1);
      const type = entry.header.type;
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name)?.[1];
      if (name === `${configHex}.json` || blob === configHex) {
        result.config = await readSmall(entry, limits.maxMetadataBytes, name);
        continue;
      }
      // Podman (and every exporter built on containers/image) writes each layer once, as
      // `<digest>.tar` at the top, and makes `<id>/layer.tar` a link to it.
      const topLevelLayer = /^([a-f0-9]{64})\.tar$/.exec(name)?.[1];
      const named = blob ?? topLevelLayer;
      const isLayer = name.endsWith('/layer.tar') || topLevelLayer !== undefined || (blob !== undefined && known.has(`sha256:${blob}`)) || (blob !== undefined && (entry.header.size ?? 0) > limits.maxMetadataBytes);
      if (!isLayer || (named && !needed.has(`sha256:${named}`) && known.has(`sha256:${named}`)) || needed.size === 0) {
        entry.resume();
        continue;
      }
      layerNumber += 1;
      let diffId: string | undefined;
      const label = `exported layer ${layerNumber} (${name.slice(0, 30)})`;
      const analysis = await analyze(
        (async function* () {
          // A member named by a digest must hash to it (the digest of its stored bytes, which for
          // the uncompressed layers of an export is also its diff id).
          yield* readLayerBlob(Readable.from(entry), { label, ...(named ? { digest: `sha256:${named}` } : {}) }, limits, (digests) => (diffId = digests.diffId));
        })(),
        label,
      );
      if (!diffId || !known.has(diffId)) throw new ImageError(`image export: ${name} hashes to ${diffId ?? 'nothing'}, which is not a layer of ${image.id}`);
      if (needed.has(diffId)) result.layers.set(diffId, analysis);
    }
  } catch (error) {
    throw isTollgateError(error) ? error : new ImageError(`image export: not a readable tar: ${messageOf(error)}`, { cause: error });
  }
  for (const diffId of needed) if (!result.layers.has(diffId)) throw new ImageError(`image export: layer ${diffId} of ${image.id} was not in the export`);
  return result;
}
