/**
 * `sbom:<file>`: an image known by its SBOM (CycloneDX JSON or XML, SPDX 2.3 JSON) rather than by
 * its bytes, as `trivy sbom` and `grype sbom:` read one. The source states an inventory
 * (`described`) and holds no layer: the engine takes the packages and OS the document names, and
 * the matcher, the gate and the reports treat them as those of a scanned image.
 *
 * The file is read within the SBOM size limit, without following a link at its own name out of
 * intent (a link to a regular file is read; a device or a folder is refused).
 */
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { HostileInputError, ImageError } from '../../errors.js';
import type { LayerEntries } from '../layer-entry.js';
import { summarizeImage } from '../image-summary.js';
import { formatBytes } from '../limits.js';
import { readSbomDocument, DEFAULT_SBOM_LIMITS, type SbomLimits } from '../sbom/sbom-document.js';
import { inventoryOfSbom } from '../sbom/sbom-inventory.js';
import type { DescribedInventory, ImageSource, LayerDescriptor } from '../source.js';

async function readBounded(file: string, limit: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new ImageError(`cannot open SBOM ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ImageError(`SBOM ${file} is not a regular file`);
    if (stats.size > limit) throw new HostileInputError(`SBOM ${file} is ${formatBytes(stats.size)}, over the ${formatBytes(limit)} limit for one SBOM`);
    // Read up to one byte past the limit: a file that grew since stat() is refused, not truncated.
    const buffer = Buffer.alloc(Math.min(stats.size, limit) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length) throw new HostileInputError(`SBOM ${file} grew past the ${formatBytes(limit)} limit for one SBOM while being read`);
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export class SbomSource implements ImageSource {
  readonly layersHaveWhiteouts = false;

  private constructor(
    readonly image: ImageSource['image'],
    readonly layers: readonly LayerDescriptor[],
    readonly described: DescribedInventory,
  ) {}

  static async open(reference: string, file: string, limits: SbomLimits = DEFAULT_SBOM_LIMITS): Promise<SbomSource> {
    if (file === '') throw new ImageError(`${reference}: no file named; write sbom:<file>`);
    const content = await readBounded(file, limits.maxBytes);
    let inventory;
    try {
      inventory = inventoryOfSbom(readSbomDocument(content, limits));
    } catch (error) {
      if (error instanceof ImageError) throw new (error.constructor as typeof ImageError)(`SBOM ${file}: ${error.message}`, { cause: error });
      throw error;
    }
    const layers: LayerDescriptor[] = inventory.layers.map((layer) => ({ index: layer.index, ...(layer.diffId ? { diffId: layer.diffId } : {}), ...(layer.createdBy ? { createdBy: layer.createdBy } : {}) }));
    const image = summarizeImage({ reference, source: 'sbom', ...(inventory.imageId ? { id: inventory.imageId } : {}), layers });
    return new SbomSource(image, layers, { ...(inventory.os ? { os: inventory.os } : {}), packages: inventory.packages, warnings: inventory.warnings });
  }

  openLayer(index: number): LayerEntries {
    throw new ImageError(`an SBOM describes packages, not files: layer ${index} of ${this.image.reference} cannot be read`);
  }

  async close(): Promise<void> {}
}
