/**
 * `accounts`: rules over the account databases — only root has UID 0, no account has an empty
 * password hash (/etc/shadow, read with privileges), system accounts have no login shell, no
 * duplicate UIDs or names. Password hashes are never copied into evidence; only their shape is.
 */
import { parseKeyValue } from '../../config/key-value.js';
import { EvidenceBuilder, type CheckType, type SchemaFragment } from '../check-type.js';

export type AccountRule = 'only-root-uid-0' | 'no-empty-passwords' | 'system-accounts-no-login' | 'no-duplicate-uids' | 'no-duplicate-names';

export interface AccountsCheck {
  type: 'accounts';
  rule: AccountRule;
  exempt?: string[];
}

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'Rules over /etc/passwd and /etc/shadow.',
  required: ['type', 'rule'],
  additionalProperties: false,
  properties: {
    type: { const: 'accounts' },
    rule: { enum: ['only-root-uid-0', 'no-empty-passwords', 'system-accounts-no-login', 'no-duplicate-uids', 'no-duplicate-names'] },
    exempt: { type: 'array', items: { type: 'string' } },
  },
};

const NO_LOGIN_SHELLS = /(^|\/)(nologin|false)$/;
const DEFAULT_EXEMPT = ['root', 'sync', 'shutdown', 'halt'];

export const accountsCheck: CheckType<AccountsCheck> = {
  id: 'accounts',
  schemas: { accounts: SCHEMA },
  async evaluate(check, { facts }) {
    const evidence = new EvidenceBuilder();
    const exempt = new Set(check.exempt ?? []);
    const accounts = (await facts.accounts()).filter((account) => !exempt.has(account.name));
    switch (check.rule) {
      case 'only-root-uid-0':
        for (const account of accounts) if (account.uid === 0 && account.name !== 'root') evidence.unexpected(`${account.name} has UID 0`, { file: account.file, line: account.line });
        return evidence.outcome('only root has UID 0', 'accounts other than root have UID 0');
      case 'no-empty-passwords':
        for (const entry of await facts.shadow()) if (!exempt.has(entry.name) && entry.hash === '') evidence.unexpected(`${entry.name} has an empty password`, { file: entry.file, line: entry.line });
        return evidence.outcome('no account has an empty password', 'accounts with an empty password');
      case 'system-accounts-no-login': {
        const loginDefs = await facts.lines('/etc/login.defs');
        const uidMin = Number(parseKeyValue(loginDefs ?? [], { separator: 'space' }).get('UID_MIN')?.value ?? 1000);
        for (const account of accounts) {
          if (account.uid >= uidMin || DEFAULT_EXEMPT.includes(account.name) || account.uid === 65534) continue;
          if (!NO_LOGIN_SHELLS.test(account.shell)) evidence.unexpected(`${account.name} (UID ${account.uid}) has shell ${account.shell}`, { file: account.file, line: account.line });
        }
        return evidence.outcome(`system accounts (UID < ${uidMin}) cannot log in`, 'system accounts with a login shell');
      }
      case 'no-duplicate-uids':
      case 'no-duplicate-names': {
        const seen = new Map<string, string>();
        for (const account of accounts) {
          const key = check.rule === 'no-duplicate-uids' ? String(account.uid) : account.name;
          const first = seen.get(key);
          if (first !== undefined) evidence.unexpected(check.rule === 'no-duplicate-uids' ? `UID ${key} shared by ${first} and ${account.name}` : `${key} defined twice`, { file: account.file, line: account.line });
          else seen.set(key, account.name);
        }
        return evidence.outcome('no duplicates', 'duplicates in /etc/passwd');
      }
    }
  },
};
