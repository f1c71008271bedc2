/**
 * The part every target backed by an FsView shares: the four reads go to the view unchanged, so a
 * target adds only what it knows about itself (kind, name, live, commands) and never reads on its
 * own behind the view's root confinement.
 */
import { listWithInfo, type FileInfo, type FolderListing, type FsView } from '../../image/fs/fs-view.js';

export abstract class ViewTarget implements FsView {
  constructor(protected readonly view: FsView) {}

  stat(path: string): Promise<FileInfo | undefined> {
    return this.view.stat(path);
  }

  readFile(path: string, maxBytes: number): Promise<Buffer> {
    return this.view.readFile(path, maxBytes);
  }

  readLink(path: string): Promise<string | undefined> {
    return this.view.readLink(path);
  }

  listDir(path: string): Promise<string[] | undefined> {
    return this.view.listDir(path);
  }

  /** The view's listing with facts when it has one, else a listing and a stat per entry. */
  listDirInfo(path: string): Promise<FolderListing | undefined> {
    return listWithInfo(this.view, path);
  }
}
