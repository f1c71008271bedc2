/**
 * A large image for benchmarks, streamed to disk: the bookworm fixture's real layers plus
 * synthetic layers of many small files and some large semi-compressible ones (deterministic text,
 * not zeros), with a node_modules tree so the analyzers have work.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { seededRandom } from '../src/vulndb/test-support/generate.js';
import { buildOnce } from '../test/support/fixture-cache.js';
import { ensureBookwormImage } from '../test/support/images.js';

class Hasher extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

const WORDS = ['package', 'version', 'lib', 'usr', 'share', 'config', 'data', 'index', 'module', 'return', 'function', 'const', 'value', 'error', 'build', 'image', 'layer', 'node', 'python', 'debian'];

function text(random: () => number, bytes: number): Buffer {
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = random() < 0.3 ? Math.floor(random() * 1e9).toString(36) : (WORDS[Math.floor(random() * WORDS.length)] as string);
    parts.push(word);
    length += word.length + 1;
  }
  return Buffer.from(parts.join(random() < 0.5 ? ' ' : '\n')).subarray(0, bytes);
}

async function writeSyntheticLayer(dir: string, index: number, targetBytes: number): Promise<{ digest: string; diffId: string; size: number }> {
  const random = seededRandom(1000 + index);
  const pack = tarStream.pack();
  const raw = new Hasher();
  const stored = new Hasher();
  const temporary = path.join(dir, `layer-${index}.tmp`);
  const done = pipeline(pack, raw, createGzip({ level: 6 }), stored, createWriteStream(temporary));
  let written = 0;
  const add = async (name: string, content: Buffer): Promise<void> => {
    await new Promise<void>((resolve, reject) => pack.entry({ name, size: content.length }, content, (error) => (error ? reject(error) : resolve())));
    written += content.length + 512;
  };
  if (index === 1) {
    for (let i = 0; i < 400; i++) await add(`srv/app/node_modules/mod-${i}/package.json`, Buffer.from(JSON.stringify({ name: `mod-${i}`, version: `1.${i % 10}.0`, description: text(random, 200).toString() })));
  }
  let file = 0;
  while (written < targetBytes) {
    const large = random() < 0.002;
    const size = large ? 8_000_000 + Math.floor(random() * 24_000_000) : 500 + Math.floor(random() * 12_000);
    await add(`opt/data-${index}/${Math.floor(file / 200)}/file-${file}.${large ? 'bin' : 'txt'}`, text(random, size));
    file += 1;
  }
  pack.finalize();
  await done;
  const digest = `sha256:${stored.hash.digest('hex')}`;
  await rename(temporary, path.join(dir, 'blobs', 'sha256', digest.slice(7)));
  return { digest, diffId: `sha256:${raw.hash.digest('hex')}`, size: stored.bytes };
}

/** An OCI layout of the bookworm fixture's layers plus about `syntheticBytes` of synthetic layers. */
export async function ensureLargeImage(syntheticBytes = 900 * 1024 * 1024): Promise<string> {
  const base = await ensureBookwormImage();
  return buildOnce(`large-image-${Math.round(syntheticBytes / 1048576)}m`, 1, async (target) => {
    await mkdir(path.join(target, 'blobs', 'sha256'), { recursive: true });
    const blob = (digest: string): string => path.join(base.ociDir, 'blobs', 'sha256', digest.slice(7));
    const index = JSON.parse(await readFile(path.join(base.ociDir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(await readFile(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { config: { digest: string; size: number }; layers: { digest: string; size: number; mediaType: string }[] };
    const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] }; history: { created_by?: string }[] };
    for (const layer of manifest.layers) await copyFile(blob(layer.digest), path.join(target, 'blobs', 'sha256', layer.digest.slice(7)));
    const perLayer = Math.ceil(syntheticBytes / 3);
    for (let i = 1; i <= 3; i++) {
      const layer = await writeSyntheticLayer(target, i, perLayer);
      manifest.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size });
      config.rootfs.diff_ids.push(layer.diffId);
      config.history.push({ created_by: `COPY data-${i} /opt/data-${i}` });
    }
    const writeBlob = async (content: Buffer): Promise<{ digest: string; size: number }> => {
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      await writeFile(path.join(target, 'blobs', 'sha256', digest.slice(7)), content);
      return { digest, size: content.length };
    };
    const configBlob = await writeBlob(Buffer.from(JSON.stringify(config)));
    manifest.config = { ...manifest.config, ...configBlob };
    const manifestBlob = await writeBlob(Buffer.from(JSON.stringify(manifest)));
    await writeFile(path.join(target, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(path.join(target, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': 'large' } }] }));
  });
}
