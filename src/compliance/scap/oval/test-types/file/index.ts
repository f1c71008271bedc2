/**
 * unix:file — one item per file (or folder) the object names: type, owner, group, size and the
 * permission bits as OVAL's booleans. Facts are the view's lstat: a link is a "symbolic link".
 */
import { forEachResolvedFile, type ResolvedFile } from '../../file-objects.js';
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

/** The item of one file; with `fields`, only those fields (what the object's filters read). */
function fileItem(found: ResolvedFile, fields?: ReadonlySet<string>): OvalItem {
  const wanted = (name: string): boolean => fields === undefined || fields.has(name);
  const item: OvalItem = {};
  if (wanted('filepath')) item.filepath = [found.filepath];
  if (wanted('path')) item.path = [found.path];
  if (wanted('type')) item.type = [TYPE_NAMES[found.info.type]];
  if (wanted('user_id')) item.user_id = [String(found.info.uid)];
  if (wanted('group_id')) item.group_id = [String(found.info.gid)];
  if (wanted('size')) item.size = [String(found.info.size)];
  if (found.filename !== undefined && wanted('filename')) item.filename = [found.filename];
  for (const [name, bit] of BITS) if (wanted(name)) item[name] = [(found.info.mode & bit) !== 0 ? 'true' : 'false'];
  return item;
}

export const file: OvalTestType = {
  id: 'file',
  families: ['unix'],
  async collect(object, context, keep) {
    const items: OvalItem[] = [];
    // Items are made and filtered one at a time: only those the object's filters keep are held, and
    // a file the filters drop is judged on the few fields they read (a walk of / makes ~650k).
    await forEachResolvedFile(object, context, (found) => {
      if (keep && !keep(fileItem(found, keep.fields))) return;
      items.push(fileItem(found));
    }, keep);
    return items;
  },
};
