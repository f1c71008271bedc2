/**
 * unix:symlink — a link's path and its canonical target, resolved inside the target's view (an
 * absolute target is the target's own path). A file that is not a link yields no item.
 */
import { entityNamed, OvalCollectionError, type OvalItem, type OvalTestType } from '../test-type.js';

async function canonical(path: string, readLink: (path: string) => Promise<string | undefined>): Promise<string | undefined> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const link = await readLink(current);
    if (link === undefined) return current;
    const base = current.slice(0, current.lastIndexOf('/')) || '/';
    const joined = link.startsWith('/') ? link : `${base}/${link}`;
    const parts: string[] = [];
    for (const part of joined.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    current = `/${parts.join('/')}`;
  }
  return undefined;
}

export const symlink: OvalTestType = {
  id: 'symlink',
  families: ['unix'],
  async collect(object, context) {
    const filepath = entityNamed(object, 'filepath');
    if (!filepath || filepath.operation !== 'equals') throw new OvalCollectionError(`${object.id}: symlink objects need filepath with equals`);
    const items: OvalItem[] = [];
    for (const path of await context.entityValues(filepath)) {
      const info = await context.files.stat(path);
      if (info?.type !== 'symlink') continue;
      const target = await canonical(path, (link) => context.target.readLink(link));
      if (target === undefined) throw new OvalCollectionError(`${path}: too many levels of symbolic links`);
      items.push({ filepath: [path], canonical_path: [target] });
    }
    return items;
  },
};
