/**
 * The vulnerability database mirror: the prebuilt artifact file (src/vulndb/artifact, built by
 * `tollgate db build`/`db pack`) served to sensors and CI runners as a plain HTTPS file, so a
 * company needs one outbound connection. The file's digest is computed once per version of the
 * file (its inode, size and mtime) and served as the ETag; the server never alters the artifact,
 * whose signature the installer verifies.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';

export interface MirroredArtifact {
  path: string;
  /** `sha256:<hex>` of the file. */
  digest: string;
  size: number;
  modified: string;
}

export class Mirror {
  private cached: { stamp: string; artifact: MirroredArtifact } | undefined;

  constructor(readonly artifactPath: string | undefined) {}

  /** The artifact as it is now, or undefined when none is configured or the file is missing. */
  async current(): Promise<MirroredArtifact | undefined> {
    if (this.artifactPath === undefined) return undefined;
    let info;
    try {
      info = await stat(this.artifactPath);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
    if (this.cached?.stamp === stamp) return this.cached.artifact;
    const hash = createHash('sha256');
    await pipeline(
      createReadStream(this.artifactPath),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done();
        },
      }),
    );
    const artifact = { path: this.artifactPath, digest: `sha256:${hash.digest('hex')}`, size: info.size, modified: info.mtime.toISOString() };
    this.cached = { stamp, artifact };
    return artifact;
  }
}
