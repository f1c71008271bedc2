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
}

/** The entries of one layer in archive order. Iterate once. */
export type LayerEntries = AsyncIterable<LayerEntry>;
