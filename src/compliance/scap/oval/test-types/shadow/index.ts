/**
 * unix:shadow — /etc/shadow entries. The hash itself is collected (states compare it, e.g. "!" or
 * "*" for locked accounts) but the evaluator never copies a shadow item's `password` into messages.
 */
import { filterByEntities, type OvalItem, type OvalTestType } from '../test-type.js';

function encryptMethod(hash: string): string {
  const id = /^\$([^$]+)\$/.exec(hash)?.[1];
  const methods: Record<string, string> = { '1': 'MD5', '2a': 'Blowfish', '2b': 'Blowfish', '2y': 'Blowfish', '5': 'SHA-256', '6': 'SHA-512', y: 'yescrypt', gy: 'gost-yescrypt' };
  return id === undefined ? (hash.length === 13 ? 'DES' : '') : (methods[id] ?? '');
}

export const shadow: OvalTestType = {
  id: 'shadow',
  families: ['unix'],
  async collect(object, context) {
    const all = await context.once('shadow:all', async () => {
      const text = (await context.files.readText('/etc/shadow')) ?? '';
      return text.split('\n').flatMap((line): OvalItem[] => {
        const fields = line.split(':');
        if (fields.length < 9 || line.startsWith('#')) return [];
        const [username, password, chgLst, chgAllow, chgReq, expWarn, expInact, expDate, flag] = fields as string[];
        const item: OvalItem = { username: [username ?? ''], password: [password ?? ''], encrypt_method: [encryptMethod(password ?? '')] };
        const numbers: [string, string | undefined][] = [['chg_lst', chgLst], ['chg_allow', chgAllow], ['chg_req', chgReq], ['exp_warn', expWarn], ['exp_inact', expInact], ['exp_date', expDate], ['flag', flag]];
        for (const [name, value] of numbers) if (value !== undefined && value !== '') item[name] = [value];
        return [item];
      });
    });
    return filterByEntities(object, all, context, ['username']);
  },
};
