/**
 * `image:<ref>`: a container image's filesystem, from any image source (docker-archive, OCI
 * layout, Docker daemon, registry), opened with the same options as `image scan`. The layers are
 * merged by MergedImageFs; file contents are kept only for what checks and target facts read (the
 * configuration folders, and the files of the inventory's OS and package-database analyzers), each
 * bounded. An image is not a running system: no commands, no runtime state.
 */
import { HostileInputError } from '../../errors.js';
import { MergedImageFs, type ContentSelection } from '../../image/fs/merged-image-fs.js';
import { isSameOrBelow } from '../../image/paths.js';
import { openImage, type OpenImageOptions } from '../../image/sources.js';
import { systemAnalyzers } from '../../inventory/analyze-view.js';
import { fileSizeLimitOf } from '../../inventory/analyzer.js';
import { FileSelector } from '../../inventory/file-selector.js';
import { TargetUnavailableError, MAX_CHECKED_FILE_BYTES, type Target } from './target.js';
import { ViewTarget } from './view-target.js';

/** Folders whose files configuration checks read. */
const CONFIGURATION_FOLDERS = ['/etc', '/usr/lib/sysctl.d', '/lib/sysctl.d', '/usr/lib/modprobe.d', '/lib/modprobe.d', '/usr/lib/systemd/system', '/lib/systemd/system', '/usr/local/lib/sysctl.d'];

/**
 * What an image target keeps: configuration files up to the checked-file bound, and the files target
 * facts analyze up to their analyzer's bound, or the checked-file bound when larger (checks read them too).
 */
function contentForChecks(): ContentSelection {
  const system = systemAnalyzers();
  const factFiles = new FileSelector([...system.os, ...system.packageDatabases]);
  return {
    limitFor(path) {
      const readers = factFiles.analyzersFor(path);
      const forFacts = readers.length > 0 ? Math.max(MAX_CHECKED_FILE_BYTES, ...readers.map((reader) => fileSizeLimitOf(reader) ?? MAX_CHECKED_FILE_BYTES)) : undefined;
      if (forFacts !== undefined) return forFacts;
      return CONFIGURATION_FOLDERS.some((folder) => isSameOrBelow(path, folder)) ? MAX_CHECKED_FILE_BYTES : undefined;
    },
    notKept: 'file contents outside the configuration folders are not kept for image targets',
  };
}

export class ImageTarget extends ViewTarget implements Target {
  readonly kind = 'image' as const;
  readonly live = false;

  private constructor(
    readonly name: string,
    view: MergedImageFs,
  ) {
    super(view);
  }

  static async open(reference: string, options: OpenImageOptions = {}): Promise<ImageTarget> {
    const source = await openImage(reference, options);
    let view: MergedImageFs;
    try {
      view = await MergedImageFs.read(source, contentForChecks());
    } catch (error) {
      if (error instanceof HostileInputError || error instanceof TargetUnavailableError) throw error;
      throw new TargetUnavailableError(`image:${reference}: ${(error as Error).message}`, { cause: error });
    } finally {
      await source.close();
    }
    return new ImageTarget(`image:${reference}`, view);
  }

  async close(): Promise<void> {}
}
