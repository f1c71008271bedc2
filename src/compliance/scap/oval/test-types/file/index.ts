/**
 * unix:file — one item per file (or folder) the object names: type, owner, group, size and the
 * permission bits as OVAL's booleans. Facts are the view's lstat: a link is a "symbolic link".
 */
import { forEachResolvedFile } from '../../cached-files.js';
import type { FileType } from '../../../../targets/target.js';
import type { OvalItem, OvalTestType } from '../test-type.js';

const TYPE_NAMES: Record<FileType, string> = { file: 'regular', directory: 'directory', symlink: 'symbolic link', other: 'other' };

const BITS: [string, number][] = [
  ['suid', 0o4000],
  ['sgid', 0o2000],
  ['sticky', 0o1000],
  ['uread', 0o400],
  ['uwrite', 0o200],
  ['uexec', 0o100],
  ['gread', 0o40],
  ['gwrite', 0o20],
  ['gexec', 0o10],
  ['oread', 0o4],
  ['owrite', 0o2],
  ['oexec', 0o1],
];

export const file: OvalTestType = {
  id: 'file',
  families: ['unix'],
  async collect(object, context, keep) {
    const items: OvalItem[] = [];
    // Items are made and filtered one at a time: only those the object's filters keep are held.
    await forEachResolvedFile(object, context, async (found) => {
      const item: OvalItem = {
        filepath: [found.filepath],
        path: [found.path],
        type: [TYPE_NAMES[found.info.type]],
        user_id: [String(found.info.uid)],
        group_id: [String(found.info.gid)],
        size: [String(found.info.size)],
      };
      if (found.filename !== undefined) item.filename = [found.filename];
      for (const [name, bit] of BITS) item[name] = [(found.info.mode & bit) !== 0 ? 'true' : 'false'];
      if (!keep || (await keep(item))) items.push(item);
    });
    return items;
  },
};
