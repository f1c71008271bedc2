/**
 * unix:sysctl — kernel parameters as the running kernel reports them, read from /proc/sys through
 * the target's view (no command needed, also over SSH). A dir: tree or an image has no running
 * kernel: the object is "unknown" (as OpenSCAP reports it inside such a tree), never the value of a
 * configuration file.
 */
import { entityNamed, filterByEntities, requireLive, type OvalItem, type OvalTestType } from '../test-type.js';
import { joinPath } from '../../cached-files.js';

async function allParameters(context: Parameters<OvalTestType['collect']>[1]): Promise<OvalItem[]> {
  const items: OvalItem[] = [];
  const stack = ['/proc/sys'];
  while (stack.length > 0) {
    const folder = stack.pop() as string;
    for (const name of (await context.files.listDir(folder)) ?? []) {
      const path = joinPath(folder, name);
      const info = await context.files.stat(path);
      if (info?.type === 'directory') stack.push(path);
      else if (info?.type === 'file' && (info.mode & 0o444) !== 0) {
        const text = await context.files.readText(path).catch(() => undefined);
        if (text !== undefined) items.push({ name: [path.slice('/proc/sys/'.length).replaceAll('/', '.')], value: text.trimEnd().split('\n') });
      }
    }
  }
  return items;
}

export const sysctl: OvalTestType = {
  id: 'sysctl',
  families: ['unix'],
  async collect(object, context) {
    requireLive(context, 'sysctl');
    const name = entityNamed(object, 'name');
    if (name?.operation === 'equals') {
      const items: OvalItem[] = [];
      for (const parameter of await context.entityValues(name)) {
        const text = await context.files.readText(`/proc/sys/${parameter.replaceAll('.', '/')}`).catch(() => undefined);
        // OpenSCAP reports a multi-value parameter (tab-separated) as one value with tabs kept.
        if (text !== undefined) items.push({ name: [parameter], value: [text.replace(/\n$/, '')] });
      }
      return items;
    }
    const all = await context.once('sysctl:all', () => allParameters(context));
    return filterByEntities(object, all, context, ['name']);
  },
};
