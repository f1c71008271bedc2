/** unix:password — /etc/passwd entries (username, password field, ids, gcos, home, shell). */
import { filterByEntities, type OvalItem, type OvalTestType } from '../test-type.js';

export const password: OvalTestType = {
  id: 'password',
  families: ['unix'],
  async collect(object, context) {
    const all = await context.once('password:all', async () => {
      const text = (await context.files.readText('/etc/passwd')) ?? '';
      return text.split('\n').flatMap((line): OvalItem[] => {
        const fields = line.split(':');
        if (fields.length < 7 || line.startsWith('#')) return [];
        const [username, passwordField, uid, gid, gcos, home, shell] = fields as string[];
        return [{ username: [username ?? ''], password: [passwordField ?? ''], user_id: [uid ?? ''], group_id: [gid ?? ''], gcos: [gcos ?? ''], home_dir: [home ?? ''], login_shell: [shell ?? ''] }];
      });
    });
    return filterByEntities(object, all, context, ['username']);
  },
};
