/**
 * linux:partition — mounted filesystems from /proc/mounts (read through the view on live targets).
 * A tree that is not running has no mount table: the object is "unknown" (never "nothing is
 * mounted", which would fail every partition rule of an image).
 */
import { filterByEntities, OvalCollectionError, requireLive, type OvalItem, type OvalTestType } from '../test-type.js';

/** /proc/mounts escapes space, tab, newline and backslash as octal. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_all, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export const partition: OvalTestType = {
  id: 'partition',
  families: ['linux'],
  async collect(object, context) {
    requireLive(context, 'partition');
    const all = await context.once('partition:all', async () => {
      const text = await context.files.readText('/proc/mounts');
      if (text === undefined) throw new OvalCollectionError('partition: /proc/mounts is not readable');
      return text.split('\n').flatMap((line): OvalItem[] => {
        const [device, mountPoint, fsType, options] = line.split(' ');
        if (!device || !mountPoint || !fsType || options === undefined) return [];
        return [{ mount_point: [unescapeMount(mountPoint)], device: [unescapeMount(device)], fs_type: [fsType], mount_options: options.split(',') }];
      });
    });
    return filterByEntities(object, all, context, ['mount_point']);
  },
};
