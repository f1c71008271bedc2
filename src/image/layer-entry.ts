/**
 * One entry of a layer (or of a plain directory) as the inventory walk sees it.
 */
export type LayerEntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface LayerEntry {
  /** Normalised absolute path inside the image root: `/etc/os-release`. */
  readonly path: string;
  readonly kind: LayerEntryKind;
  /** Content size in bytes for files; 0 otherwise. */
  readonly size: number;
  /** Symlink: the raw target as stored. Hard link: the normalised absolute path it links to. */
  readonly linkTarget?: string;
  readonly mode?: number;
  /** Numeric owner and group as the archive records them. */
  readonly uid?: number;
  readonly gid?: number;
  /**
   * Reads a file entry's whole content. Refuses content larger than `limit` with a
   * HostileInputError. Valid only until the iteration moves to the next entry.
   */
  read(limit: number): Promise<Buffer>;
  /**
   * Streams a file entry's content to `onChunk`, in order, for content too large to hold (spilled to
   * disk) or only peeked at (magic bytes). Refuses content larger than `limit` with a
   * HostileInputError before the first chunk. `onChunk` returns false to stop: the rest is skipped.
   * An entry is read once, by read or readChunks; valid only until the iteration moves on.
   */
  readChunks(limit: number, onChunk: (chunk: Buffer) => boolean | undefined | Promise<boolean | undefined>): Promise<void>;
  /**
   * Size and mode, for sources that learn them only on request (a folder walk reports size 0 and no
   * mode to spare a stat per file). Absent: `size` and `mode` are already right.
   */
  stat?(): Promise<{ size: number; mode: number | undefined }>;
}

/** The entries of one layer in archive order. Iterate once. */
export type LayerEntries = AsyncIterable<LayerEntry>;
